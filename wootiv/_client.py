"""`Wootiv` and `AsyncWootiv`: option plumbing and the two drivers.

Everything a call does — building the request, retrying, reading the answer
— is decided by `wootiv_core`. A client holds the settings (`ClientConfig`)
and a transport, and runs the core's flow: `Wootiv` with blocking sends and
`time.sleep`, `AsyncWootiv` with awaited sends and `asyncio.sleep`. Those two
small loops are the only code that exists twice.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from typing import Any, Callable, Dict, Generic, Mapping, Optional, Tuple, TypeVar, Union

from typing_extensions import Self

import attrs

from wootiv_core.checks import check_deadline, check_retry_writes
from wootiv_core.config import DEFAULT_ENVIRONMENT, ENVIRONMENTS, ClientConfig
from wootiv_core.errors import APIError, WootivError
from wootiv_core.exchange import Done, Flow, Send, exchange
from wootiv_core.custom_requests import build_custom_request, custom_method, custom_reader
from wootiv_core.http import DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, Request, Response, Timeout
from wootiv_core.operation import NOT_GIVEN, Call, NotGiven, PagedCall
from wootiv_core.paging import PageData
from wootiv_core.request_builder import WRITE_METHODS, build_request
from wootiv_core.results import result_reader
from wootiv_core.retries import RetryPolicy
from wootiv_core.transport import AsyncTransport, SyncTransport

from ._logging import configure_from_env
from ._custom_requests import (
    AsyncGet,
    AsyncRequest,
    AsyncSend,
    CustomRequest,
    RequestOptions,
    SyncGet,
    SyncRequest,
    SyncSend,
    merged_options,
)
from ._pages import AsyncPage, AsyncPager, SyncPage
from ._response import APIResponse, AsyncAPIResponse
from ._resource import Async, Raw, Resource, Sync
from ._transports import ProxiesOption, async_transport, sync_transport
from ._tree import ResourceTree
from ._types import DeadlineArg, Headers as HeadersArg, Query, RetryWritesArg
from ._version import __version__

__all__ = ["Wootiv", "AsyncWootiv"]

T = TypeVar("T")
M = TypeVar("M", Sync, Async)

TimeoutOption = Union[float, Timeout, Any, None, NotGiven]


def _config(
    *,
    api_key: Optional[str],
    environment: Optional[str],
    base_url: Optional[str],
    timeout: TimeoutOption,
    max_retries: int,
    default_headers: Optional[Mapping[str, str]],
    default_query: Optional[Mapping[str, object]],
    strict: bool,
    deadline: Optional[float] = None,
    retry_writes: bool = False,
    max_response_size: Optional[int] = DEFAULT_MAX_RESPONSE_SIZE,
) -> ClientConfig:
    key = api_key if api_key is not None else os.environ.get("WOOTIV_API_KEY")
    if not key:
        raise WootivError(
            "No API key: pass api_key= to the client or set the WOOTIV_API_KEY environment variable."
        )
    if environment is not None and environment not in ENVIRONMENTS:
        names = ", ".join(repr(name) for name in ENVIRONMENTS)
        raise ValueError(f"unknown environment {environment!r}; use one of {names}, or pass base_url=")
    # An explicit choice wins over the environment variable, which wins over the default.
    if base_url:
        url = base_url
    elif environment is not None:
        url = ENVIRONMENTS[environment]
    else:
        url = os.environ.get("WOOTIV_BASE_URL") or ENVIRONMENTS[DEFAULT_ENVIRONMENT]
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"max_retries must be a whole number >= 0, got {max_retries!r}")
    return ClientConfig(
        api_key=key,
        base_url=url,
        timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else Timeout.coerce(timeout),
        retry=RetryPolicy(max_retries=max_retries),
        default_headers=dict(default_headers or {}),
        default_query=dict(default_query or {}),
        strict=strict,
        user_agent=f"Wootiv/Python {__version__}",
        deadline=deadline,
        retry_writes=retry_writes,
        max_response_size=max_response_size,
    )


class _ClientBase(ResourceTree[M], Generic[M]):
    """What both clients share: settings, request flows, copies."""

    _config: ClientConfig
    _owns_transport: bool

    _make_transport: Callable[..., Any]
    #: Whether calls give awaitables; the answer and page classes of raw calls.
    _asynchronous: bool
    _raw_response_class: Any
    _page_class: Any
    _drive: Callable[[Flow[Any]], Any]

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: TimeoutOption = NOT_GIVEN,
        max_retries: int = 2,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_client: Any = None,
        transport: Any = None,
        proxy: Optional[str] = None,
        proxies: ProxiesOption = None,
        strict_response_validation: bool = False,
        _strict_response_validation: Optional[bool] = None,
        deadline: Optional[float] = None,
        retry_writes: bool = False,
        max_response_size: Optional[int] = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        configure_from_env()
        self._config = _config(
            api_key=api_key,
            environment=environment,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            strict=strict_response_validation if _strict_response_validation is None else _strict_response_validation,
            deadline=deadline,
            retry_writes=retry_writes,
            max_response_size=max_response_size,
        )
        self._transport = type(self)._make_transport(http_client, transport=transport, proxy=proxy, proxies=proxies)
        self._owns_transport = True

    def with_options(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: TimeoutOption = NOT_GIVEN,
        max_retries: Optional[int] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
    ) -> Self:
        """A client with some options changed, sharing this one's connections.

        Headers and query parameters are added to the current ones. Closing
        the copy does not close the shared connections; closing the original
        does.
        """
        config = self._config
        changes: Dict[str, Any] = {}
        if api_key is not None:
            changes["api_key"] = api_key
        if base_url is not None:
            changes["base_url"] = base_url
        if not isinstance(timeout, NotGiven):
            changes["timeout"] = Timeout.coerce(timeout)
        if max_retries is not None:
            changes["retry"] = attrs.evolve(config.retry, max_retries=max_retries)
        if default_headers is not None:
            changes["default_headers"] = {**config.default_headers, **default_headers}
        if default_query is not None:
            changes["default_query"] = {**config.default_query, **default_query}
        clone = object.__new__(type(self))
        # Cached resource objects point at this client; the copy makes its own.
        clone.__dict__.update({key: value for key, value in self.__dict__.items() if not isinstance(value, Resource)})
        clone._config = attrs.evolve(config, **changes)
        clone._owns_transport = False
        return clone

    copy = with_options

    def _flow(self, call: Call[Any], read: Optional[Callable[[Response], Any]] = None) -> Flow[Any]:
        """The flow of `call`, ending with `read(response)` (by default, the operation's result)."""
        # Only writes carry a nonce (their Idempotency-Key and multipart
        # boundary). It has to be unique, not secret: a fast PRNG draw will do.
        nonce = f"{random.getrandbits(128):032x}" if call.op.method in WRITE_METHODS else None
        request = build_request(self._config, call, nonce)
        options = call.options
        read = read or result_reader(call.op, self._config.strict)
        return self._exchange(request, read, options.deadline, options.retry_writes)

    def _exchange(
        self, request: Request, read: Callable[[Response], Any], call_deadline: Any, call_retry_writes: Any
    ) -> Flow[Any]:
        """The core's exchange of `request`, with this call's deadline and retry_writes or the client's."""
        config = self._config
        seconds = config.deadline if call_deadline is NOT_GIVEN else check_deadline(call_deadline)
        retry_writes = config.retry_writes if call_retry_writes is NOT_GIVEN else check_retry_writes(call_retry_writes)
        deadline = None if seconds is None else time.monotonic() + seconds
        return exchange(
            request,
            read,
            config.retry,
            now=time.time,
            random=random.random,
            clock=time.monotonic,
            deadline=deadline,
            retry_writes=retry_writes,
        )

    # The runners the resources' methods call. `_drive` is each client's own
    # loop: these give its result, or on `AsyncWootiv` the awaitable of it.

    def _run(self, call: Call[Any]) -> Any:
        return self._drive(self._flow(call))

    def _run_raw(self, call: Call[Any]) -> Any:
        read = result_reader(call.op, self._config.strict)
        answer = self._raw_response_class
        return self._drive(self._flow(call, lambda response: answer(response, read)))

    def _paginate_raw(self, call: PagedCall[Any]) -> Any:
        read = result_reader(call.op, self._config.strict)
        answer, page = self._raw_response_class, self._page_class

        def parse(response: Response) -> Any:
            return page(self, call, read(response))

        return self._drive(self._flow(call, lambda response: answer(response, parse)))

    def _custom(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        body: object = None,
        options: Optional[RequestOptions] = None,
        query: Optional[Query] = None,
        extra_headers: Optional[HeadersArg] = None,
        timeout: TimeoutOption = NOT_GIVEN,
        deadline: DeadlineArg = NOT_GIVEN,
        retry_writes: RetryWritesArg = NOT_GIVEN,
    ) -> Any:
        """A call of an endpoint the SDK does not declare (what `get`, `post`, ..., `request` do)."""
        read = self._custom_reader(cast_to)
        params, headers, per_call_timeout = merged_options(options, query, extra_headers, timeout)
        verb = custom_method(method)
        nonce = f"{random.getrandbits(128):032x}" if verb in WRITE_METHODS else None
        request = build_custom_request(
            self._config, verb, path, body=body, query=params, headers=headers, timeout=per_call_timeout, nonce=nonce
        )
        return self._drive(self._exchange(request, read, deadline, retry_writes))

    def _custom_reader(self, cast_to: Any) -> Callable[[Response], Any]:
        answer = self._raw_response_class
        if cast_to is answer:
            return lambda response: answer(response, custom_reader(object, False))
        if cast_to in (APIResponse, AsyncAPIResponse):
            raise TypeError(f"on {type(self).__name__}, use cast_to={answer.__name__} for the whole answer")
        return custom_reader(cast_to, self._config.strict)

    # Calls of endpoints the SDK does not declare yet (see `wootiv._custom_requests`).
    get = CustomRequest[SyncGet, AsyncGet]("GET", SyncGet, AsyncGet, "A GET of `path`, below `base_url`.")
    post = CustomRequest[SyncSend, AsyncSend]("POST", SyncSend, AsyncSend, "A POST of `body` (JSON) to `path`.")
    put = CustomRequest[SyncSend, AsyncSend]("PUT", SyncSend, AsyncSend, "A PUT of `body` (JSON) to `path`.")
    patch = CustomRequest[SyncSend, AsyncSend]("PATCH", SyncSend, AsyncSend, "A PATCH of `body` (JSON) to `path`.")
    delete = CustomRequest[SyncSend, AsyncSend]("DELETE", SyncSend, AsyncSend, "A DELETE of `path`.")
    request = CustomRequest[SyncRequest, AsyncRequest](
        None, SyncRequest, AsyncRequest, "A call of `method` (GET, POST, ...) on `path`."
    )

    @property
    def with_raw_response(self) -> ResourceTree[Raw[M]]:
        """Every resource of this client in raw mode: `client.with_raw_response.roles.retrieve(...)`
        gives the `APIResponse` (`AsyncAPIResponse` on `AsyncWootiv`), like
        `client.roles.with_raw_response.retrieve(...)`.
        """
        return _RawResources(self)

    @property
    def api_key(self) -> str:
        """The API key in use (never shown by `repr`)."""
        return self._config.api_key

    @property
    def base_url(self) -> str:
        """The URL every path is appended to."""
        return self._config.base_url

    @property
    def timeout(self) -> Timeout:
        """The default timeout of each request."""
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried."""
        return self._config.retry.max_retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"


class _RawResources(ResourceTree[Any]):
    """The resource tree of a client in raw mode (what `client.with_raw_response` gives).

    Made anew on each access rather than kept on the client, so that a
    `copy()` of the client never calls through the original.
    """

    def __init__(self, client: _ClientBase[Any]) -> None:
        self._owner = client

    def _resource_args(self) -> Tuple[Any, bool]:
        return self._owner, True

    def __repr__(self) -> str:
        return f"<raw responses of {self._owner!r}>"


class Wootiv(_ClientBase[Sync]):
    """The Wootiv API client; every call blocks until its result is ready.

    See the README for each option. A client made here owns its HTTP client
    and closes it on `close()` or at the end of a `with` block; an
    `http_client` passed in is never closed.
    """

    _make_transport = staticmethod(sync_transport)
    _transport: SyncTransport
    _asynchronous = False
    _raw_response_class = APIResponse
    _page_class = SyncPage

    def _drive(self, flow: Flow[T]) -> T:
        step = next(flow)
        while not isinstance(step, Done):
            if isinstance(step, Send):
                try:
                    reply = self._transport.send(step.request)
                except APIError as exc:
                    step = flow.throw(exc)
                else:
                    step = flow.send(reply)
            else:
                time.sleep(step.seconds)
                step = flow.send(None)
        return step.value

    def _paginate(self, call: PagedCall[T]) -> SyncPage[T]:
        data: PageData[T] = self._run(call)  # pyright: ignore[reportAssignmentType]
        return SyncPage(self, call, data)

    def close(self) -> None:
        """Close the connections this client created (idempotent)."""
        if self._owns_transport:
            self._transport.close()

    def __enter__(self) -> "Wootiv":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncWootiv(_ClientBase[Async]):
    """The Wootiv API client for asyncio; every call is awaited.

    Options are those of `Wootiv`. Use `async with AsyncWootiv() as client:`
    or `await client.close()`.
    """

    _make_transport = staticmethod(async_transport)
    _transport: AsyncTransport
    _asynchronous = True
    _raw_response_class = AsyncAPIResponse
    _page_class = AsyncPage

    async def _drive(self, flow: Flow[T]) -> T:
        step = next(flow)
        while not isinstance(step, Done):
            if isinstance(step, Send):
                try:
                    reply = await self._transport.send(step.request)
                except APIError as exc:
                    step = flow.throw(exc)
                else:
                    step = flow.send(reply)
            else:
                await asyncio.sleep(step.seconds)
                step = flow.send(None)
        return step.value

    async def _fetch_page(self, call: PagedCall[T]) -> AsyncPage[T]:
        data: PageData[T] = await self._run(call)  # pyright: ignore[reportAssignmentType]
        return AsyncPage(self, call, data)

    def _paginate(self, call: PagedCall[T]) -> AsyncPager[T]:
        return AsyncPager(self, call)

    async def close(self) -> None:
        """Close the connections this client created (idempotent)."""
        if self._owns_transport:
            await self._transport.aclose()

    async def __aenter__(self) -> "AsyncWootiv":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
