"""NiceGUI's BaseHTTPMiddleware layers as plain ASGI (app/plain_middleware.py): the same answers, no task group."""

import httpx
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.storage import RequestTrackingMiddleware
from nicegui.version import __version__
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from app import plain_middleware


def test_nicegui_s_layers_are_swapped_in_place_and_the_others_kept() -> None:
    given = [
        Middleware(SessionMiddleware, secret_key="s"),
        Middleware(RequestTrackingMiddleware),
        Middleware(RedirectWithPrefixMiddleware),
        Middleware(SetCacheControlMiddleware),
    ]
    swapped = plain_middleware.plain(given)
    assert [m.cls for m in swapped] == [
        SessionMiddleware,
        plain_middleware.RequestTracking,
        plain_middleware.RedirectWithPrefix,
        plain_middleware.SetCacheControl,
    ]
    assert swapped[0].kwargs == {"secret_key": "s"}
    assert [m.cls for m in plain_middleware.plain(swapped)] == [m.cls for m in swapped]  # a second build: the same


def _app(*layers: type) -> Starlette:
    async def moved(_request: object) -> RedirectResponse:
        return RedirectResponse("/candidat/candidatures", status_code=303)

    async def elsewhere(_request: object) -> RedirectResponse:
        return RedirectResponse("https://sso.univ.example/login", status_code=303)

    async def text(_request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    routes = [Route("/moved", moved), Route("/elsewhere", elsewhere), Route("/{path:path}", text)]
    return Starlette(routes=routes, middleware=[Middleware(layer) for layer in layers])


async def _get(app: Starlette, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as client:
        return await client.get(path, headers=headers)


async def test_redirects_get_the_proxy_prefix_as_nicegui_gives_it() -> None:
    for layer in (RedirectWithPrefixMiddleware, plain_middleware.RedirectWithPrefix):
        app = _app(layer)
        assert (await _get(app, "/moved", **{"X-Forwarded-Prefix": "/ecandidat"})).headers["location"] == (
            "/ecandidat/candidat/candidatures"
        ), layer
        assert (await _get(app, "/moved")).headers["location"] == "/candidat/candidatures", layer
        elsewhere = await _get(app, "/elsewhere", **{"X-Forwarded-Prefix": "/ecandidat"})
        assert elsewhere.headers["location"] == "https://sso.univ.example/login", layer


async def test_nicegui_s_versioned_files_are_cached_as_nicegui_caches_them(monkeypatch) -> None:
    from nicegui import core

    monkeypatch.setattr(core.app.config, "cache_control_directives", "public, max-age=31536000", raising=False)
    files = f"/_nicegui/{__version__}/static/nicegui.js"
    dynamic = f"/_nicegui/{__version__}/dynamic_resources/x.js"
    for layer in (SetCacheControlMiddleware, plain_middleware.SetCacheControl):
        app = _app(layer)
        assert (await _get(app, files)).headers["cache-control"] == core.app.config.cache_control_directives, layer
        assert "cache-control" not in (await _get(app, dynamic)).headers, layer
        assert "cache-control" not in (await _get(app, "/formations")).headers, layer


def _layers(app: object) -> list[type]:
    """The classes of a built middleware stack, outermost first."""
    found = []
    while hasattr(app, "app"):
        found.append(type(app))
        app = app.app
    return found


async def test_the_portal_s_stack_runs_no_base_http_middleware(user) -> None:  # type: ignore[no-untyped-def]
    from nicegui import app

    assert (await user.http_client.get("/")).status_code == 200  # the stack is built on the first request
    layers = _layers(app.middleware_stack)
    assert plain_middleware.RequestTracking in layers
    assert not [layer for layer in layers if issubclass(layer, BaseHTTPMiddleware)], layers
