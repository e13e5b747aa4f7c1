"""Process settings that make page views cheaper, measured on results-day load (see bench/pages.py).

Five levers, each installed once by ``install()`` at start-up:

1. **NiceGUI's ``helpers.expects_arguments`` per element** (NiceGUI 3.18). Every element builds observable
   ``props``/``classes``/``style`` collections, and each collection asks ``inspect.signature`` whether its change
   handler — always the bound method ``_update`` of its class — takes arguments. That was about a third of a page
   view's CPU. The answer depends only on the function behind a bound method, so it is remembered per function;
   plain functions and lambdas (event handlers) are still asked every time. A workaround, not a patch: the
   installed package is untouched, the wrapper gives the same answers (tests/test_runtime_tuning.py), and a test
   fails when NiceGUI's version changes so that whoever upgrades checks whether it is still needed.
2. **Never-connected page views** (a bot, a prefetch, a closed tab) are pruned after ``PRUNE_AFTER_SECONDS``
   instead of NiceGUI's 60 s, a few at a time: each holds its whole element tree, and NiceGUI deleting them all in
   one go every ten seconds was the event loop's longest stall under load. Views whose websocket connected are
   untouched. Until then, a socketless view's outbox no longer polls ten times a second (``quiet_outbox``), and
   its loop does not even start until the view's websocket connects (``deferred_outbox_loop``).
3. **Garbage collection**: the objects alive after start-up (modules, routes, translations) are moved out of the
   collector's generations (``gc.freeze``), and the collector runs less often (``GC_THRESHOLDS``). A page view
   allocates thousands of objects and frees nearly all of them by reference counting; with Python's default
   thresholds (700, 10, 10) full collections ran every second or two under load, each walking every live page
   view for 0.1–0.9 s while collecting a few dozen objects: the event loop's longest stalls (measured with
   ``gc.callbacks``, ``wrk -c50`` on ``/``: lag p99 650 ms → 180 ms, 125 → 190 req/s). Full collections stay
   rare (1,000); the young generations are collected often and small: with (20,000, 20) a middle-generation pass
   walked up to 400,000 young objects, 150–250 ms in one go, the longest stall left; with (5,000, 10), at 50
   connections, the longest stall was 25–52 ms instead of 180–210 ms (``/``: 170 → 226 req/s; ``/candidat/
   candidatures``: 98 → 112 req/s, lag p99 13–14 ms either way).
4. **The page's HTTP request, once the page is connected**. NiceGUI keeps the request that built a page for as
   long as the page is open (``client.request``, each event listener's ``request``, the context of the page's
   tasks). Through its ``receive`` callable and FastAPI's exit stacks in its scope, that request held the whole
   finished middleware call chain: streams, events, task groups and coroutines of three ``BaseHTTPMiddleware``
   layers, about 23 KB per connected page (``bench/pages.py``, 400 pages: 224 → 201 KB). When the page's
   websocket connects the response is long sent: the request keeps what pages read (URL, headers, session,
   state, client address) and lets go of the rest.
5. **NiceGUI's page template is read once**: its Jinja2 environment otherwise asks the file system whether
   ``index.html`` changed for every page view (``stat`` calls on the event loop, ~3 % of its time under load);
   the installed package's template does not change while the server runs.
"""

import asyncio
import functools
import gc
import logging
import time
from collections.abc import Callable
from typing import Any

import nicegui
from nicegui import Client, app, background_tasks, helpers
from nicegui import client as nicegui_client
from nicegui.outbox import Outbox
from starlette.requests import Request, empty_receive, empty_send

log = logging.getLogger(__name__)

NICEGUI_VERSION = "3.18.0"  # the version whose internals the levers, and the entries below, were checked against
# What of NiceGUI the portal leans on beyond its documented API (private names, internals), and who leans on it.
# Each is checked again when NiceGUI's version changes: a warning at start (``check_nicegui_version``) and
# tests/test_runtime_tuning.py failing until NICEGUI_VERSION is updated.
NICEGUI_INTERNALS: dict[str, str] = {
    "nicegui.helpers.expects_arguments": "lever 1: answers remembered per function",
    "nicegui.client.Client.instances": "lever 2: never-connected page views pruned in creation order",
    "nicegui.outbox.Outbox._enqueue_event": "lever 2: a socketless view's outbox stops polling",
    "nicegui.outbox.Outbox.loop": "lever 2: started when the view connects (wrapped)",
    "nicegui.outbox.Outbox.stop": "lever 2: a deleted view's waiting loop ends (wrapped)",
    "nicegui.outbox.Outbox._should_stop": "lever 2: a view deleted before its loop started",
    "nicegui.element.Element._event_listeners": "lever 4: each listener's request let go of",
    "nicegui.app.app.App._connect_handlers": "lever 4: registered once across the tests' app resets",
    "nicegui.client.templates": "lever 5: the page template read once",
    "nicegui.client.json": "app/ui/response_tuning.py: the page's elements escaped by replaces (wrapped)",
    "nicegui.client.HTML_ESCAPE_TABLE": "app/ui/response_tuning.py: the table whose translate is replaced",
    "nicegui.client.Client.build_response": "app/ui/response_tuning.py: a built view's outbox quieted (wrapped)",
    "nicegui.storage.RequestTrackingMiddleware": "app/plain_middleware.py: replaced by a plain twin",
    "nicegui.middlewares.RedirectWithPrefixMiddleware": "app/plain_middleware.py: replaced by a plain twin",
    "nicegui.middlewares.SetCacheControlMiddleware": "app/plain_middleware.py: replaced by a plain twin",
    "nicegui.storage.Storage._users": "app/plain_middleware.py: whether the browser's storage exists",
    "nicegui.storage.Storage._create_user_storage": "app/plain_middleware.py: the browser's storage created",
    "nicegui.storage.Storage._active_request_sessions": "app/plain_middleware.py: requests in progress counted",
    "nicegui.storage.Storage._create_persistent_dict": "app/session_store.py: each browser's Redis key lives as "
    "long as its session cookie (wrapped, and called with the storage id)",
}
PRUNE_AFTER_SECONDS = 20.0
PRUNE_EVERY_SECONDS = 0.1
PRUNE_BATCH = 10
GC_THRESHOLDS = (5_000, 10, 1_000)

_original_expects_arguments: Callable[[Callable], bool] = helpers.expects_arguments
_by_function: dict[Any, bool] = {}


def expects_arguments(func: Callable) -> bool:
    """``helpers.expects_arguments``, remembered for bound methods (keyed by their function)."""
    function = getattr(func, "__func__", None)
    if function is None or getattr(func, "__self__", None) is None:
        return _original_expects_arguments(func)
    answer = _by_function.get(function)
    if answer is None:
        answer = _by_function[function] = _original_expects_arguments(func)
    return answer


def _prune_never_connected() -> bool:
    """Delete at most ``PRUNE_BATCH`` never-connected views per tick: NiceGUI's own pruning deletes every stale
    view at once, which under load froze the event loop for hundreds of milliseconds every ten seconds. The views
    created since the last tick have their outbox quieted. True when the batch was full: more may be due.

    ``Client.instances`` keeps creation order, so both walks stop early: pruning from the oldest end at the first
    view too young to prune, quieting from the newest end at the first view already seen. A tick visiting every
    view (thousands under a burst of never-connected pages, ten ticks a second) took 12 % of the event loop."""
    global _quieted_until
    views = list(Client.instances.values())
    threshold = time.time() - PRUNE_AFTER_SECONDS
    deleted = 0
    for client in views:
        if deleted >= PRUNE_BATCH or client.created > threshold:
            break
        # As Client.prune_instances decides: no socket, no reconnection pending, old enough.
        if not client.has_socket_connection and not client._delete_tasks:
            client.delete()
            deleted += 1
    newest = _quieted_until
    for client in reversed(views):
        if client.created <= _quieted_until:
            break
        newest = max(newest, client.created)
        if not client.has_socket_connection:
            quiet_outbox(client)
    _quieted_until = newest
    return deleted >= PRUNE_BATCH


_quieted_until = 0.0  # the creation time of the newest view whose outbox a tick has seen


def quiet_outbox(client: Client) -> None:
    """Let a socketless view's outbox wait for something to send instead of polling ten times a second.

    NiceGUI's outbox loop re-checks every 0.1 s for a socket while its "something to send" event is set, and the
    event stays set after the page is built (its updates are already in the page's HTML, and cleared). Hundreds of
    never-connected views (prefetches, bots, a results-day burst) meant thousands of wake-ups a second on the
    event loop. With the event cleared and nothing waiting, the loop waits up to a second at a time; anything
    enqueued later (an update, a message, a rewind on reconnection) sets the event again and is sent as before.
    """
    outbox = client.outbox
    event = outbox._enqueue_event
    if event is not None and event.is_set() and not outbox.updates and not outbox.messages:
        event.clear()


_original_outbox_loop: Callable[[Outbox], Any] = Outbox.loop
_original_outbox_stop: Callable[[Outbox], None] = Outbox.stop
_START = "_ecandidat_start"  # the outbox's own event: its view connected, or was deleted


def _start_event(outbox: Outbox) -> asyncio.Event:
    event = outbox.__dict__.get(_START)
    if event is None:
        event = outbox.__dict__[_START] = asyncio.Event()
    return event


async def deferred_outbox_loop(self: Outbox) -> None:
    """``Outbox.loop``, started once the view's websocket connects (or when the view is deleted, to end at once).

    NiceGUI starts a view's outbox loop as the view is created, and until a socket comes the loop wakes ten times a
    second while the page is built (its "something to send" event is set), then once a second until the view is
    pruned (``quiet_outbox``). Under a page burst that is every view waiting for its turn (``app.ui.page``) or
    never connected: hundreds of wake-ups a second, each a timer and, once a second, a task (``wait_for``). Nothing
    can be sent without a socket anyway: what is enqueued meanwhile waits in the outbox, and the loop sends it
    first when it starts (its event starts set), as it did at the first poll after the connection."""
    client = self._client()
    waiting = client is not None and not client.has_socket_connection and not self._should_stop
    del client  # the view must stay collectable while its loop waits
    if waiting:
        await _start_event(self).wait()
    await _original_outbox_loop(self)


def start_outbox(client: Client) -> None:
    """On connection (``app.on_connect``): the view's outbox loop starts (again a no-op once started)."""
    _start_event(client.outbox).set()


def stop_outbox(self: Outbox) -> None:
    """``Outbox.stop``, and a loop still waiting for a connection starts only to see that it is stopped."""
    _original_outbox_stop(self)
    _start_event(self).set()


# What a page reads from its request after the response (URL, headers, cookies, session, state, client address,
# route); the rest of the ASGI scope (FastAPI's exit stacks and the like) belongs to the finished call.
_SCOPE_KEPT = frozenset(
    {"type", "asgi", "http_version", "method", "scheme", "server", "client", "root_path", "path", "raw_path",
     "query_string", "headers", "session", "state", "route", "app", "router", "path_params", "extensions"}
)  # fmt: skip


def release_request(request: Request) -> None:
    """Let a finished request's call chain go: no more ``receive``/``send``, no scope entries pages don't read."""
    request._receive = empty_receive
    request._send = empty_send
    for key in [key for key in request.scope if key not in _SCOPE_KEPT]:
        del request.scope[key]


def release_page_requests(client: Client) -> None:
    """On connection: release the request the page was built from (the client's and its listeners' copies)."""
    requests = {id(client.request): client.request} if client.request is not None else {}
    for element in list(client.elements.values()):
        for listener in element._event_listeners.values():
            if listener.request is not None:
                requests[id(listener.request)] = listener.request
    for request in requests.values():
        if request._receive is not empty_receive:
            release_request(request)


def _freeze_start_up_objects() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@functools.cache  # once per process, whoever asks first (install, app.session_store)
def check_nicegui_version() -> bool:
    """Whether the installed NiceGUI is the one NICEGUI_INTERNALS was checked against; warns, naming each, if not."""
    if nicegui.__version__ == NICEGUI_VERSION:
        return True
    log.warning(
        "NiceGUI %s: the portal leans on these internals of NiceGUI %s, check each (app/ui/runtime_tuning.py): %s",
        nicegui.__version__,
        NICEGUI_VERSION,
        "; ".join(f"{name} ({why})" for name, why in NICEGUI_INTERNALS.items()),
    )
    return False


def install() -> None:
    check_nicegui_version()
    helpers.expects_arguments = expects_arguments  # read as helpers.expects_arguments at every call
    nicegui_client.templates.env.auto_reload = False
    Outbox.loop = deferred_outbox_loop  # type: ignore[method-assign]
    Outbox.stop = stop_outbox  # type: ignore[method-assign]
    for handler in (start_outbox, release_page_requests):
        if handler not in app._connect_handlers:  # build_app runs again after each test reset
            app.on_connect(handler)
    if app.is_started:  # the screen tests run main.py again on an app NiceGUI has started: nothing to schedule
        return
    app.on_startup(_start)


async def _start() -> None:
    _freeze_start_up_objects()
    background_tasks.create(_prune_periodically(), name="prune never-connected page views")


async def _prune_periodically() -> None:
    """A tick every ``PRUNE_EVERY_SECONDS``; while batches come full, the next one right after the loop's other
    work. At a fixed ten a tick, views made faster than a hundred a second (``wrk`` on ``/`` makes 300-450) piled
    up for minutes, and every full collection walked all of them: 90-130 ms stalls on the pages served next
    (``bench/pages.py``, lag p99 on « Mes candidatures » after the public pages)."""
    while True:
        await asyncio.sleep(PRUNE_EVERY_SECONDS)
        while _prune_never_connected():
            await asyncio.sleep(0)
