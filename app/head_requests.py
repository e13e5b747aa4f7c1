"""``HEAD`` answered as ``GET`` without its body: NiceGUI's pages and FastAPI's routes register ``GET`` only, so an
uptime probe or a link checker asking ``HEAD /`` got « 405 Method Not Allowed » from a page that works.

Pure ASGI (nothing buffered): the request goes on as ``GET``, the response keeps its status and headers (its
``content-length`` too, as HTTP asks of ``HEAD``) and its body parts are sent empty.
"""

from typing import Any

from app.plain_middleware import HttpMiddleware, Message, Scope, Send


class HeadAsGet(HttpMiddleware):
    async def http(self, scope: Scope, receive: Any, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
