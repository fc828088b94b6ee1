"""Turning an HTTP library's exception into the SDK's, without its secrets.

Shared by every adapter; imports no HTTP library.

A library's message may quote what it was given: h11 refusing a header
value prints the value (the whole `Authorization: Bearer <key>` for a key
with a trailing space), urllib3 prints URLs. `scrub` removes every run of
three or more key-like characters taken from the request's secret header
values and URL credentials, whatever escaping the library applied around
them, so no form of the secret survives. An error whose library exception
held a secret is raised without it as `__cause__`, since a traceback
prints the cause's message in full.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional
from urllib.parse import unquote, urlsplit

from wootiv_core.errors import APIConnectionError, APITimeoutError
from wootiv_core.http import Request

__all__ = [
    "scrub",
    "connection_error",
    "caller_mistake",
    "declared_length",
    "SECRET_HEADER_WORDS",
]

#: A header whose lower-cased name contains one of these holds a secret.
SECRET_HEADER_WORDS = ("authorization", "cookie", "api-key", "apikey", "token", "secret", "password")

#: The characters an API key, token or password is made of; anything else
#: (spaces, quotes, escapes a library adds) splits it into pieces.
_PIECES = re.compile(r"[A-Za-z0-9\-._~+/=]{3,}")

#: `user:password@` in any URL a message quotes.
_USERINFO = re.compile(r"(?<=//)[^/@\s'\"]*@")

_HIDDEN = "[redacted]"


def _secrets(request: Request) -> Iterator[str]:
    for name, value in request.headers.items():
        if any(word in name.lower() for word in SECRET_HEADER_WORDS):
            yield value
    userinfo = urlsplit(request.url).netloc.rpartition("@")[0]
    if userinfo:
        yield userinfo
        yield unquote(userinfo)


def scrub(text: str, request: Request) -> str:
    """`text` with no piece of the request's secrets and no URL credentials in it."""
    pieces: List[str] = []
    for secret in _secrets(request):
        pieces.extend(piece for piece in _PIECES.findall(secret) if piece.lower() not in ("bearer", "basic"))
    for piece in sorted(set(pieces), key=len, reverse=True):
        text = text.replace(piece, _HIDDEN)
    return _USERINFO.sub(_HIDDEN + "@", text)


def _chained(error: Exception, exc: BaseException, message: str, shown: str) -> Exception:
    """`error` with `exc` as its cause, unless `exc`'s message held a secret."""
    if shown == message:
        error.__cause__ = exc
    return error


def connection_error(request: Request, exc: BaseException, *, timeout: bool, sent: bool) -> APIConnectionError:
    """The SDK's error for a network failure `exc`; raise it outside the `except` block.

    The library exception becomes `__cause__` when its message carries no
    secret.
    """
    message = str(exc)
    shown = scrub(message, request)
    kind = type(exc).__name__
    if timeout:
        error: APIConnectionError = APITimeoutError(request, f"Request timed out ({kind}): {shown}", sent=sent)
    else:
        error = APIConnectionError(request, f"Connection error ({kind}): {shown}", sent=sent)
    _chained(error, exc, message, shown)
    return error


def caller_mistake(request: Request, exc: BaseException, library: str) -> ValueError:
    """A `ValueError` for a request the library refused to send as it stands (never retried)."""
    message = str(exc)
    shown = scrub(message, request)
    error = ValueError(
        f"{library} refused to send {request.method} {scrub(request.url, request)}: {shown} ({type(exc).__name__})"
    )
    _chained(error, exc, message, shown)
    return error


def declared_length(value: Optional[str]) -> Optional[int]:
    """A `Content-Length` header's value as a number; `None` when absent or malformed."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
