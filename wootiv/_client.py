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
from types import MappingProxyType
from typing import Any, Callable, Dict, Generic, Mapping, Optional, Tuple, TypeVar, Union

from typing_extensions import Self

import attrs

from wootiv_core.checks import check_deadline, check_retry_writes
from wootiv_core.config import DEFAULT_ENVIRONMENT, ENVIRONMENTS, ClientConfig
from wootiv_core.errors import APIError, WootivError
from wootiv_core.exchange import Done, Flow, Send, exchange
from wootiv_core.custom_requests import build_custom_request, custom_method, custom_reader
from wootiv_core.http import DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, Headers, Request, Response, Timeout
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
from ._transports import LimitsOption, ProxiesOption, async_transport, pool_limits, sync_transport
from ._tree import ResourceTree
from ._types import DeadlineArg, Headers as HeadersArg, Query, RetryWritesArg
from ._version import __version__

__all__ = ["Wootiv", "AsyncWootiv", "Client", "AsyncClient"]

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
    # An explicit choice wins over the environment variable, which wins over the default.
    if base_url:
        url = base_url
    elif environment is not None:
        url = _environment_url(environment)
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


def _environment_url(environment: str) -> str:
    if environment not in ENVIRONMENTS:
        names = ", ".join(repr(name) for name in ENVIRONMENTS)
        raise ValueError(f"unknown environment {environment!r}; use one of {names}, or pass base_url=")
    return ENVIRONMENTS[environment]


def _merged(
    name: str, current: Mapping[str, Any], add: Optional[Mapping[str, Any]], replace: Optional[Mapping[str, Any]]
) -> Mapping[str, Any]:
    """`default_*` merged into `current`, or `set_default_*` in its place."""
    if add is not None and replace is not None:
        raise ValueError(
            f"{name}= and set_{name}= given together: keep {name}= to add to the current ones, "
            f"or set_{name}= to replace them"
        )
    if replace is not None:
        return replace
    return {**current, **add} if add is not None else current


class _Connections:
    """Whether a transport was closed by the client that owns it.

    Shared by that client and every copy using the same transport, so that
    each can tell (`is_closed()`) when the connections it uses are gone.
    """

    __slots__ = ("closed",)

    def __init__(self) -> None:
        self.closed = False


class _ClientBase(ResourceTree[M], Generic[M]):
    """What both clients share: settings, request flows, copies."""

    _config: ClientConfig
    _owns_transport: bool
    #: What the transport was made from, so that a copy can make its own from them.
    _transport_options: Dict[str, Any]
    _connections: _Connections
    _closed: bool

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
        connection_pool_limits: LimitsOption = None,
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
        self._open_transport(
            {
                "http_client": http_client,
                "transport": transport,
                "proxy": proxy,
                "proxies": proxies,
                "limits": pool_limits(connection_pool_limits),
            }
        )

    def _open_transport(self, options: Dict[str, Any]) -> None:
        """Make (and own) the transport `options` describe: `http_client` and the keywords of `_make_transport`."""
        settings = {key: value for key, value in options.items() if key != "http_client"}
        self._transport = type(self)._make_transport(options["http_client"], **settings)
        self._transport_options = options
        self._owns_transport = True
        self._connections = _Connections()
        self._closed = False

    def with_options(
        self,
        *,
        api_key: Optional[str] = None,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: TimeoutOption = NOT_GIVEN,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        default_headers: Optional[Mapping[str, str]] = None,
        set_default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        set_default_query: Optional[Mapping[str, object]] = None,
        http_client: Any = None,
        transport: Any = None,
        proxy: Optional[str] = None,
        proxies: ProxiesOption = None,
        connection_pool_limits: LimitsOption = None,
        strict_response_validation: Optional[bool] = None,
        _strict_response_validation: Optional[bool] = None,
        deadline: Union[float, None, NotGiven] = NOT_GIVEN,
        retry_writes: Optional[bool] = None,
        max_response_size: Union[int, None, NotGiven] = NOT_GIVEN,
    ) -> Self:
        """A client like this one with the options given changed; `copy()` is the same.

        Every constructor option can be given; what is left out is kept.
        `default_headers=` / `default_query=` are added to the current ones,
        `set_default_headers=` / `set_default_query=` replace them (giving
        both forms of one is a `ValueError`). `environment=` picks that
        environment's URL unless `base_url=` is given too.

        The copy shares this client's connections, and closing it leaves
        them open, unless it is given `http_client=`, `transport=`, `proxy=`,
        `proxies=` or `connection_pool_limits=`: then it makes its own
        transport from them (a new `http_client` starts afresh, the others
        change what this client's transport was made from), owns it, and
        closes it on `close()`.
        """
        config = self._config
        headers = _merged("default_headers", config.default_headers, default_headers, set_default_headers)
        query = _merged("default_query", config.default_query, default_query, set_default_query)
        if _strict_response_validation is not None:
            strict = _strict_response_validation
        else:
            strict = config.strict if strict_response_validation is None else strict_response_validation
        new_config = _config(
            api_key=config.api_key if api_key is None else api_key,
            environment=environment,
            base_url=config.base_url if base_url is None and environment is None else base_url,
            timeout=config.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=config.retry.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=headers,
            default_query=query,
            strict=strict,
            deadline=config.deadline if isinstance(deadline, NotGiven) else deadline,
            retry_writes=config.retry_writes if retry_writes is None else retry_writes,
            max_response_size=config.max_response_size if isinstance(max_response_size, NotGiven) else max_response_size,
        )
        # The rest of the retry policy is this client's.
        new_config = attrs.evolve(new_config, retry=attrs.evolve(config.retry, max_retries=new_config.retry.max_retries))
        changed: Dict[str, Any] = {}
        if transport is not None:
            changed["transport"] = transport
        if connection_pool_limits is not None:
            changed["limits"] = pool_limits(connection_pool_limits)
        if proxy is not None or proxies is not None:
            # One setting in two spellings: the one given replaces both.
            changed.update(proxy=proxy, proxies=proxies)
        clone = object.__new__(type(self))
        # Cached resource objects point at this client; the copy makes its own.
        clone.__dict__.update({key: value for key, value in self.__dict__.items() if not isinstance(value, Resource)})
        clone._config = new_config
        if http_client is not None:
            clone._open_transport({**dict.fromkeys(self._transport_options), **changed, "http_client": http_client})
        elif changed:
            clone._open_transport({**self._transport_options, **changed})
        else:
            clone._owns_transport = False
            clone._closed = False
        return clone

    copy = with_options

    def is_closed(self) -> bool:
        """Whether this client was closed, or the client whose connections it shares."""
        return self._closed or self._connections.closed

    def _mark_closed(self) -> bool:
        """Record `close()`; true when this client owns an open transport to close."""
        self._closed = True
        if not self._owns_transport or self._connections.closed:
            return False
        self._connections.closed = True
        return True

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

    @property
    def default_headers(self) -> Mapping[str, str]:
        """The headers sent with every request, as a read-only, case-insensitive mapping.

        The SDK's own (`Accept`, `User-Agent`) with `default_headers=` applied
        over them, as the earlier SDK showed them. Left out: `Authorization`,
        which holds the API key (`api_key` has it), and what a single
        operation changes (an `Accept: */*`, a body's `Content-Type`, a
        write's `Idempotency-Key`, `extra_headers`).
        """
        ours = {"Accept": "application/json", "User-Agent": self._config.user_agent}
        # Case-insensitive: a `user-agent` given replaces ours.
        return Headers([*ours.items(), *self._config.default_headers.items()])

    @property
    def default_query(self) -> Mapping[str, object]:
        """The query parameters sent with every request (`default_query=`), read-only."""
        return MappingProxyType(dict(self._config.default_query))

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
        if self._mark_closed():
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
        if self._mark_closed():
            await self._transport.aclose()

    async def __aenter__(self) -> "AsyncWootiv":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


Client = Wootiv
"""The earlier SDK's other name for `Wootiv`."""

AsyncClient = AsyncWootiv
"""The earlier SDK's other name for `AsyncWootiv`."""
