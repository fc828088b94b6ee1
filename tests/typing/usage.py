"""What a type checker sees when users call the SDK (checked by pyright, not run).

Each `assert_type` fails the check if the inferred type differs. A line with
`# pyright: ignore[...]` must really be an error: the check enables
`reportUnnecessaryTypeIgnoreComment`, so an ignore that hides nothing fails.
mypy (`--strict`, which warns about unused ignores) checks the same file;
its `# type: ignore[...]` comments must be needed too, and pyright is told
not to read them (`enableTypeIgnoreComments: false`).
"""

from datetime import timedelta
from typing import Any, Dict, List, Mapping

from typing_extensions import assert_type

from wootiv import APIResponse, AsyncAPIResponse, AsyncPage, AsyncPager, AsyncWootiv, SyncPage, Wootiv
from wootiv_core.http import Request
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


def sync_raw_responses(client: Wootiv) -> None:
    answer = client.roles.with_raw_response.retrieve("r1", fields=["name"])
    assert_type(answer, APIResponse[RoleDto])
    assert_type(answer.parse(), RoleDto)
    assert_type(answer.status_code, int)
    assert_type(answer.headers, Mapping[str, str])
    assert_type(answer.elapsed, timedelta)
    assert_type(answer.retries_taken, int)
    assert_type(answer.content, bytes)
    assert_type(answer.text, str)
    assert_type(answer.http_request, Request)
    assert_type(client.roles.with_raw_response.delete("r1"), APIResponse[Dict[str, Any]])
    assert_type(client.root.with_raw_response.retrieve(), APIResponse[None])
    listed = client.roles.with_raw_response.list(limit=5)
    assert_type(listed, APIResponse[SyncPage[RoleDto]])
    assert_type(listed.parse(), SyncPage[RoleDto])
    assert_type(client.space.members.with_raw_response.list("demo"), APIResponse[SyncPage[SpaceMemberDto]])
    assert_type(client.space.with_raw_response.members.list("demo"), APIResponse[SyncPage[SpaceMemberDto]])
    assert_type(client.with_raw_response.roles.retrieve("r1"), APIResponse[RoleDto])
    assert_type(client.with_raw_response.space.members.list("demo"), APIResponse[SyncPage[SpaceMemberDto]])
    client.roles.with_raw_response.retrieve(123)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def async_raw_responses(client: AsyncWootiv) -> None:
    answer = await client.roles.with_raw_response.retrieve("r1")
    assert_type(answer, AsyncAPIResponse[RoleDto])
    assert_type(await answer.parse(), RoleDto)
    assert_type(await answer.read(), bytes)
    assert_type(answer.json(), Any)
    listed = await client.roles.with_raw_response.list()
    assert_type(listed, AsyncAPIResponse[AsyncPage[RoleDto]])
    assert_type(await listed.parse(), AsyncPage[RoleDto])
    async for role in await listed.parse():
        assert_type(role, RoleDto)
    assert_type(
        await client.space.members.with_raw_response.list("demo"), AsyncAPIResponse[AsyncPage[SpaceMemberDto]]
    )
    assert_type(await client.with_raw_response.roles.retrieve("r1"), AsyncAPIResponse[RoleDto])
    plain: RoleDto = await client.roles.with_raw_response.retrieve("r1")  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    assert_type(plain, RoleDto)


def sync_custom_requests(client: Wootiv) -> None:
    assert_type(client.get("/role/r1", cast_to=RoleDto), RoleDto)
    assert_type(client.get("/role", cast_to=object, options={"params": {"limit": 1}}), object)
    assert_type(client.post("/role", body={"name": "n"}, cast_to=bytes), bytes)
    assert_type(client.put("/role/r1", body={}, cast_to=str), str)
    assert_type(client.patch("/role/r1", body={}, cast_to=RoleDto), RoleDto)
    assert_type(client.delete("/role/r1", cast_to=APIResponse).status_code, int)
    assert_type(client.request("GET", "/role", cast_to=object, query={"limit": 1}), object)
    client.get("/role", cast_to=object, body={})  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    client.get("/role", cast_to=object, options={"param": {}})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def async_custom_requests(client: AsyncWootiv) -> None:
    assert_type(await client.get("/role/r1", cast_to=RoleDto), RoleDto)
    assert_type((await client.post("/role", body={"name": "n"}, cast_to=AsyncAPIResponse)).status_code, int)
    assert_type(await client.request("DELETE", "/role/r1", cast_to=object), object)
