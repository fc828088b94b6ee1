"""What a type checker sees when users call the SDK (checked by pyright, not run).

Each `assert_type` fails the check if the inferred type differs. A line with
`# pyright: ignore[...]` must really be an error: the check enables
`reportUnnecessaryTypeIgnoreComment`, so an ignore that hides nothing fails.
mypy (`--strict`, which warns about unused ignores) checks the same file;
its `# type: ignore[...]` comments must be needed too, and pyright is told
not to read them (`enableTypeIgnoreComments: false`).
"""

from typing import Any, Dict, List

from typing_extensions import assert_type

from wootiv import AsyncPage, AsyncPager, AsyncWootiv, SyncPage, Wootiv
from wootiv.types import AwsS3GetSignedURLResponse, RoleDto, SpaceMemberDto


def sync_calls(client: Wootiv) -> None:
    assert_type(client.roles.retrieve("r1", fields=["name"]), RoleDto)
    assert_type(client.roles.create(name="n", description="d"), RoleDto)
    assert_type(client.roles.delete("r1"), Dict[str, Any])
    assert_type(client.roles.bulk_create(bulk=[{"name": "n", "description": "d"}]), List[RoleDto])
    assert_type(client.roles.list(), SyncPage[RoleDto])
    for role in client.roles.list(limit=5):
        assert_type(role, RoleDto)
    assert_type(client.root.retrieve(), None)
    assert_type(client.aws.create_signed_put_url(filename="a.png"), AwsS3GetSignedURLResponse)
    assert_type(client.space.members.list("demo"), SyncPage[SpaceMemberDto])
    assert_type(client.space.members.retrieve("u1", space_id="demo"), None)
    client.roles.retrieve(123)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.roles.create(name="n")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    client.space.members.retrieve("u1", "demo")  # type: ignore[misc]  # pyright: ignore[reportCallIssue]


async def async_calls(client: AsyncWootiv) -> None:
    assert_type(await client.roles.retrieve("r1"), RoleDto)
    assert_type(await client.roles.update("r1", name="n", description="d"), RoleDto)
    assert_type(client.roles.list(), AsyncPager[RoleDto])
    assert_type(await client.roles.list(), AsyncPage[RoleDto])
    async for role in client.roles.list():
        assert_type(role, RoleDto)
    assert_type(await client.root.retrieve(), None)
    assert_type(client.space.members.list("demo"), AsyncPager[SpaceMemberDto])
    not_awaited: RoleDto = client.roles.retrieve("r1")  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    assert_type(not_awaited, RoleDto)
