"""``page``: NiceGUI's ``ui.page`` for our screens, with what the frame needs loaded off the event loop first.

Every screen registers with ``@page("/path")`` instead of ``@ui.page``. Before the page function runs, the frame's
data (the banners, a staff member's roles) is read in a worker thread; the page function itself may be ``async``
and load its own data with ``run.io_bound``. No query runs on the event loop, so one slow query never stalls the
websockets of every other visitor (the tests set ``ECANDIDAT_LOOP_GUARD=1``, which makes such a query fail).

Page views take turns at the page gate (``app/page_gate.py``), which the waiting room puts every admitted page view
through before NiceGUI builds anything. A view may wait ``ECANDIDAT_PAGE_TIMEOUT_SECONDS`` for its place, then as
long to be built (NiceGUI's default, 3 s, would answer an error page under load).
"""

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui

from app.config import get_settings
from app.ui.frame import prepare_frame
from app.waiting_room import register_page_path

F = TypeVar("F", bound=Callable[..., Any])


async def breathe() -> None:
    """Give the event loop one turn between two parts of a long page view. A page's drawing runs in one go once its
    data is loaded: the staff list's took 10 ms or more of the loop, during which no other visitor's message,
    request or page step moved. Only in the page function's first drawing (no handler or live redraw of the page
    can run yet); the page's slot stack belongs to its own task. Not for pages of small parts: on an application's
    page, a turn after each piece card made page views slower (p99 at 10 connections 0.7 → 1.1 s) for no lag gained."""
    await asyncio.sleep(0)


def page(path: str, **kwargs: Any) -> Callable[[F], F]:
    kwargs.setdefault("response_timeout", get_settings().page_timeout_seconds)

    def decorator(func: F) -> F:
        @functools.wraps(func)  # NiceGUI reads the path and query parameters from the wrapped signature
        async def draw(*args: Any, **kw: Any) -> Any:
            await prepare_frame()
            result = func(*args, **kw)
            if inspect.isawaitable(result):
                result = await result
            return result

        ui.page(path, **kwargs)(draw)
        register_page_path(path)  # a page view the waiting room may hold back (app/waiting_room.py)
        return func

    return decorator
