"""The upload route answers 413 to an oversized body before the route handler buffers it."""

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.upload_guard import UploadGuard, install, upload_limit_bytes

ROUTE = "/_nicegui/client/0b7c4d2e/upload/12"
LIMIT = 64 * 1024


def guarded_app(seen: list[int]) -> UploadGuard:
    async def upload(request: Request) -> JSONResponse:
        async with request.form() as form:  # what NiceGUI's route does: it would spool the whole body
            seen.append(len(form))
        return JSONResponse({"upload": "success"})

    async def other(request: Request) -> JSONResponse:
        return JSONResponse({"size": len(await request.body())})

    app = Starlette(routes=[Route(ROUTE, upload, methods=["POST"]), Route("/other", other, methods=["POST"])])
    return UploadGuard(app, max_body_bytes=LIMIT)


@pytest.fixture
def pulled() -> list[int]:
    return []


def streamed_body(pulled: list[int], total: int, chunk: int = 8 * 1024):
    async def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        for _ in range(total // chunk):
            pulled.append(chunk)
            yield b"x" * chunk

    return body()


async def test_a_declared_oversized_body_is_refused_without_reading_it(pulled: list[int]) -> None:
    seen: list[int] = []
    transport = httpx.ASGITransport(app=guarded_app(seen))
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        response = await client.post(
            ROUTE,
            content=streamed_body(pulled, 50 * LIMIT),
            headers={"content-length": str(50 * LIMIT), "content-type": "multipart/form-data; boundary=b"},
        )
    assert response.status_code == 413
    assert seen == [] and sum(pulled) <= 8 * 1024  # the handler never ran; the body was not read


async def test_a_streamed_oversized_body_is_cut_off_at_the_limit(pulled: list[int]) -> None:
    seen: list[int] = []
    transport = httpx.ASGITransport(app=guarded_app(seen))
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        response = await client.post(  # no Content-Length: chunked, the guard counts
            ROUTE,
            content=streamed_body(pulled, 50 * LIMIT),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
    assert response.status_code == 413
    assert seen == [] and sum(pulled) <= LIMIT + 16 * 1024


async def test_small_uploads_and_other_routes_pass() -> None:
    seen: list[int] = []
    transport = httpx.ASGITransport(app=guarded_app(seen))
    files = {"file": ("a.pdf", b"%PDF-1.4 small", "application/pdf")}
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        assert (await client.post(ROUTE, files=files)).status_code == 200
        assert (await client.post("/other", content=b"y" * (2 * LIMIT))).json() == {"size": 2 * LIMIT}
    assert seen == [1]


def test_the_limit_follows_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import reset_settings

    monkeypatch.setenv("ECANDIDAT_MAX_FILE_MB", "3")
    monkeypatch.setenv("ECANDIDAT_MAX_PIECE_MB", "5")
    reset_settings()
    try:  # one request holds the files chosen together: as much as a piece
        assert 5 * 1024 * 1024 < upload_limit_bytes() < 6 * 1024 * 1024
    finally:
        monkeypatch.delenv("ECANDIDAT_MAX_FILE_MB")
        monkeypatch.delenv("ECANDIDAT_MAX_PIECE_MB")
        reset_settings()


def test_installed_once_on_the_app() -> None:
    app = Starlette()
    install(app)
    install(app)
    assert [m.cls for m in app.user_middleware] == [UploadGuard]
