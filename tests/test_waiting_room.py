"""The waiting room's admission rule, its memory of browsers already in, and its page (app/waiting_room.py)."""

import asyncio
import re
from types import SimpleNamespace

import httpx
import pytest

from app.config import reset_settings
from app.waiting_room import (
    RETRY_SECONDS,
    RecentBrowsers,
    WaitingRoom,
    admits,
    holds_page,
    is_page_request,
    prefers_english,
    register_page_path,
    waiting_page,
)


def test_a_new_visitor_is_admitted_below_the_limit_only() -> None:
    assert admits(in_progress=39, limit=40, already_in=False)
    assert not admits(in_progress=40, limit=40, already_in=False)
    assert not admits(in_progress=90, limit=40, already_in=False)


def test_a_browser_already_in_is_admitted_whatever_the_count() -> None:
    assert admits(in_progress=500, limit=40, already_in=True)


def test_zero_switches_the_waiting_room_off() -> None:
    assert admits(in_progress=10_000, limit=0, already_in=False)


def test_only_page_views_can_be_held_back() -> None:
    register_page_path("/essai-regle/{number}")

    def scope(path: str, method: str = "GET", kind: str = "http") -> dict:
        return {"type": kind, "method": method, "path": path}

    assert is_page_request(scope("/essai-regle/12"))
    assert is_page_request(scope("/essai-regle/12", "HEAD"))
    assert not is_page_request(scope("/essai-regle/12", "POST"))
    assert not is_page_request(scope("/essai-regle/12/plus"))
    for path in ("/_nicegui/3.18.0/static/nicegui.js", "/api/v1/offer", "/_nicegui_ws/socket.io/"):
        assert not is_page_request(scope(path)), path
    assert not is_page_request({"type": "websocket", "path": "/essai-regle/12"})


def test_a_browser_holds_a_page_when_a_live_view_was_built_for_its_session() -> None:
    def view(session_id: str | None) -> SimpleNamespace:
        scope = {"session": {"id": session_id}} if session_id else {}
        return SimpleNamespace(request=SimpleNamespace(scope=scope))

    views = [view("a"), view(None), SimpleNamespace(request=None)]
    assert holds_page("a", views)
    assert not holds_page("b", views)


def test_browsers_served_lately_are_remembered_for_a_while_and_in_bounded_number() -> None:
    recent = RecentBrowsers(seconds=60, most=2)
    recent.remember("a")
    recent.remember("b")
    assert "a" in recent and "c" not in recent
    recent.remember("c")  # over the bound: the oldest goes
    assert "a" not in recent and "b" in recent and "c" in recent
    old = RecentBrowsers(seconds=60)
    old.remember("x", now=0.0)  # long ago
    assert "x" not in old
    old.forget_old()
    assert len(old._seen) == 0


@pytest.mark.parametrize(
    ("header", "english"),
    [
        ("", False),
        ("fr-FR,fr;q=0.9,en;q=0.8", False),
        ("en-GB,en;q=0.9,fr;q=0.5", True),
        ("en-US", True),
        ("de-DE,fr;q=0.3,en;q=0.3", False),  # a tie stays in French
        ("de-DE", False),
    ],
)
def test_the_page_is_in_french_unless_the_browser_prefers_english(header: str, english: bool) -> None:
    assert prefers_english(header) is english


def test_the_waiting_page_is_small_accessible_and_retries_by_itself() -> None:
    html = waiting_page("fr", 14, '/formations"><script>').decode()
    assert len(html) < 2048
    assert '<html lang="fr">' in html and "<title>" in html and html.count("<h1>") == 1
    assert 'role="status"' in html
    assert '<meta http-equiv="refresh" content="14">' in html
    assert "14 secondes" in html and "Rien n'est perdu" in html
    assert "<script" not in html  # no JavaScript, and the path is escaped
    english = waiting_page("en", 12, "/").decode()
    assert '<html lang="en">' in english and "12 seconds" in english


async def test_a_refused_visitor_gets_a_503_with_retry_after_and_the_inner_app_never_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ECANDIDAT_MAX_ACTIVE_CLIENTS", "1")
    reset_settings()
    register_page_path("/essai-salle")
    release = asyncio.Event()
    calls: list[str] = []

    async def inner(scope, receive, send) -> None:
        calls.append(scope["path"])
        if scope["path"] == "/essai-salle" and len(calls) == 1:
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"page"})

    room = WaitingRoom(inner)
    transport = httpx.ASGITransport(app=room)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        first = asyncio.create_task(client.get("/essai-salle"))
        while room.in_progress == 0:
            await asyncio.sleep(0.01)
        refused = await client.get("/essai-salle", headers={"accept-language": "en"})
        other = await client.get("/api/v1/offer")  # not a page: never held back
        release.set()
        assert (await first).status_code == 200
        admitted = await client.get("/essai-salle")
    reset_settings()
    assert refused.status_code == 503
    seconds = int(refused.headers["retry-after"])
    assert RETRY_SECONDS[0] <= seconds <= RETRY_SECONDS[1]
    assert re.search(rf'http-equiv="refresh" content="{seconds}"', refused.text)
    assert refused.headers["cache-control"] == "no-store"
    assert '<html lang="en">' in refused.text
    assert other.status_code == 200 and admitted.status_code == 200
    assert calls == ["/essai-salle", "/api/v1/offer", "/essai-salle"]  # the refused view reached nothing
    assert room.in_progress == 0


async def test_a_browser_already_in_stays_in_when_a_sign_in_gives_it_a_new_session_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ECANDIDAT_MAX_ACTIVE_CLIENTS", "1")
    reset_settings()
    register_page_path("/essai-apres-connexion")

    async def inner(scope, receive, send) -> None:
        if scope["path"] == "/session/changer":
            scope["session"]["id"] = "new-id"  # what session_switch.rotate does
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    room = WaitingRoom(inner)
    room.recent.remember("old-id")
    room.in_progress = 5  # past the limit

    async def call(path: str, session_id: str) -> int:
        statuses: list[int] = []

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        scope = {"type": "http", "method": "GET", "path": path, "headers": [], "session": {"id": session_id}}
        await room(scope, None, send)
        return statuses[0]

    assert await call("/essai-apres-connexion", "stranger") == 503
    assert await call("/session/changer", "old-id") == 200
    assert await call("/essai-apres-connexion", "new-id") == 200
    reset_settings()
