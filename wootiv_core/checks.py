"""Checks of what a caller gives, made before anything is sent.

Each HTTP library refuses bad input in its own way and at its own moment:
one raises its own exception class (with the offending header, API key
included, in the message), one sends the bytes as UTF-8, one sends them raw.
So the core checks every setting and header itself, the same way for every
driver, and a mistake is a `ValueError` or `TypeError` that says what to fix.

No message here ever quotes a header value or the API key: a value is
described by what is wrong with it and where (`a control character at
position 12`), never shown.
"""

from __future__ import annotations

import re
from typing import Mapping, Optional, cast
from urllib.parse import urlsplit

__all__ = [
    "check_api_key",
    "check_header",
    "check_headers",
    "check_base_url",
    "check_url_length",
    "check_deadline",
    "check_max_response_size",
    "check_retry_writes",
    "path_value_problem",
    "TRANSPORT_HEADERS",
    "MAX_URL_LENGTH",
]

#: Headers that describe the connection or the framing of the body. The
#: transport (and, for uploads, the core) sets them from what is actually
#: sent; a caller's value would contradict the bytes on the wire.
TRANSPORT_HEADERS = frozenset(
    {
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
    }
)

#: The longest request URL the SDK sends, in characters (all ASCII once
#: encoded). 8 KiB is what common servers and proxies accept by default
#: (nginx, Node.js); a longer URL would be refused by one of them anyway,
#: usually with a bare 414 or a dropped connection.
MAX_URL_LENGTH = 8192

# RFC 9110 section 5.1: a field name is a `token`.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 section 5.5: visible characters (latin-1 beyond ASCII allowed as
# obs-text, less the C1 control characters), with spaces or tabs only
# between them.
_FIELD_VALUE = re.compile(r"(?:[\x21-\x7e\xa0-\xff]+(?:[ \t]+[\x21-\x7e\xa0-\xff]+)*)?")
_SHOWN_NAME = 60
_PATH_UNFIT = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _problem(value: str) -> str:
    """What makes `value` unfit for a header, without showing it."""
    for position, char in enumerate(value):
        code = ord(char)
        if char in "\r\n":
            return f"a line break (CR or LF) at position {position}"
        if code > 0xFF:
            return f"a character outside latin-1 (U+{code:04X}) at position {position}; send such text encoded, e.g. percent-encoded"
        if (code < 0x20 and char != "\t") or 0x7F <= code < 0xA0:
            return f"a control character (U+{code:04X}) at position {position}"
    if value != value.strip(" \t"):
        return "leading or trailing whitespace"
    return "a character a header value cannot hold"


def _name(name: str) -> str:
    shown = name if len(name) <= _SHOWN_NAME else name[:_SHOWN_NAME] + "..."
    return repr(shown)


def check_header(name: str, value: Optional[str]) -> None:
    """Refuse a header that is not valid HTTP, before anything is sent.

    The name must be an RFC 9110 token, and not one of `TRANSPORT_HEADERS`
    (the transport sets those); the value (unless `None`, "remove this
    header") visible latin-1 characters with spaces or tabs only between
    them, so no CR or LF can split the request.
    """
    if not isinstance(name, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"header names must be str, got {type(name).__name__}")
    if not _TOKEN.fullmatch(name):
        raise ValueError(
            f"invalid header name {_name(name)}: a name is letters, digits and !#$%&'*+-.^_`|~, without spaces or colons"
        )
    if name.lower() in TRANSPORT_HEADERS:
        raise ValueError(
            f"header {_name(name)} is set by the transport from what is actually sent; remove it from your headers"
        )
    if value is None:
        return
    if not isinstance(value, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"the value of header {_name(name)} must be a str (or None to remove it), got {type(value).__name__}")
    if not _FIELD_VALUE.fullmatch(value):
        raise ValueError(f"the value of header {_name(name)} contains {_problem(value)}; remove it")


def check_headers(headers: Mapping[str, Optional[str]], where: str) -> None:
    """`check_header` for each entry of `headers` (`where` names the option)."""
    # `type() is dict` first: an ABC check costs more than checking a header.
    if type(headers) is not dict and not isinstance(headers, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"{where} must be a mapping of header names to values, got {type(headers).__name__}")
    for name, value in cast("Mapping[str, Optional[str]]", headers).items():
        check_header(name, value)


def check_api_key(key: str) -> None:
    """Refuse an API key that cannot be sent as it is.

    A key pasted with a trailing newline or tab, or holding a NUL, would be
    refused by the HTTP library with the whole `Authorization` header, key
    included, in its message. The message here says what is wrong and never
    shows the key.
    """
    if not isinstance(key, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"api_key must be a str, got {type(key).__name__}")
    if not key:
        raise ValueError("api_key is empty")
    if "\r" in key or "\n" in key:
        raise ValueError("api_key contains a line break (CR or LF); check the key you pasted")
    if key != key.strip():
        raise ValueError("api_key has leading or trailing whitespace (often pasted with it); remove it")
    if not _FIELD_VALUE.fullmatch(key):
        raise ValueError(f"api_key contains {_problem(key)}; check the key you pasted")


def check_base_url(url: str) -> str:
    """`url` checked as the root of every request URL, without a trailing slash.

    It must be an absolute `http` or `https` URL with a host and, if given,
    a port from 1 to 65535; no user name or password (the API authenticates
    with the API key, and a password in a URL ends up in logs), no query or
    fragment (paths are appended to it), and only printable ASCII (encode
    anything else, and give an international host name in its `xn--` form).
    """
    if not isinstance(url, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"base_url must be a str, got {type(url).__name__}")
    if any(not "\x21" <= char <= "\x7e" for char in url):
        raise ValueError("base_url may hold only printable ASCII without spaces; percent-encode anything else")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        # An "@" may come after a password: such a URL is not shown.
        shown = repr(url) if "@" not in url else "a URL holding '@' (not shown)"
        raise ValueError(f"base_url must start with http:// or https://, got {shown}")
    if "@" in parts.netloc:
        raise ValueError(
            "base_url must not contain a user name or password (user:password@host): "
            "the API key is given with api_key=, and a proxy's credentials with proxy="
        )
    if not parts.hostname:
        raise ValueError(f"base_url has no host: {url!r}")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or (parts.netloc.endswith(":") and port is None):
        raise ValueError(f"base_url has an invalid port (1 to 65535): {url!r}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"base_url must not have a query or fragment (paths are appended to it): {url!r}")
    return url.rstrip("/")


def check_url_length(url: str, operation: str) -> None:
    """Refuse a request URL longer than `MAX_URL_LENGTH`."""
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(
            f"{operation}: the request URL would be {len(url)} characters, over the limit of {MAX_URL_LENGTH}; "
            "send fewer or shorter query parameters"
        )


def path_value_problem(value: str) -> Optional[str]:
    """What makes `value` unfit for a path parameter, or `None`.

    Everything is percent-encoded into one segment, except a control
    character (a NUL or a line break in an id is always a mistake) and a
    lone surrogate (it has no UTF-8 form to encode). Called only for values
    that are not plain unreserved characters (`wootiv_core.urls`), so ids
    of the usual kind pay nothing for it.
    """
    if not _PATH_UNFIT.search(value):
        return None
    for position, char in enumerate(value):
        code = ord(char)
        if code < 0x20 or code == 0x7F:
            return f"contains a control character (U+{code:04X}) at position {position}"
        if 0xD800 <= code <= 0xDFFF:
            return f"contains a lone surrogate (U+{code:04X}) at position {position}"
    return None


def check_deadline(value: object, where: str = "deadline") -> Optional[float]:
    """`value` as a deadline in seconds: a positive finite number, or `None` (no bound)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number of seconds or None, got {type(value).__name__}")
    if not 0 < value < float("inf"):
        raise ValueError(f"{where} must be a positive, finite number of seconds, got {value!r}")
    return float(value)


def check_max_response_size(value: object) -> Optional[int]:
    """`value` as a size limit in bytes: a positive whole number, or `None` (no limit)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_response_size must be a whole number of bytes or None, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"max_response_size must be positive, got {value}")
    return value


def check_retry_writes(value: object) -> bool:
    """`value` as the `retry_writes` switch: `True` or `False` only."""
    if not isinstance(value, bool):
        raise TypeError(f"retry_writes must be True or False, got {type(value).__name__}")
    return value
