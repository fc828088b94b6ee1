"""Bad settings and headers are refused before anything is sent, the same for every driver.

Each check is tried as a user meets it: building a `ClientConfig` (what the
clients do at construction) or a request (`build_request`, what every call
does first). A refusal is a `ValueError` or `TypeError` that names the
problem, and never shows the API key or a header's value.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.api import operations as ops
from wootiv_core.checks import MAX_URL_LENGTH, TRANSPORT_HEADERS
from wootiv_core.config import ClientConfig
from wootiv_core.http import Request
from wootiv_core.operation import Call, CallOptions
from wootiv_core.request_builder import build_request
from wootiv_core.urls import encode_path_segment

KEY = "sk-live-4f9a0c2e7b"
BASE = "http://api.test"


def config(**changes: Any) -> ClientConfig:
    return ClientConfig(**{"api_key": KEY, "base_url": BASE, **changes})


def retrieve(value: str = "r1", cfg: Optional[ClientConfig] = None, **options: Any) -> Request:
    return build_request(cfg or config(), Call(ops.ROLES_RETRIEVE, {"id": value}, CallOptions(**options)), None)


# --- the API key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, problem",
    [
        (KEY + " ", "leading or trailing whitespace"),
        (KEY + "\t", "leading or trailing whitespace"),
        (" " + KEY, "leading or trailing whitespace"),
        (KEY + "\n", "line break"),
        (KEY[:4] + "\r\n" + KEY[4:], "line break"),
        (KEY[:4] + "\x00" + KEY[4:], r"control character \(U\+0000\) at position 4"),
        (KEY + "\x7f", r"control character \(U\+007F\)"),
        (KEY[:3] + "\u2028" + KEY[3:], r"outside latin-1 \(U\+2028\)"),
        ("", "empty"),
    ],
)
def test_a_broken_api_key_is_refused_without_showing_it(key: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as caught:
        config(api_key=key)
    assert KEY not in str(caught.value) and KEY[4:] not in str(caught.value)


def test_an_api_key_of_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="api_key must be a str"):
        config(api_key=b"sk-bytes")


# --- headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["", " ", "X A", "X:A", "X-A:", "X\r\nY", "Prüfer", "X-\x00", "(comment)", "a/b", "X-A ", "{x}"],
)
@pytest.mark.parametrize("where", ["default_headers", "extra_headers"])
def test_a_header_name_must_be_a_token(name: str, where: str) -> None:
    with pytest.raises(ValueError, match="invalid header name"):
        if where == "default_headers":
            config(default_headers={name: "v"})
        else:
            retrieve(extra_headers={name: "v"})


@pytest.mark.parametrize(
    "value, problem",
    [
        ("a\rb{k}", "line break"),
        ("a\nb{k}", "line break"),
        ("a\x00b{k}", r"control character \(U\+0000\) at position 1"),
        ("a\x1fb{k}", r"control character \(U\+001F\)"),
        ("a\x7fb{k}", r"control character \(U\+007F\)"),
        ("a\x85b{k}", r"control character \(U\+0085\)"),
        ("snowman \u2603{k}", r"outside latin-1 \(U\+2603\) at position 8"),
        (" {k}", "leading or trailing whitespace"),
        ("{k}\t", "leading or trailing whitespace"),
    ],
)
@pytest.mark.parametrize("where", ["default_headers", "extra_headers"])
def test_a_header_value_must_be_visible_latin_1(value: str, problem: str, where: str) -> None:
    secret = value.format(k=KEY)
    with pytest.raises(ValueError, match=problem) as caught:
        if where == "default_headers":
            config(default_headers={"X-Token": secret})
        else:
            retrieve(extra_headers={"Authorization": secret})
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("value", ["", "plain", "a\tb", "a  b", "caf\xe9", "\xff", "x" * 10_000, "!#$%&'*+-.^_`|~"])
def test_valid_header_values_are_sent_as_given(value: str) -> None:
    request = retrieve(extra_headers={"X-Note": value})
    assert request.headers["X-Note"] == value
    assert config(default_headers={"X-Note": value}).default_headers["X-Note"] == value


@pytest.mark.parametrize("name", sorted(TRANSPORT_HEADERS | {"Content-Length", "HOST", "Transfer-Encoding"}))
@pytest.mark.parametrize("value", ["999", None])
def test_headers_the_transport_owns_are_refused(name: str, value: Optional[str]) -> None:
    with pytest.raises(ValueError, match="set by the transport"):
        retrieve(extra_headers={name: value})
    if value is not None:
        with pytest.raises(ValueError, match="set by the transport"):
            config(default_headers={name: value})


def test_header_types_are_checked() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        retrieve(extra_headers={"X-Count": 3})
    with pytest.raises(TypeError, match="header names must be str"):
        retrieve(extra_headers={b"X-Raw": "v"})
    with pytest.raises(TypeError, match="extra_headers must be a mapping"):
        retrieve(extra_headers=[("X-A", "v")])
    with pytest.raises(TypeError, match="default_headers must be a mapping"):
        config(default_headers=[("X-A", "v")])


def test_a_multipart_upload_still_sends_the_content_length_core_computed() -> None:
    from wootiv_core.multipart import BytesSource

    request = build_request(config(), Call(ops.AWS_BUCKETS_UPLOAD, {"file": BytesSource(b"abc", "a.txt")}), "n0nce")
    content = request.content if isinstance(request.content, bytes) else b"".join(request.content)
    assert int(request.headers["Content-Length"]) == len(content)


# --- base_url ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, problem",
    [
        ("api.wootiv.com", "must start with http:// or https://"),
        ("ftp://api.test", "must start with http:// or https://"),
        ("", "must start with http:// or https://"),
        ("http://", "has no host"),
        ("http:///path", "has no host"),
        ("http://api.test:99999", "invalid port"),
        ("http://api.test:0", "invalid port"),
        ("http://api.test:x", "invalid port"),
        ("http://api.test:", "invalid port"),
        ("http://api.test/v1?key=1", "query or fragment"),
        ("http://api.test/v1#top", "query or fragment"),
        ("http://api test", "printable ASCII"),
        ("http://api.test/\x00", "printable ASCII"),
        ("http://bücher.example", "printable ASCII"),
    ],
)
def test_a_base_url_that_is_not_a_usable_url_is_refused(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        config(base_url=url)


@pytest.mark.parametrize(
    "url", ["http://user:hunter2@api.test", "https://hunter2@api.test/v1", "http://u:hunter2@[::1]:8080", "ftp://u:hunter2@x", "u:hunter2@api.test"]
)
def test_credentials_in_base_url_are_refused_and_never_shown(url: str) -> None:
    with pytest.raises(ValueError, match="must not contain a user name or password|not shown") as caught:
        config(base_url=url)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "url, root",
    [
        ("http://api.test", "http://api.test"),
        ("https://api.test/", "https://api.test"),
        ("HTTPS://api.test/v1/", "HTTPS://api.test/v1"),
        ("http://127.0.0.1:3001", "http://127.0.0.1:3001"),
        ("http://[::1]:8080/api", "http://[::1]:8080/api"),
        ("http://xn--bcher-kva.example/%7Euser", "http://xn--bcher-kva.example/%7Euser"),
    ],
)
def test_good_base_urls_are_the_root_of_every_request(url: str, root: str) -> None:
    assert retrieve(cfg=config(base_url=url)).url == f"{root}/role/r1"


# --- the URL's length and path parameters ---------------------------------------------


def test_an_over_long_url_is_refused_before_anything_is_sent() -> None:
    fits = "x" * (MAX_URL_LENGTH - len(f"{BASE}/role/"))
    assert len(retrieve(fits).url) == MAX_URL_LENGTH == 8192
    with pytest.raises(ValueError, match=r"roles.retrieve: the request URL would be 8193 characters, over the limit of 8192"):
        retrieve(fits + "x")
    with pytest.raises(ValueError, match="over the limit"):
        build_request(config(), Call(ops.ROLES_LIST, {"fields": ["f" * 100] * 100}), None)


def test_a_path_parameter_of_another_type_is_a_type_error() -> None:
    for value in (1, None, b"r1", ["r1"]):
        with pytest.raises(TypeError, match=r"roles.retrieve\(id=\) must be a str"):
            retrieve(value)  # type: ignore[arg-type]


# --- the other client settings ---------------------------------------------------------


@pytest.mark.parametrize("value, error", [(0, ValueError), (-1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError), ("5", TypeError), (True, TypeError)])
def test_a_deadline_must_be_positive_seconds_or_none(value: Any, error: type) -> None:
    with pytest.raises(error, match="deadline"):
        config(deadline=value)
    assert config(deadline=None).deadline is None and config(deadline=2).deadline == 2


@pytest.mark.parametrize("value, error", [(0, ValueError), (-5, ValueError), (1.5, TypeError), ("1MB", TypeError), (True, TypeError)])
def test_max_response_size_must_be_positive_bytes_or_none(value: Any, error: type) -> None:
    with pytest.raises(error, match="max_response_size"):
        config(max_response_size=value)


def test_max_response_size_flows_into_every_request() -> None:
    assert retrieve().max_response_size == 32 * 1024 * 1024
    assert retrieve(cfg=config(max_response_size=1000)).max_response_size == 1000
    assert retrieve(cfg=config(max_response_size=None)).max_response_size is None


def test_retry_writes_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="retry_writes must be True or False"):
        config(retry_writes="yes")


# --- the property: any key, header and id is sent exactly as documented, or refused ---------

_TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VISIBLE = {chr(code) for code in (*range(0x21, 0x7F), *range(0xA0, 0x100))}


def header_value_ok(value: str) -> bool:
    """RFC 9110 field-value, as documented: visible latin-1, spaces and tabs only inside."""
    if value != value.strip(" \t"):
        return False
    return all(char in _VISIBLE or char in " \t" for char in value)


def id_ok(value: str) -> bool:
    return bool(value) and not any(ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF for char in value)


def expected_segment(value: str) -> str:
    """The documented encoding of a path parameter, written out independently of `urls`."""
    if value in (".", ".."):
        return value.replace(".", "%2E")
    out: List[str] = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        out.append(char if char.isascii() and (char.isalnum() or char in "-._~") else f"%{byte:02X}")
    return "".join(out)


any_text = st.text(st.characters(codec=None, categories=None), max_size=12) | st.text(
    st.sampled_from(list(_TCHAR) + [" ", "\t", "\r", "\n", "\x00", "\x7f", "\xe9", "\u2603", ":"]), max_size=12
)


@settings(max_examples=600, deadline=None)
@given(
    key=any_text,
    name=st.text(st.sampled_from(list(_TCHAR) + [" ", ":", "\r", "\n", "\x00", "é"]), max_size=10),
    value=any_text,
    ident=any_text | st.sampled_from([".", "..", "a/b", "%2F", "%25", "?x=1", "#f", "ü", "🙂"]),
)
def test_any_key_header_and_id_is_sent_as_documented_or_refused(key: str, name: str, value: str, ident: str) -> None:
    """Every combination either builds the documented request or raises a clear error without the key."""
    # A marker in the middle keeps any leading or trailing whitespace drawn.
    secret = key[:1] + "ZQXsecret" + key[1:]
    problems: Dict[str, bool] = {
        "key": not (secret == secret.strip() and header_value_ok(secret)),
        "name": not (name and all(char in _TCHAR for char in name)) or name.lower() in TRANSPORT_HEADERS,
        "value": not header_value_ok(value),
        "id": not id_ok(ident),
    }
    try:
        cfg = config(api_key=secret)
        request = retrieve(ident, cfg, extra_headers={name: value})
    except (ValueError, TypeError) as exc:
        assert any(problems.values()), f"refused a good request: {exc}"
        assert secret not in str(exc) and "ZQXsecret" not in str(exc)
        return
    assert not any(problems.values()), f"built a request that should be refused: {problems}"
    assert request.url == f"{BASE}/role/{expected_segment(ident)}"
    assert request.url == f"{BASE}/role/{encode_path_segment(ident)}"
    path = urlsplit(request.url).path
    assert path.count("/") == 2 and unquote(path.rsplit("/", 1)[1]) == ident
    lowered = {header.lower(): item for header, item in request.headers.items()}
    assert lowered["authorization"] == f"Bearer {secret}"
    assert lowered[name.lower()] == value
    for header, item in request.headers.items():
        assert all(char in _TCHAR for char in header) and header_value_ok(item)
        item.encode("latin-1")
