"""The page gate (app/page_gate.py) as the waiting room puts page views through it: turns, places given back when
the response starts or the page fails, and the waiting page for a view that waits too long."""

import asyncio
from typing import Any

import pytest

from app.config import reset_settings
from app.waiting_room import WaitingRoom, register_page_path

PATH = "/essai-guichet"


@pytest.fixture
def gate_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    def apply(places: int, timeout: float = 30.0) -> None:
        monkeypatch.setenv("ECANDIDAT_MAX_ACTIVE_CLIENTS", "0")  # the waiting room's own limit off: the gate alone
        monkeypatch.setenv("ECANDIDAT_CONCURRENT_PAGES", str(places))
        monkeypatch.setenv("ECANDIDAT_PAGE_TIMEOUT_SECONDS", str(timeout))
        reset_settings()

    register_page_path(PATH)
    yield apply
    reset_settings()


class Statuses(list[int]):
    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.append(message["status"])


def request(path: str = PATH) -> dict[str, Any]:
    return {"type": "http", "method": "GET", "path": path, "headers": [], "session": {"id": "navigateur"}}


async def until(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition never held")


async def test_page_views_take_turns_and_a_place_comes_back_when_the_response_starts(gate_settings: Any) -> None:
    gate_settings(places=2)
    started: list[int] = []
    built = [asyncio.Event() for _ in range(3)]
    body_sent = asyncio.Event()

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        number = len(started)
        started.append(number)
        await built[number].wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if number == 0:
            await body_sent.wait()  # a slow connection still receiving the first page
        await send({"type": "http.response.body", "body": b"page"})

    room = WaitingRoom(inner)
    statuses = Statuses()
    views = [asyncio.create_task(room(request(), None, statuses)) for _ in range(3)]
    await until(lambda: len(started) == 2)
    await asyncio.sleep(0.01)
    assert started == [0, 1]  # the third view waits for a place
    assert room.in_progress == 3  # and counts as in progress for the waiting room
    built[0].set()
    await until(lambda: len(started) == 3)  # the first page's response started: its place is the third's
    assert not views[0].done()
    for event in (*built, body_sent):
        event.set()
    await asyncio.gather(*views)
    assert statuses == [200, 200, 200] and room.in_progress == 0


async def test_a_view_that_gets_no_place_in_time_is_answered_the_waiting_page(gate_settings: Any) -> None:
    gate_settings(places=1, timeout=0.05)
    release = asyncio.Event()
    calls: list[str] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page"})

    room = WaitingRoom(inner)
    first_statuses, late_statuses = Statuses(), Statuses()
    first = asyncio.create_task(room(request(), None, first_statuses))
    await until(lambda: calls)
    await room(request(), None, late_statuses)
    release.set()
    await first
    assert late_statuses == [503] and first_statuses == [200]
    assert calls == [PATH]  # the late view reached nothing
    assert room.refused == 1 and room.in_progress == 0


async def test_a_page_that_fails_gives_its_place_back(gate_settings: Any) -> None:
    gate_settings(places=1)

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == PATH and not scope.get("second"):
            raise RuntimeError("la page a échoué")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page"})

    room = WaitingRoom(inner)
    with pytest.raises(RuntimeError):
        await room(request(), None, Statuses())
    statuses = Statuses()
    await asyncio.wait_for(room(request() | {"second": True}, None, statuses), timeout=1)
    assert statuses == [200]


async def test_what_is_not_a_page_view_never_waits_for_a_place(gate_settings: Any) -> None:
    gate_settings(places=1, timeout=0.05)
    release = asyncio.Event()

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == PATH:
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    room = WaitingRoom(inner)
    page_view = asyncio.create_task(room(request(), None, Statuses()))
    await until(lambda: room.in_progress == 1)
    statuses = Statuses()
    await room(request("/api/v1/offer"), None, statuses)
    release.set()
    await page_view
    assert statuses == [200]
