"""What a page view costs the event loop once its elements are drawn: writing the response and after it.

Measured under load (``bench/pages.py`` pages at 50 connections, py-spy of the event-loop thread), three costs
came after the page function had returned; ``install()`` (at start-up, ``app/server.py``) sets the first two, the
third is given to ``ui.run``:

1. **Escaping the page's elements for the HTML**. NiceGUI's ``Client.build_response`` writes the elements as JSON
   into the page and escapes it with ``str.translate`` and a table mapping five characters to entities; with
   replacements longer than one character CPython looks every character of the text up in that table, one by
   one: 5 ms for 28 KB, the largest single cost of a public page (9 % of the event loop on ``/``). The same text
   from five ``str.replace`` calls takes 0.2 ms. NiceGUI's serializer (``nicegui.client.json``) is wrapped so that
   the text it returns answers ``translate`` with that table by the replaces, and anything else as ``str`` does.
2. **A built, never-connected view's outbox polled ten times a second**. NiceGUI's outbox loop checks every 0.1 s
   for a socket while its "something to send" event is set, and building the page leaves it set. The pruning tick
   (``runtime_tuning``) quieted only the views it found finished, and under load most are still being built when
   it passes: 14 % of the event loop on ``/`` at 50 connections went to those wake-ups. The view is now quieted as
   soon as its response is built (``Client.build_response`` wrapped): it waits for something to send, or a second.
3. **Compression** (``gzip_middleware``): Starlette's ``GZipMiddleware`` as NiceGUI installs it compresses at level
   9 on the event loop below 128 KiB: 2.4 ms for an application's page, 7 ms for the staff list (35 and 70 KB).
   Level 6 gives the same size within 1 % for two thirds of the time, and bodies from ``GZIP_THREAD_MIN_BYTES``
   are compressed in a worker thread (zlib lets go of the GIL: the other core does it).
"""

import functools
from collections.abc import Callable
from typing import Any

from nicegui import Client
from nicegui import client as nicegui_client
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from app.ui.runtime_tuning import quiet_outbox  # its pruning tick quiets the views built before install

GZIP_LEVEL = 6
GZIP_THREAD_MIN_BYTES = 4 * 1024  # below, the hop to a thread costs more than it saves


def _replacements(table: dict[int, str]) -> tuple[tuple[str, str], ...]:
    """The table as ordered ``str.replace`` pairs: ``&`` first, so that no entity written is escaped again."""
    pairs = [(chr(code), entity) for code, entity in table.items()]
    return tuple(sorted(pairs, key=lambda pair: pair[0] != "&"))


_HTML_ESCAPES = _replacements(nicegui_client.HTML_ESCAPE_TABLE)


def escape_for_page(text: str) -> str:
    """``text.translate(nicegui.client.HTML_ESCAPE_TABLE)``, by five C-level replaces."""
    for character, entity in _HTML_ESCAPES:
        text = text.replace(character, entity)
    return text


class PageJson(str):
    """JSON text whose ``translate`` by NiceGUI's page escape table is ``escape_for_page``."""

    __slots__ = ()

    def translate(self, table: Any) -> str:
        if table is nicegui_client.HTML_ESCAPE_TABLE:
            return escape_for_page(self)
        return super().translate(table)


class PageSerializer:
    """``nicegui.json`` for ``nicegui.client``: the same functions, ``dumps`` answering ``PageJson``."""

    def __init__(self, module: Any) -> None:
        self.module = module

    def dumps(self, *args: Any, **kwargs: Any) -> str:
        return PageJson(self.module.dumps(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)


_original_build_response: Callable[..., Response] = Client.build_response


def build_response(self: Client, *args: Any, **kwargs: Any) -> Response:
    """``Client.build_response``, then the view's outbox quieted until it has something to send."""
    response = _original_build_response(self, *args, **kwargs)
    if not self.has_socket_connection:
        quiet_outbox(self)
    return response


def gzip_middleware(app: ASGIApp) -> GZipMiddleware:
    """``ui.run(gzip_middleware_factory=...)``: level 6, large bodies compressed off the event loop."""
    return GZipMiddleware(app, compresslevel=GZIP_LEVEL, thread_minimum_size=GZIP_THREAD_MIN_BYTES)


@functools.cache  # once per process: the screen tests build the app again and again
def install() -> None:
    if not isinstance(nicegui_client.json, PageSerializer):
        nicegui_client.json = PageSerializer(nicegui_client.json)  # type: ignore[assignment]
    Client.build_response = build_response  # type: ignore[method-assign]
