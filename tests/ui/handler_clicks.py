"""Clicks whose handlers are async (they check and save in a worker thread, off the event loop).

NiceGUI runs an async handler as a background task, so ``user.find(...).click()`` returns before it has finished.
``await click(user, marker)`` clicks, then waits for that handler and for the pages it navigates to (``ui.navigate``
opens them in background tasks of their own), so that what the handler shows, or stored, can be checked right after.
It does not wait for what lives as long as the page it opened (its websocket outbox, its timers).
"""

import asyncio

from nicegui import background_tasks
from nicegui.testing import User

SETTLE_SECONDS = 10.0


async def click(user: User, marker: str, timeout: float = SETTLE_SECONDS) -> None:
    """Click the element marked ``marker``; wait for its handler and the navigations it starts (``timeout`` at most)."""
    before = set(background_tasks.running_tasks)
    user.find(marker=marker).click()
    watched = {t for t in background_tasks.running_tasks if t not in before}  # the handler's task, created at once
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        watched |= {
            t for t in background_tasks.running_tasks if t not in before and t.get_name().startswith("navigate")
        }
        pending = {t for t in watched if not t.done()}
        remaining = deadline - loop.time()
        if not pending or remaining <= 0:
            return
        await asyncio.wait(pending, timeout=remaining)
        await asyncio.sleep(0)  # let the tasks they started be created


def open_panel(user: User, marker: str) -> None:
    """Open the panel marked ``marker`` as a click on its header does: a lazy panel (app/ui/lazy_panel.py) draws its
    content then, before this returns."""
    panel = next(iter(user.find(marker=marker).elements))
    panel.set_value(True)  # type: ignore[attr-defined]
