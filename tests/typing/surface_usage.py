"""The earlier SDK's client surface, as a type checker sees it (checked by pyright, not run).

As in `usage.py`: each `assert_type` must hold, and each `# pyright: ignore[...]`
must hide a real error.
"""

from typing import Any, Dict, Mapping, Optional

import httpx
from typing_extensions import assert_type

from wootiv import AsyncWootiv, PoolLimits, Wootiv
from wootiv.types import RoleDto, RoleListParams
from wootiv.types.shared_params import ReferenceIDDto
from wootiv.types.space import MemberListParams


def client_surface(client: Wootiv, aclient: AsyncWootiv) -> None:
    assert_type(client.copy(max_retries=0, set_default_headers={"X-A": "1"}), Wootiv)
    assert_type(aclient.with_options(connection_pool_limits=httpx.Limits(max_connections=5)), AsyncWootiv)
    assert_type(client.default_headers, Mapping[str, str])
    assert_type(client.default_query, Mapping[str, object])
    assert_type(client.is_closed(), bool)
    Wootiv(connection_pool_limits=PoolLimits(max_connections=10, keepalive_expiry=None))
    client.copy(max_retries="3")  # pyright: ignore[reportArgumentType]


def params_and_pages(client: Wootiv) -> None:
    params: RoleListParams = {"limit": 2, "fields": ["name"]}
    page = client.roles.list(**params)
    assert_type(page.count, Optional[int])
    assert_type(page.page_count, Optional[int])
    assert_type(page.to_dict(), Dict[str, Any])
    assert_type(page.to_json(), str)
    members: MemberListParams = {"page": 1}
    client.space.members.list("demo", **members)
    reference: ReferenceIDDto = {"id": "r1"}
    assert_type(reference["id"], str)
    wrong: RoleListParams = {"limt": 2}  # pyright: ignore[reportAssignmentType]
    del wrong


def model_dump(role: RoleDto) -> None:
    assert_type(role.model_dump(), Dict[str, Any])
    assert_type(role.model_dump(by_alias=True), Dict[str, Any])
    assert_type(role.model_dump_json(indent=2), str)
