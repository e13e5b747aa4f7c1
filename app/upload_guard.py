"""An ASGI guard on NiceGUI's upload route: bodies over the limit get 413 before anyone buffers them.

``ui.upload(max_file_size=…)`` is only checked in the browser; a hand-made POST to
``/_nicegui/client/{client_id}/upload/{upload_id}`` would otherwise be parsed (and spooled to disk) whole by
the route's ``request.form()``. This middleware answers 413 at once when the declared ``Content-Length`` is too
large, and otherwise counts the bytes as the route reads them, cutting the request off with 413 as soon as they
pass the limit. The piece widget sends the files chosen together in one request (so that they are added in the
order chosen), at most ``max_piece_mb`` of them as its browser checks (and each at most ``max_file_mb``): the
limit is that, plus room for the multipart envelope. Services check the sizes again on the bytes they receive.
"""

import re
from typing import Any

from starlette.exceptions import HTTPException

from app.services.platform import parameters

UPLOAD_ROUTE = re.compile(r"/_nicegui/client/[^/]+/upload/[^/]+/?$")
ENVELOPE_BYTES = 64 * 1024  # multipart boundaries and part headers around the file

Scope = dict[str, Any]
Message = dict[str, Any]


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` inside the route: Starlette's exception middleware answers it with 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="upload too large")


def upload_limit_bytes() -> int:
    # The values the upload widget's page has just read (no database query on this path); the services check again.
    # A piece is never smaller than a file (the parameters screen refuses it): max() only guards the defaults.
    largest = max(parameters.peek("max_file_mb"), parameters.peek("max_piece_mb"))
    return largest * 1024 * 1024 + ENVELOPE_BYTES


class UploadGuard:
    """Pure ASGI middleware (no body buffering of its own); install with ``app.add_middleware(UploadGuard)``."""

    def __init__(self, app: Any, max_body_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not UPLOAD_ROUTE.search(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes or upload_limit_bytes()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Any, limit: int) -> None:
    body = b'{"detail":"upload too large","max_bytes":%d}' % limit
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install(app: Any) -> None:
    """Add the guard once (``build_app`` runs again after each test reset, which clears the middleware)."""
    if not any(getattr(m, "cls", None) is UploadGuard for m in app.user_middleware):
        app.add_middleware(UploadGuard)
