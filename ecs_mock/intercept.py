"""The botocore door: answer `before-send.ecs.*` in every emitter, old clients included.

botocore copies its handler list into each client when the client is made, so a handler
registered later never reaches clients made earlier (moto's import-order trap). Instead, while a
mock is active, `HierarchicalEmitter.emit` itself is wrapped at class level: every client's
emitter, whenever it was made, routes ECS `before-send` to us. Only ECS events are touched;
every other service's request goes on to whatever handlers the client has (moto included).
ECS requests are answered here alone, so a moto `mock_aws` beside us never sees them.
"""

from __future__ import annotations

import inspect
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast
from urllib.parse import urlsplit

import botocore
import botocore.useragent
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.credentials import Credentials
from botocore.endpoint import Endpoint
from botocore.hooks import HierarchicalEmitter

from .protocol import Reply, header, region_of_host, signer_of

_ECS_EVENT = ".ecs."  # in every ECS event name: "<event>.ecs.<Operation>"
BEFORE_SEND = "before-send.ecs."
BEFORE_SIGN = "before-sign.ecs."
CHOOSE_SIGNER = "choose-signer.ecs."
REQUEST_CREATED = "request-created.ecs."
# botocore (1.36 on) rebuilds the User-Agent header in its last `request-created` handler, adding
# the features the request used. For an ECS request answered here the rebuilt header is never
# read: the next event is our `before-send`, where the request stops (no other handler of that
# event runs) without leaving the process. Building it is ~0.1 ms of string work a call, more
# than the backend's own RunTask, so sync clients skip that one handler, as they skip signing:
# every other `request-created` handler runs, in order, and the header stays the one botocore set
# first (user_agent_extra included). aiobotocore clients keep both. (Mock decision.)
_UA_REBUILD = getattr(
    botocore.useragent.UserAgentString, "rebuild_and_replace_user_agent_handler", None
)
# Signing an in-process request buys nothing (no one checks it) and costs ~0.1 ms a call, so
# sync clients skip it; who signed, and for which region, travels in these private headers.
REGION_HEADER = "X-Ecs-Mock-Signing-Region"
ACCESS_KEY_HEADER = "X-Ecs-Mock-Access-Key"
FAKE_CREDENTIALS = Credentials("AKIAECSMOCKTESTING00", "ecs-mock-testing-secret")
_REAL_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")

Answer = Callable[[str | None, bytes | None, str | None, str | None], Reply]


class RealEcsCallBlocked(RuntimeError):
    """An ECS request was about to leave for real AWS while ecs_mock was active."""


class _RawBody:
    """The `raw` botocore reads a response body from."""

    def __init__(self, body: bytes, headers: Mapping[str, str]) -> None:
        self._body = body
        self._headers = headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """aiohttp's spelling of the headers, which aiobotocore before 2.13 reads from `raw`."""
        return tuple((k.encode(), v.encode()) for k, v in self._headers.items())

    def stream(self, **_: Any) -> Any:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


class _AsyncResponse(AWSResponse):
    """aiobotocore awaits `content`; everything else is botocore's."""

    @property
    def content(self) -> Any:
        async def _content() -> bytes:
            body: bytes = self.raw.read()
            return body

        return _content()


def _answer_handler(**_: Any) -> None:
    """Stands in the (handler, response) pairs botocore expects from emit."""


class Interceptor:
    """Installs and removes the class-level wrappers; one answerer at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answer: Answer | None = None
        self._originals: dict[tuple[type, str], Any] = {}

    @property
    def active(self) -> bool:
        return self._answer is not None

    def install(self, answer: Answer) -> None:
        with self._lock:
            self._answer = answer
            if self._originals:
                return
            self._wrap(HierarchicalEmitter, "emit", self._wrapped_emit)
            self._wrap(
                HierarchicalEmitter, "emit_until_response", self._wrapped_emit_until_response
            )
            self._wrap(Endpoint, "_send", self._guarded_send)
        self._guard_aio()

    def _guard_aio(self) -> None:
        """Guard aiobotocore's endpoint too, also when it is imported after the mock started
        (then from its first signed ECS request)."""
        aio = _aio_endpoint()
        if aio is None or (aio, "_send") in self._originals:
            return
        with self._lock:
            if self._answer is not None and (aio, "_send") not in self._originals:
                self._wrap(aio, "_send", self._guarded_send)

    def uninstall(self) -> None:
        with self._lock:
            self._answer = None
            for (owner, name), original in self._originals.items():
                setattr(owner, name, original)
            self._originals.clear()

    def _wrap(self, owner: type, name: str, factory: Callable[[Any], Any]) -> None:
        original = owner.__dict__[name]
        self._originals[(owner, name)] = original
        setattr(owner, name, factory(original))

    def _wrapped_emit(self, original: Any) -> Any:
        interceptor = self

        def emit(emitter: Any, event_name: str, **kwargs: Any) -> Any:
            # Every event of every client passes here: the cheapest test comes first, so other
            # services' events (and ECS events other than these two) go straight on.
            if _ECS_EVENT in event_name:
                answer = interceptor._answer
                if answer is not None:
                    if event_name.startswith(BEFORE_SEND):
                        return _answered(emitter, answer, kwargs["request"])
                    if (
                        _UA_REBUILD is not None
                        and event_name.startswith(REQUEST_CREATED)
                        and not _is_async(emitter)
                    ):
                        cache = getattr(emitter, "_lookup_cache", None)
                        handlers = cache.get(event_name) if cache is not None else None
                        if handlers:  # else botocore's own emit (which fills the cache)
                            return _emit_but_ua_rebuild(handlers, event_name, kwargs)
                    if event_name.startswith(BEFORE_SIGN):
                        _note_signer(kwargs)
                        _lend_credentials(kwargs)
                        interceptor._guard_aio()
            return original(emitter, event_name, **kwargs)

        return emit

    def _wrapped_emit_until_response(self, original: Any) -> Any:
        """Only the sync emitter: aiobotocore's overrides this method and keeps signing."""
        interceptor = self

        def emit_until_response(emitter: Any, event_name: str, **kwargs: Any) -> Any:
            if (
                _ECS_EVENT in event_name
                and event_name.startswith(CHOOSE_SIGNER)
                and interceptor._answer is not None
            ):
                return _answer_handler, botocore.UNSIGNED
            return original(emitter, event_name, **kwargs)

        return emit_until_response

    def _guarded_send(self, original: Any) -> Any:
        interceptor = self

        def _send(endpoint: Any, request: Any) -> Any:
            if interceptor._answer is not None and _is_real_ecs(request):
                raise RealEcsCallBlocked(
                    f"ecs_mock is active but an ECS request was about to go to {request.url}; "
                    "it was stopped so no test can reach real AWS."
                )
            return original(endpoint, request)

        return _send


async def _resolved(value: Any) -> Any:
    return value


# Emitter class -> whether its `_emit` is a coroutine function (aiobotocore's is).
_ASYNC_EMITTERS: dict[type, bool] = {}


def _is_async(emitter: Any) -> bool:
    kind = type(emitter)
    is_async = _ASYNC_EMITTERS.get(kind)
    if is_async is None:
        is_async = _ASYNC_EMITTERS[kind] = inspect.iscoroutinefunction(kind._emit)
    return is_async


def _emit_but_ua_rebuild(
    handlers: list[Any], event_name: str, kwargs: dict[str, Any]
) -> list[tuple[Any, Any]]:
    """What botocore's `HierarchicalEmitter._emit` does for `request-created` (every handler in
    order, each response kept), leaving out only its User-Agent rebuild."""
    kwargs["event_name"] = event_name
    responses = []
    for handler in handlers:
        if getattr(handler, "__func__", None) is _UA_REBUILD:
            continue
        responses.append((handler, handler(**kwargs)))
    return responses


def _answered(emitter: Any, answer: Answer, request: Any) -> Any:
    """The (handler, response) pairs `emit` returns, awaitable for an async emitter."""
    is_async = _is_async(emitter)
    responses = [(_answer_handler, _respond(answer, request, is_async))]
    return _resolved(responses) if is_async else responses


def _respond(answer: Answer, request: Any, is_async: bool) -> AWSResponse:
    # botocore's prepared headers are a case-insensitive HeadersDict: plain lookups suffice.
    headers = request.headers
    region = _text(headers.get(REGION_HEADER))
    access_key = _text(headers.get(ACCESS_KEY_HEADER))
    if region is None:  # a signed request (aiobotocore): the signature says who and where
        access_key, region = signer_of(_text(headers.get("Authorization")))
    if region is None:
        region = region_of_host(urlsplit(request.url).hostname or "")
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    result = answer(_text(headers.get("X-Amz-Target")), body, region, access_key)
    kind = _AsyncResponse if is_async else AWSResponse
    return kind(
        request.url,
        result.status,
        cast(HTTPHeaders, result.headers),
        _RawBody(result.body, result.headers),
    )


def _text(value: str | bytes | None) -> str | None:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _note_signer(kwargs: dict[str, Any]) -> None:
    """Carry the signing region and access key to `before-send`, signed or not."""
    request = kwargs.get("request")
    if request is None:
        return
    request.headers[REGION_HEADER] = kwargs.get("region_name") or ""
    credentials = getattr(kwargs.get("request_signer"), "_credentials", None)
    # Read the stored key, never the refreshing property: a refresh could call STS.
    access_key = None
    if credentials is not None:
        access_key = getattr(credentials, "_access_key", None) or vars(credentials).get(
            "access_key"
        )
    if access_key:
        request.headers[ACCESS_KEY_HEADER] = access_key


def _lend_credentials(kwargs: dict[str, Any]) -> None:
    """A client made with no credentials would fail to sign before `before-send`; lend fake ones
    for this one request (the client itself is left as it was)."""
    signer = kwargs.get("request_signer")
    request = kwargs.get("request")
    if signer is None or request is None or getattr(signer, "_credentials", None) is not None:
        return
    request.context.setdefault("signing", {})["request_credentials"] = FAKE_CREDENTIALS


def _is_real_ecs(request: Any) -> bool:
    target = header(request.headers, "X-Amz-Target") or ""
    host = urlsplit(request.url).hostname or ""
    is_ecs = target.startswith("AmazonEC2ContainerService") or host.startswith("ecs.")
    return is_ecs and host.endswith(_REAL_HOSTS)


def _aio_endpoint() -> type | None:
    module = sys.modules.get("aiobotocore.endpoint")
    return getattr(module, "AioEndpoint", None) if module else None


INTERCEPTOR = Interceptor()
