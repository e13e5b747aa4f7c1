"""Page views take turns (app/page_gate.py, through the waiting room): at most ``ECANDIDAT_CONCURRENT_PAGES`` are
built at once, the others wait for a place, first come, first served."""

import asyncio
import weakref

import pytest
from nicegui.testing import User

from app import page_gate
from app.config import reset_settings
from app.ui.page import page


async def test_a_page_view_waits_for_a_place_when_the_others_are_being_built(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECANDIDAT_CONCURRENT_PAGES", "1")
    reset_settings()
    monkeypatch.setattr(page_gate, "_gates", weakref.WeakKeyDictionary())  # a gate with the new size
    events: list[str] = []
    release = asyncio.Event()

    @page("/essai-tour-a")
    async def slow_page() -> None:
        events.append("a commence")
        await release.wait()  # e.g. its queries in a worker thread
        events.append("a fini")

    @page("/essai-tour-b")
    async def quick_page() -> None:
        events.append("b commence")

    first = asyncio.create_task(user.http_client.get("/essai-tour-a"))
    while "a commence" not in events:
        await asyncio.sleep(0.01)
    second = asyncio.create_task(user.http_client.get("/essai-tour-b"))
    await asyncio.sleep(0.3)
    assert events == ["a commence"]  # b waits for a's place
    release.set()
    responses = await asyncio.gather(first, second)
    assert [r.status_code for r in responses] == [200, 200]
    assert events == ["a commence", "a fini", "b commence"]
    reset_settings()


async def test_two_places_let_two_page_views_be_built_together(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_CONCURRENT_PAGES", "2")
    reset_settings()
    monkeypatch.setattr(page_gate, "_gates", weakref.WeakKeyDictionary())
    started: list[str] = []
    release = asyncio.Event()

    @page("/essai-ensemble/{name}")
    async def waiting_page(name: str) -> None:
        started.append(name)
        await release.wait()

    tasks = [asyncio.create_task(user.http_client.get(f"/essai-ensemble/{n}")) for n in ("a", "b")]
    for _ in range(100):
        if len(started) == 2:
            break
        await asyncio.sleep(0.01)
    assert sorted(started) == ["a", "b"]
    release.set()
    assert [r.status_code for r in await asyncio.gather(*tasks)] == [200, 200]
    reset_settings()
