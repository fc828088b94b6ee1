"""Copies of requests and responses that are safe to keep on an error.

An error may travel far from the call that raised it: into a log, a
traceback, an error tracker, a pickle sent back from a worker process. So
the request and response an error holds are copies made here, when the
error is made:

* credential headers (`SENSITIVE_HEADERS`, and any name holding `token`,
  `secret` or `password`) are masked, on the request and on the response;
* the request body is dropped (a login's body holds a password; an
  upload's body may be an open file, which cannot travel anyway);
* a user name or password in the URL is removed;
* the response headers become a core `Headers`, so no object of an HTTP
  library is kept, and the body is cut at `MAX_ERROR_BODY` bytes.

Only failed calls pay for the copies: nothing here runs on the success path.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from .http import MASK, Headers, Request, Response, is_sensitive_header

__all__ = ["MAX_ERROR_BODY", "redact_url", "safe_request", "safe_response", "mask_headers"]

#: The most bytes of an error answer's body an error keeps (64 KiB). A
#: larger body is cut there; `APIStatusError.body` then ends with a marker
#: saying how much was cut.
MAX_ERROR_BODY = 64 * 1024


def redact_url(url: str) -> str:
    """`url` without the `user:password@` part of its authority, if it has one."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<a URL that could not be read>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=host))


def mask_headers(headers: Mapping[str, str]) -> Headers:
    """A core `Headers` copy of any header mapping, credentials masked.

    Names and values are made `str`, whatever the library's mapping held.
    """
    pairs: Iterable[Tuple[Any, Any]] = headers.items()
    return Headers((str(name), MASK if is_sensitive_header(str(name)) else str(value)) for name, value in pairs)


def safe_request(request: Request) -> Request:
    """`request` without its body, with credentials masked (see the module docstring)."""
    return Request(
        request.method,
        redact_url(request.url),
        mask_headers(request.headers),
        b"",
        request.timeout,
        request.max_response_size,
    )


def safe_response(response: Response, request: Optional[Request] = None) -> Response:
    """`response` as plain core values, credentials masked and the body cut at `MAX_ERROR_BODY`.

    `request`, when given, is the safe copy of its request already made.
    """
    copy = Response(
        response.status_code,
        mask_headers(response.headers),
        response.content[:MAX_ERROR_BODY],
        request if request is not None else safe_request(response.request),
    )
    copy.elapsed = response.elapsed
    copy.retries_taken = response.retries_taken
    return copy
