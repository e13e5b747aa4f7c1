"""NiceGUI's three ``BaseHTTPMiddleware`` layers, rewritten as plain ASGI middleware that do the same.

``ui.run`` installs ``RequestTrackingMiddleware`` (the request behind ``app.storage.user``, the browser's storage
created), ``RedirectWithPrefixMiddleware`` and ``SetCacheControlMiddleware``. Each is a ``BaseHTTPMiddleware``: for
every request it starts a task group, runs the rest of the chain in a new task and passes each response message
through a memory stream. On ``/`` at 50 connections that machinery was a fifth of the event loop's time (py-spy),
for three checks of a few lines each. ``install`` swaps each for its plain twin when Starlette builds the
middleware stack (before the first request); each twin does what NiceGUI's ``dispatch`` does, on the messages
themselves. One difference, on the safe side: the browser's request is counted as in progress (which keeps NiceGUI
from pruning its storage) until its response is sent, not only until its headers are.
"""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from nicegui import core
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.storage import RequestTrackingMiddleware, request_contextvar
from nicegui.version import __version__
from starlette.datastructures import URL, Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Any]


class HttpMiddleware(ABC):
    """A plain ASGI middleware whose ``http`` sees the HTTP requests; websockets and lifespan pass by untouched.
    Each middleware says what it does with a request in its own ``http``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    @abstractmethod
    async def http(self, scope: Scope, receive: Any, send: Send) -> None: ...


class RequestTracking(HttpMiddleware):
    """``nicegui.storage.RequestTrackingMiddleware``: the request in NiceGUI's context variable, the browser's id in
    its session, its user storage created, ``request.state.responded`` set as the response starts."""

    async def http(self, scope: Scope, receive: Any, send: Send) -> None:
        request = Request(scope, receive)
        request_contextvar.set(request)
        if "id" not in request.session:
            request.session["id"] = str(uuid.uuid4())
        request.state.responded = False
        session_id = request.session["id"]
        storage = core.app.storage
        storage._active_request_sessions[session_id] += 1
        try:
            if session_id not in storage._users:
                await storage._create_user_storage(session_id)

            async def send_responded(message: Message) -> None:
                if message["type"] == "http.response.start":
                    request.state.responded = True
                await send(message)

            await self.app(scope, receive, send_responded)
        finally:
            storage._active_request_sessions[session_id] -= 1
            if storage._active_request_sessions[session_id] <= 0:
                del storage._active_request_sessions[session_id]


class RedirectWithPrefix(HttpMiddleware):
    """``nicegui.middlewares.RedirectWithPrefixMiddleware``: a ``Location`` starting with ``/`` gets the proxy's
    ``X-Forwarded-Prefix``."""

    async def http(self, scope: Scope, receive: Any, send: Send) -> None:

        async def send_prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location is not None and location.startswith("/"):
                    headers["location"] = Headers(scope=scope).get("x-forwarded-prefix", "") + location
            await send(message)

        await self.app(scope, receive, send_prefixed)


class SetCacheControl(HttpMiddleware):
    """``nicegui.middlewares.SetCacheControlMiddleware``: NiceGUI's versioned files (not its dynamic resources) get
    ``app.config.cache_control_directives``."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.files = f"/_nicegui/{__version__}/"
        self.dynamic = f"/_nicegui/{__version__}/dynamic_resources/"

    async def http(self, scope: Scope, receive: Any, send: Send) -> None:
        path = URL(scope=scope).path
        if not path.startswith(self.files) or path.startswith(self.dynamic):
            await self.app(scope, receive, send)
            return

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["cache-control"] = core.app.config.cache_control_directives
            await send(message)

        await self.app(scope, receive, send_cached)


PLAIN: dict[type, type] = {
    RequestTrackingMiddleware: RequestTracking,
    RedirectWithPrefixMiddleware: RedirectWithPrefix,
    SetCacheControlMiddleware: SetCacheControl,
}


def plain(middleware: list[Middleware]) -> list[Middleware]:
    """The list with NiceGUI's ``BaseHTTPMiddleware`` layers replaced by their plain twins, in place."""
    return [Middleware(PLAIN.get(m.cls, m.cls), *m.args, **m.kwargs) for m in middleware]  # type: ignore[arg-type]


def install(app: Any) -> None:
    """Swap the layers when Starlette builds the stack (``ui.run`` adds them after ``build_app``)."""
    build = app.build_middleware_stack
    if getattr(build, "plain_middleware", False):  # build_app runs again after each test reset
        return

    def build_plain_stack() -> Any:
        app.user_middleware = plain(app.user_middleware)
        return build()

    build_plain_stack.plain_middleware = True  # type: ignore[attr-defined]
    app.build_middleware_stack = build_plain_stack
