"""``page``: NiceGUI's ``ui.page`` for our screens, with what the frame needs loaded off the event loop first.

Every screen registers with ``@page("/path")`` instead of ``@ui.page``. Before the page function runs, the frame's
data (the banners, a staff member's roles) is read in a worker thread; the page function itself may be ``async``
and load its own data with ``run.io_bound``. No query runs on the event loop, so one slow query never stalls the
websockets of every other visitor (the tests set ``ECANDIDAT_LOOP_GUARD=1``, which makes such a query fail).
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui

from app.ui.frame import prepare_frame

F = TypeVar("F", bound=Callable[..., Any])


def page(path: str, **kwargs: Any) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        @functools.wraps(func)  # NiceGUI reads the path and query parameters from the wrapped signature
        async def draw(*args: Any, **kw: Any) -> Any:
            await prepare_frame()
            result = func(*args, **kw)
            if inspect.isawaitable(result):
                result = await result
            return result

        ui.page(path, **kwargs)(draw)
        return func

    return decorator
