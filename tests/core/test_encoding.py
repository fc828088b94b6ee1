"""URL encoding round-trips, and request building checks arguments before anything is sent."""

from __future__ import annotations

from typing import Any, Dict, List
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wootiv_core.api import operations as ops
from wootiv_core.config import ClientConfig
from wootiv_core.operation import Call, CallOptions
from wootiv_core.request_builder import build_request
from wootiv_core.urls import encode_path_segment, encode_query, render_path

CONFIG = ClientConfig(api_key="secret", base_url="http://api.test")


@given(st.text(min_size=1))
def test_a_path_parameter_is_always_one_segment(value: str) -> None:
    segment = encode_path_segment(value)
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert segment not in (".", "..")
    assert unquote(segment) == value


@given(st.text(min_size=1), st.text(min_size=1))
def test_rendering_never_changes_the_path_shape(first: str, second: str) -> None:
    path = render_path("/mailbox/{id}/stream/{slug}", {"id": first, "slug": second})
    parts = path.split("/")
    assert len(parts) == 5 and parts[1] == "mailbox" and parts[3] == "stream"
    assert [unquote(parts[2]), unquote(parts[4])] == [first, second]


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_query_arrays_are_comma_joined_and_split_back(items: List[str]) -> None:
    encoded = encode_query([("fields", items)])
    name, _, value = encoded.partition("=")
    assert name == "fields"
    assert [unquote(part) for part in value.split(",")] == items


def test_query_values() -> None:
    assert encode_query([("a", True), ("b", False), ("c", None), ("d", 3), ("e", {"x": 1, "y": {"z": "w"}})]) == "a=true&b=false&d=3&e[x]=1&e[y][z]=w"
    assert encode_query([("sort", ["name,ASC"]), ("filter", ["name||$eq||a b"])]) == "sort=name%2CASC&filter=name%7C%7C%24eq%7C%7Ca%20b"


def build(op: Any, args: Dict[str, Any], **options: Any) -> Any:
    return build_request(CONFIG, Call(op, args, CallOptions(**options)), "nonce-1")


def test_writes_carry_the_nonce_as_idempotency_key_and_reads_do_not() -> None:
    assert build(ops.ROLES_CREATE, {"name": "n", "description": "d"}).headers["Idempotency-Key"] == "nonce-1"
    assert "Idempotency-Key" not in build(ops.ROLES_RETRIEVE, {"id": "r"}).headers


def test_arguments_are_checked_before_building() -> None:
    with pytest.raises(TypeError, match="required argument 'name'"):
        build(ops.ROLES_CREATE, {"description": "d"})
    with pytest.raises(TypeError, match=r"roles.create\(name=\) must be a str, got int"):
        build(ops.ROLES_CREATE, {"name": 1, "description": "d"})
    with pytest.raises(TypeError, match="must be a str, got bool"):
        build(ops.ROLES_CREATE, {"name": True, "description": "d"})
    with pytest.raises(ValueError, match="non-empty"):
        build(ops.ROLES_RETRIEVE, {"id": ""})
    with pytest.raises(ValueError, match="line break"):
        build(ops.ROLES_RETRIEVE, {"id": "r"}, extra_headers={"X-A": "1\n2"})
    with pytest.raises(ValueError, match="line break"):
        ClientConfig(api_key="a\r\nb", base_url="http://x")
    with pytest.raises(ValueError, match="line break"):
        ClientConfig(api_key="a", base_url="http://x", default_headers={"X": "\n"})


def test_header_options() -> None:
    request = build(ops.ROLES_RETRIEVE, {"id": "r"}, extra_headers={"accept": "text/plain", "User-Agent": None})
    assert request.headers["accept"] == "text/plain" and "Accept" not in request.headers
    assert "User-Agent" not in request.headers
    assert "secret" not in repr(request) and "secret" not in repr(CONFIG)


def test_nested_objects_leave_with_wire_names() -> None:
    address = {"email": "a@b", "mailbox_hash": "h", "name": "A"}
    args = {name: "" for name in ["bcc", "cc", "date", "from_", "from_name", "mailbox_hash", "message_id", "message_stream", "original_recipient", "raw_email", "reply_to", "stripped_text_reply", "subject", "tag", "text_body", "to"]}
    args.update(attachments=[], bcc_full=[], cc_full=[], headers=[], from_full=address, to_full=[address])
    import json

    body = json.loads(build(ops.INBOUND_MAIL_CREATE, args).content)
    assert body["FromFull"] == {"Email": "a@b", "MailboxHash": "h", "Name": "A"}
    assert body["ToFull"] == [{"Email": "a@b", "MailboxHash": "h", "Name": "A"}]
    assert "From" in body and "from_" not in body
    query = build(ops.ROLES_LIST, {"or_": ["a||$eq||b"]}).url
    assert "?or=" in query and "or_" not in query
