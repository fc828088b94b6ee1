"""The exceptions a user of the SDK can see, and how a status code picks one.

Every error derives from `APIError`. Transport adapters raise only
`APIConnectionError`, `APITimeoutError` and `APIResponseTooLargeError` (with
the library's own exception as `__cause__`), so whichever HTTP library runs
underneath, user code catches the same classes.

A connection error says whether the request may have reached the server
(`sent`): the retry machine retries a write only when it certainly did not.

Errors travel (logs, error trackers, pickles from worker processes), so
each keeps only copies that are safe to show (`wootiv_core.redaction`): a
request without its body and with credential headers masked, a response
whose headers are a core `Headers` and whose body is cut at
`MAX_ERROR_BODY` bytes. The message is cut at `MAX_MESSAGE_LENGTH`
characters. Every error pickles and unpickles to the same class with the
same status, message and body; the HTTP library's exception (`__cause__`)
is not part of the pickle.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Tuple, Type

from .http import Request, Response
from .json_decoding import MAX_JSON_DEPTH, too_deep
from .redaction import MAX_ERROR_BODY, safe_request, safe_response

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
    "MAX_MESSAGE_LENGTH",
    "MAX_ERROR_BODY",
]

#: The longest message an error carries, in characters; a longer one (a huge
#: error body, say) is cut there with a note of how much was left out, so
#: that `str(error)` stays a readable log line.
MAX_MESSAGE_LENGTH = 4096


def _bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE_LENGTH:
        return message
    return f"{message[:MAX_MESSAGE_LENGTH]}... [{len(message) - MAX_MESSAGE_LENGTH} more characters cut]"


def _restore(cls: Type["APIError"], args: Tuple[Any, ...], state: Dict[str, Any]) -> "APIError":
    """Rebuild a pickled error without calling its `__init__` (see `APIError.__reduce__`)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class WootivError(Exception):
    """Base of every error the SDK raises, including misconfiguration."""


class APIError(WootivError):
    """Base of every error the SDK raises about a call.

    `request` is a copy of the request that failed, safe to show: no body,
    credential headers masked. `body` is the decoded error body when the
    server sent one (parsed JSON, else text), otherwise `None`.
    """

    message: str
    request: Request
    body: Optional[object]

    def __init__(self, message: str, request: Request, *, body: Optional[object] = None) -> None:
        message = _bounded(message)
        super().__init__(message)
        self.message = message
        self.request = safe_request(request)
        self.body = body

    def __reduce__(self) -> Tuple[Any, ...]:
        # Exceptions pickle as `cls(*args)`, which the keyword-only arguments
        # of most of these classes do not survive; rebuild from the state.
        return (_restore, (type(self), self.args, dict(self.__dict__)))

    def _retell(self, message: str) -> None:
        """Replace the message (the retry machine adds what the call tried)."""
        self.message = _bounded(message)
        self.args = (self.message,)


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
        self.response = safe_response(response, self.request)
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The server answered with a non-2xx status.

    `response` is a copy of the answer safe to keep (see the module
    docstring): its body holds at most `MAX_ERROR_BODY` bytes.
    """

    response: Response
    status_code: int

    def __init__(self, message: str, *, response: Response, body: Optional[object]) -> None:
        super().__init__(message, response.request, body=body)
        self.response = safe_response(response, self.request)
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
    """The error body as JSON if it is JSON, else as text; `None` if empty.

    A body over `MAX_ERROR_BODY` bytes is kept as the text of its first
    `MAX_ERROR_BODY` bytes followed by `... [cut: N bytes in all]`; JSON
    nested deeper than `MAX_JSON_DEPTH` is kept as text, so that the error
    can be shown and pickled.
    """
    if not content:
        return None
    if len(content) > MAX_ERROR_BODY:
        kept = content[:MAX_ERROR_BODY].decode("utf-8", errors="replace")
        return f"{kept}... [cut: {len(content)} bytes in all]"
    text = content.decode("utf-8", errors="replace")
    try:
        # The standard library here, not orjson: error bodies are small, and it
        # keeps integers of any size exact.
        decoded: Any = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return text if too_deep(decoded, MAX_JSON_DEPTH) else decoded


def status_error(response: Response) -> APIStatusError:
    """The typed error for a non-2xx response."""
    body = decode_error_body(response.content)
    status = response.status_code
    cls = InternalServerError if status >= 500 else _BY_STATUS.get(status, APIStatusError)
    detail = json.dumps(body) if body is not None and not isinstance(body, str) else body
    message = f"Error code: {status}" + (f" - {detail}" if detail else "")
    return cls(message, response=response, body=body)
