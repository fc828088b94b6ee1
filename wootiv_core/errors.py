"""The exceptions a user of the SDK can see, and how a status code picks one.

Every error derives from `APIError`. Transport adapters raise only
`APIConnectionError`, `APITimeoutError` and `APIResponseTooLargeError` (with
the library's own exception as `__cause__`), so whichever HTTP library runs
underneath, user code catches the same classes.

A connection error says whether the request may have reached the server
(`sent`): the retry machine retries a write only when it certainly did not.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Type

from .http import Request, Response

__all__ = [
    "WootivError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "APIResponseValidationError",
    "APIResponseTooLargeError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "status_error",
    "decode_error_body",
]


class WootivError(Exception):
    """Base of every error the SDK raises, including misconfiguration."""


class APIError(WootivError):
    """Base of every error the SDK raises about a call.

    `request` is the request that failed; `body` the decoded error body when
    the server sent one (parsed JSON, else text), otherwise `None`.
    """

    message: str
    request: Request
    body: Optional[object]

    def __init__(self, message: str, request: Request, *, body: Optional[object] = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke mid-answer.

    `sent` is false only when no byte of the request can have reached the
    server: no connection could be made, connecting or waiting for a pooled
    connection timed out, or the connection was found closed before the
    request was written. Otherwise (a read timeout, a reset or end of stream
    after sending) the server may have acted on it, and `sent` is true.
    Adapters that cannot tell must say true.
    """

    sent: bool

    def __init__(self, request: Request, message: str = "Connection error.", *, sent: bool = True) -> None:
        super().__init__(message, request)
        self.sent = sent


class APITimeoutError(APIConnectionError):
    """A timeout ran out: connecting, waiting for the pool, sending, reading,
    the attempt's bound or the call's deadline."""

    def __init__(self, request: Request, message: str = "Request timed out.", *, sent: bool = True) -> None:
        super().__init__(request, message, sent=sent)


class APIResponseTooLargeError(APIError):
    """The answer was larger than the client's `max_response_size` allows.

    Raised by the transport while reading, before the whole answer is held in
    memory; the connection it came on is not reused. It is not retried: the
    same request would get the same answer.
    """

    limit: int

    def __init__(self, request: Request, limit: int, message: Optional[str] = None) -> None:
        super().__init__(message or f"The answer is larger than max_response_size ({limit} bytes).", request)
        self.limit = limit


class APIResponseValidationError(APIError):
    """The server answered 2xx, but not with the documented shape."""

    response: Response
    status_code: int

    def __init__(self, response: Response, body: Optional[object], message: str) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The server answered with a non-2xx status."""

    response: Response
    status_code: int

    def __init__(self, message: str, *, response: Response, body: Optional[object]) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the API key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state (retried by default)."""


class UnprocessableEntityError(APIStatusError):
    """422: a field is missing or invalid; `body` holds the server's messages."""


class RateLimitError(APIStatusError):
    """429: too many requests (retried by default, honouring Retry-After)."""


class InternalServerError(APIStatusError):
    """5xx: the server failed (retried by default)."""


_BY_STATUS: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def decode_error_body(content: bytes) -> Optional[object]:
    """The error body as JSON if it is JSON, else as text; `None` if empty."""
    if not content:
        return None
    text = content.decode("utf-8", errors="replace")
    try:
        # The standard library here, not orjson: error bodies are small, and it
        # keeps integers of any size exact.
        decoded: Any = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return decoded


def status_error(response: Response) -> APIStatusError:
    """The typed error for a non-2xx response."""
    body = decode_error_body(response.content)
    status = response.status_code
    cls = InternalServerError if status >= 500 else _BY_STATUS.get(status, APIStatusError)
    detail = json.dumps(body) if body is not None and not isinstance(body, str) else body
    message = f"Error code: {status}" + (f" - {detail}" if detail else "")
    return cls(message, response=response, body=body)
