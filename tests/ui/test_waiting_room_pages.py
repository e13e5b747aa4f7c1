"""The waiting room on the portal as ``main.py`` serves it: past ``ECANDIDAT_MAX_ACTIVE_CLIENTS`` page views in
progress a new visitor gets the 503 waiting page before NiceGUI builds anything, while a browser that already has a
page, NiceGUI's files, its websocket endpoint and the API keep being served."""

import asyncio
import re

import httpx
import pytest
from nicegui import Client, core
from nicegui.testing import User

from app.config import reset_settings
from app.ui.page import page
from app.waiting_room import RecentBrowsers, WaitingRoom


def visitor() -> httpx.AsyncClient:
    """A browser of its own (its own cookies), on the same application as ``user``."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test")


async def test_past_the_limit_a_new_visitor_waits_and_those_already_in_are_served(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECANDIDAT_MAX_ACTIVE_CLIENTS", "1")
    reset_settings()
    release = asyncio.Event()
    building: list[str] = []

    @page("/essai-salle-lente")
    async def slow_page() -> None:
        building.append("lente")
        await release.wait()  # a page view still in progress: the one place is taken

    @page("/essai-salle-rapide")
    def quick_page() -> None:
        pass

    async with visitor() as inside, visitor() as newcomer:
        assert (await inside.get("/essai-salle-rapide")).status_code == 200  # under the limit: served
        slow = asyncio.create_task(user.http_client.get("/essai-salle-lente"))
        while not building:
            await asyncio.sleep(0.01)

        views = len(Client.instances)
        waiting = await newcomer.get("/essai-salle-rapide")
        assert waiting.status_code == 503
        assert len(Client.instances) == views  # no NiceGUI client was built for the refused visitor
        seconds = waiting.headers["retry-after"]
        assert re.search(rf'<meta http-equiv="refresh" content="{seconds}">', waiting.text)
        assert '<html lang="fr">' in waiting.text and "très sollicité" in waiting.text
        assert waiting.headers["cache-control"] == "no-store"
        assert waiting.headers["x-content-type-options"] == "nosniff"  # it went through SecurityHeaders
        assert "frame-ancestors 'none'" in waiting.headers["content-security-policy"]

        assert (await inside.get("/essai-salle-rapide")).status_code == 200  # already in: still served
        script = re.search(r'src="(/_nicegui/[^"]+\.js)"', (await inside.get("/essai-salle-rapide")).text).group(1)
        assert (await newcomer.get(script)).status_code == 200  # NiceGUI's files
        socket = await newcomer.get("/_nicegui_ws/socket.io/", params={"EIO": "4", "transport": "polling"})
        assert socket.status_code != 503  # the websocket endpoint (its polling handshake over HTTP)
        assert (await newcomer.get("/api/v1/openapi.json")).status_code == 200

        release.set()
        assert (await slow).status_code == 200
        assert (await newcomer.get("/essai-salle-rapide")).status_code == 200  # a place is free again
    reset_settings()


def waiting_room() -> WaitingRoom:
    """The middleware instance in the application's built stack."""
    node = core.app.middleware_stack
    while node is not None and not isinstance(node, WaitingRoom):
        node = getattr(node, "app", None)
    assert node is not None, "the waiting room is not installed"
    return node


async def test_a_browser_with_a_page_open_here_is_served_past_the_limit(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    @page("/essai-salle-ouverte")
    def open_page() -> None:
        pass

    await user.open("/essai-salle-ouverte")  # a live page view for this browser
    monkeypatch.setenv("ECANDIDAT_MAX_ACTIVE_CLIENTS", "1")
    reset_settings()
    room = waiting_room()
    room.recent = RecentBrowsers()  # forgotten as recent: only its open page lets it in
    room.in_progress += 1  # past the limit
    try:
        assert (await user.http_client.get("/essai-salle-ouverte")).status_code == 200
        async with visitor() as newcomer:
            assert (await newcomer.get("/essai-salle-ouverte")).status_code == 503
    finally:
        room.in_progress -= 1
        reset_settings()
