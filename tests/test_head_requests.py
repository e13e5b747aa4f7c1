"""``HEAD`` is answered like ``GET`` without a body, on the portal's pages and API (they register ``GET`` only)."""

import httpx
from nicegui import core
from nicegui.testing import User
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from app.head_requests import HeadAsGet


def _app(seen: list[str]) -> HeadAsGet:
    async def page(request: Request) -> PlainTextResponse:
        seen.append(request.method)
        return PlainTextResponse("Bonjour", headers={"x-page": "1"})

    async def streamed(request: Request) -> StreamingResponse:
        async def parts():
            yield b"un"
            yield b"deux"

        return StreamingResponse(parts(), media_type="text/plain")

    async def form(request: Request) -> PlainTextResponse:
        return PlainTextResponse("posted")

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/flux", streamed, methods=["GET"]),
        Route("/envoi", form, methods=["POST"]),
    ]
    return HeadAsGet(Starlette(routes=routes))


async def _head(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as client:
        return await client.head(path)


async def test_head_gets_the_get_answer_headers_and_no_body() -> None:
    seen: list[str] = []
    response = await _head(_app(seen), "/")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["x-page"] == "1" and response.headers["content-length"] == "7"  # GET's length
    assert seen == ["GET"]


async def test_head_on_a_streamed_answer_sends_no_part_of_it() -> None:
    response = await _head(_app([]), "/flux")
    assert response.status_code == 200 and response.content == b""


async def test_head_on_a_post_only_route_stays_refused_and_other_methods_are_untouched() -> None:
    app = _app([])
    assert (await _head(app, "/envoi")).status_code == 405
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as client:
        assert (await client.post("/envoi")).text == "posted"
        assert (await client.get("/")).text == "Bonjour"


async def test_the_portal_answers_head_on_its_home_page_and_api(user: User) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as client:
        home = await client.head("/")
        assert home.status_code == 200 and home.content == b""
        assert home.headers["content-type"].startswith("text/html")
        assert home.headers["x-content-type-options"] == "nosniff"  # still through SecurityHeaders
        assert (await client.get("/")).status_code == 200
