"""Cheaper responses (app/ui/response_tuning.py): the same page text as NiceGUI's, the outbox quiet once built."""

import gzip
import json
from types import SimpleNamespace

import httpx
import pytest
from nicegui import client as nicegui_client
from nicegui import json as nicegui_json
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from app.ui import response_tuning

TRICKY = [
    "",
    "plain text",
    "<script>alert(`x`)</script>",
    "&amp; already an entity, &#96; and &#36; too",
    "${price} & <b>tags</b> `back` $$ && << >>",
    'é « » \u00a0 ü 🎓 "quoted" \\ backslash',
    "".join(chr(c) for c in range(0, 300)),
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_page_escape_gives_nicegui_s_text(text: str) -> None:
    assert response_tuning.escape_for_page(text) == text.translate(nicegui_client.HTML_ESCAPE_TABLE)


def test_page_json_answers_any_other_table_as_a_string_does() -> None:
    page_json = response_tuning.PageJson("a<b&c")
    other = str.maketrans({"a": "A", "&": "and"})
    assert page_json.translate(other) == "a<b&c".translate(other) == "A<bandc"
    assert page_json.translate(nicegui_client.HTML_ESCAPE_TABLE) == "a&lt;b&amp;c"


def test_the_serializer_writes_nicegui_s_json() -> None:
    serializer = response_tuning.PageSerializer(nicegui_json)
    data = {"1": {"tag": "div", "props": {"innerHTML": "<p>Été & `x` ${y}</p>"}}, "2": [1, 2.5, None, True]}
    text = serializer.dumps(data)
    assert isinstance(text, response_tuning.PageJson) and text == nicegui_json.dumps(data)
    assert json.loads(text) == data and serializer.loads(str(text)) == data  # the rest passes through


def test_install_wraps_nicegui_s_serializer_once() -> None:
    response_tuning.install()
    response_tuning.install.cache_clear()
    response_tuning.install()
    assert isinstance(nicegui_client.json, response_tuning.PageSerializer)
    assert not isinstance(nicegui_client.json.module, response_tuning.PageSerializer)
    assert nicegui_client.Client.build_response is response_tuning.build_response


class _Outbox:
    def __init__(self) -> None:
        import asyncio

        self._enqueue_event = asyncio.Event()
        self._enqueue_event.set()  # as building the page leaves it
        self.updates: dict = {}
        self.messages: list = []


def _view(*, connected: bool) -> SimpleNamespace:
    return SimpleNamespace(has_socket_connection=connected, outbox=_Outbox())


def test_a_built_view_without_socket_waits_for_something_to_send(monkeypatch) -> None:
    built = []
    monkeypatch.setattr(response_tuning, "_original_build_response", lambda view, *a, **k: built.append(view) or "html")
    socketless, connected = _view(connected=False), _view(connected=True)
    assert response_tuning.build_response(socketless, "request") == "html"  # type: ignore[arg-type]
    assert response_tuning.build_response(connected, "request") == "html"  # type: ignore[arg-type]
    assert built == [socketless, connected]
    assert not socketless.outbox._enqueue_event.is_set()
    assert connected.outbox._enqueue_event.is_set()  # a connected view's outbox is NiceGUI's business


def _app(body: str) -> Starlette:
    async def page(_request: object) -> HTMLResponse:
        return HTMLResponse(body)

    return Starlette(routes=[Route("/", page)])


@pytest.mark.parametrize("size", [100, 2_000, 50_000])  # untouched, compressed on the loop, in a thread
async def test_compressed_pages_read_back_the_same(size: int) -> None:
    body = ("<li class='ec-program'>Licence « Informatique » & co</li>" * (size // 50 + 1))[:size]
    transport = httpx.ASGITransport(app=response_tuning.gzip_middleware(_app(body)))
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        response = await client.get("/", headers={"Accept-Encoding": "gzip"})
        plain = await client.get("/", headers={"Accept-Encoding": "identity"})
    assert response.text == plain.text == body  # httpx decompresses what was compressed
    assert (response.headers.get("content-encoding") == "gzip") is (size >= 500)
    assert "content-encoding" not in plain.headers


def test_compression_level_and_thread_threshold() -> None:
    middleware = response_tuning.gzip_middleware(_app("x"))
    assert middleware.compresslevel == response_tuning.GZIP_LEVEL == 6
    assert middleware.thread_minimum_size == response_tuning.GZIP_THREAD_MIN_BYTES
    page = ("<li>Licence professionnelle</li>" * 1000).encode()
    assert len(gzip.compress(page, 6)) <= len(gzip.compress(page, 9)) * 1.05
