"""What a type checker sees of models (checked by pyright and mypy, not run).

Models read fields the SDK does not know yet as attributes at run time, but
type checkers must not see that fallback: a misspelt field is an error.
"""

from typing import Any, Dict

from typing_extensions import assert_type

from wootiv.types import RoleDto


def field_reads(role: RoleDto) -> None:
    assert_type(role.name, str)
    assert_type(role.extra_fields, Dict[str, Any])
    assert_type(role.extra_fields["someNewField"], Any)
    role.nmae  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    role.name = 3  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
