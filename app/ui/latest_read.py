"""``LatestRead``: one part of a page read again off the event loop, where only the latest read is drawn.

A refreshable part of a staff page (the list, the figures, a waiting list…) is read in a worker thread before it is
redrawn. Two reads can overlap (a sort, then a filter, clicked before the first answer came back) and finish in any
order; drawing the earlier one last would show a stale list. Each part keeps one ``LatestRead``::

    reads = LatestRead()

    async def reload() -> None:
        figures = await reads.run(load_figures, actor, selection)
        if figures is None:  # a later read was asked meanwhile (it draws), or the server is stopping
            return
        ...
        results.refresh()

``fn`` opens its own unit of work and returns what the page draws; it must not return None.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import run

T = TypeVar("T")


class LatestRead:
    def __init__(self) -> None:
        self._asked = 0

    async def run(self, fn: Callable[..., T], *args: Any) -> T | None:
        """``fn(*args)`` in a worker thread; None when a later read was asked before it finished."""
        self._asked += 1
        mine = self._asked
        result = await run.io_bound(fn, *args)
        return result if mine == self._asked else None
