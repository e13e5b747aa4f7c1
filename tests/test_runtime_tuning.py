"""The process settings for cheaper page views: same answers as NiceGUI, and a reminder when NiceGUI changes."""

import asyncio
import functools
import importlib
import inspect
import logging
import time

import nicegui
import pytest
from nicegui.helpers.functions import expects_arguments as nicegui_expects_arguments
from nicegui.storage import Storage

from app.ui import runtime_tuning


class _Widget:
    def no_args(self) -> None: ...

    def one_arg(self, event: object) -> None: ...

    def optional(self, event: object = None) -> None: ...

    def __call__(self, event: object) -> None: ...


def _function(event: object) -> None: ...


def test_the_workaround_was_measured_on_the_installed_nicegui() -> None:
    # NiceGUI changed: check that Element creation still asks inspect.signature for each of its collections
    # (bench/pages.py, py-spy) before updating NICEGUI_VERSION, or drop the first lever of runtime_tuning.
    assert nicegui.__version__ == runtime_tuning.NICEGUI_VERSION


def _owner_and_name(dotted: str) -> tuple[object, str]:
    """The object holding the last name of ``dotted`` (a module, a class) and that name."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:-1]:
            owner = getattr(owner, part)
        return owner, parts[-1]
    raise AssertionError(f"{dotted}: no module to start from")


def test_every_nicegui_internal_the_portal_leans_on_is_still_there() -> None:
    for dotted in runtime_tuning.NICEGUI_INTERNALS:
        owner, name = _owner_and_name(dotted)
        # a class attribute, or an instance attribute its class's code sets
        assert hasattr(owner, name) or f".{name}" in inspect.getsource(owner), dotted  # type: ignore[arg-type]


def test_the_session_store_wrapper_is_checked_with_the_others() -> None:
    assert "nicegui.storage.Storage._create_persistent_dict" in runtime_tuning.NICEGUI_INTERNALS
    wrapped = Storage.__dict__["_create_persistent_dict"]
    assert isinstance(wrapped, staticmethod)  # app/session_store.py takes its __func__ and calls it with the id
    assert list(inspect.signature(wrapped.__func__).parameters) == ["id"]


def test_another_nicegui_version_warns_once_naming_every_internal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(nicegui, "__version__", "99.0.0")
    runtime_tuning.check_nicegui_version.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=runtime_tuning.__name__):
            assert runtime_tuning.check_nicegui_version() is False
            runtime_tuning.check_nicegui_version()  # session_store asks again: no second warning
    finally:
        runtime_tuning.check_nicegui_version.cache_clear()
    [record] = caplog.records
    assert all(name in record.getMessage() for name in runtime_tuning.NICEGUI_INTERNALS)


def test_remembered_answers_are_nicegui_answers() -> None:
    widget = _Widget()
    callables = [
        widget.no_args,
        widget.one_arg,
        widget.optional,
        widget,
        _function,
        lambda: None,
        lambda e: None,
        functools.partial(_function, None),
        _Widget.one_arg,  # unbound: takes self and event
    ]
    for _ in range(2):  # the second round answers from memory for the bound methods
        for func in callables:
            assert runtime_tuning.expects_arguments(func) is nicegui_expects_arguments(func), func


def test_a_bound_method_is_inspected_once_per_function(monkeypatch) -> None:
    calls: list[object] = []

    def counting(func: object) -> bool:
        calls.append(func)
        return nicegui_expects_arguments(func)  # type: ignore[arg-type]

    monkeypatch.setattr(runtime_tuning, "_original_expects_arguments", counting)
    monkeypatch.setattr(runtime_tuning, "_by_function", {})
    for _ in range(100):
        assert runtime_tuning.expects_arguments(_Widget().one_arg) is True
        assert runtime_tuning.expects_arguments(lambda: None) is False
    assert len(calls) == 1 + 100  # one bound function, and every lambda


class _Outbox:
    """What quiet_outbox reads of NiceGUI's Outbox: its event and what waits to be sent."""

    def __init__(self, *, updates: dict | None = None, messages: list | None = None) -> None:
        self._enqueue_event = asyncio.Event()
        self._enqueue_event.set()  # as after a page is built: set by its updates, then the updates are cleared
        self.updates = updates or {}
        self.messages = messages or []


class _View:
    def __init__(self, age: float, *, connected: bool = False, reconnecting: bool = False) -> None:
        self.created = time.time() - age
        self.has_socket_connection = connected
        self._delete_tasks = {"doc": object()} if reconnecting else {}
        self.deleted = False
        self.id = ""
        self.outbox = _Outbox()

    def delete(self) -> None:  # as Client.delete: the view leaves Client.instances
        self.deleted = True
        del runtime_tuning.Client.instances[self.id]


def test_never_connected_views_are_pruned_a_few_at_a_time(monkeypatch) -> None:
    old = [_View(runtime_tuning.PRUNE_AFTER_SECONDS + 1) for _ in range(runtime_tuning.PRUNE_BATCH + 5)]
    kept = [
        _View(runtime_tuning.PRUNE_AFTER_SECONDS - 5),  # a browser may still be connecting
        _View(3600, connected=True),  # an open page
        _View(3600, reconnecting=True),  # a page whose socket dropped: NiceGUI waits for it to come back
    ]
    for i, view in enumerate(old + kept):
        view.id = str(i)
    monkeypatch.setattr(runtime_tuning, "_quieted_until", 0.0)
    monkeypatch.setattr(runtime_tuning.Client, "instances", {v.id: v for v in old + kept})
    assert runtime_tuning._prune_never_connected()  # a full batch: the loop prunes again right away
    assert sum(v.deleted for v in old) == runtime_tuning.PRUNE_BATCH  # one tick deletes a batch, not all
    assert not runtime_tuning._prune_never_connected()
    assert all(v.deleted for v in old) and not any(v.deleted for v in kept)


def test_a_released_request_keeps_what_pages_read_and_drops_the_call_chain() -> None:
    from contextlib import AsyncExitStack

    from starlette.requests import Request, empty_receive

    async def receive() -> dict:
        return {"type": "http.request"}

    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "server": ("portail.example", 443),
        "client": ("203.0.113.9", 51000),
        "root_path": "",
        "path": "/candidat/candidatures",
        "query_string": b"tri=date",
        "headers": [(b"host", b"portail.example"), (b"cookie", b"session=abc")],
        "session": {"id": "s1"},
        "state": {"responded": True},
        "fastapi_astack": AsyncExitStack(),
        "fastapi_inner_astack": AsyncExitStack(),
    }
    request = Request(scope, receive)
    runtime_tuning.release_request(request)
    assert request._receive is empty_receive
    assert "fastapi_astack" not in request.scope and "fastapi_inner_astack" not in request.scope
    assert str(request.url) == "https://portail.example/candidat/candidatures?tri=date"
    assert request.cookies == {"session": "abc"}
    assert request.session == {"id": "s1"}
    assert request.client.host == "203.0.113.9"
    assert request.state.responded is True


def test_nicegui_page_template_is_not_checked_on_disk_for_every_page_view() -> None:
    from nicegui import client

    runtime_tuning.install()
    assert client.templates.env.auto_reload is False


def test_a_socketless_views_outbox_stops_polling_until_something_is_to_be_sent() -> None:
    built = _View(1)
    runtime_tuning.quiet_outbox(built)
    assert not built.outbox._enqueue_event.is_set()  # the loop now waits for the event (or a second)
    pending = [_View(1), _View(1)]
    pending[0].outbox.updates = {"5": object()}  # an element changed after the page was built
    pending[1].outbox.messages = [("c", "run_javascript", {})]  # e.g. a navigation asked before the socket came
    for view in pending:
        runtime_tuning.quiet_outbox(view)
        assert view.outbox._enqueue_event.is_set()  # sent as soon as the socket connects


def test_the_pruning_tick_quiets_the_views_it_keeps_and_leaves_connected_ones_alone(monkeypatch) -> None:
    connected, young = _View(3600, connected=True), _View(1)
    young.id, connected.id = "young", "connected"
    monkeypatch.setattr(runtime_tuning.Client, "instances", {"connected": connected, "young": young})  # by creation
    monkeypatch.setattr(runtime_tuning, "_quieted_until", 0.0)
    runtime_tuning._prune_never_connected()
    assert not young.deleted and not young.outbox._enqueue_event.is_set()
    assert connected.outbox._enqueue_event.is_set()
    young.outbox._enqueue_event.set()  # seen once: later ticks walk only the views created since
    runtime_tuning._prune_never_connected()
    assert young.outbox._enqueue_event.is_set()


async def test_pruning_keeps_up_with_views_made_faster_than_a_batch_a_tick(monkeypatch) -> None:
    """Views made faster than PRUNE_BATCH per tick (wrk makes hundreds a second) are all pruned within one tick
    period, batch by batch with the loop's other work in between, instead of piling up."""
    import asyncio

    old = [_View(runtime_tuning.PRUNE_AFTER_SECONDS + 1) for _ in range(runtime_tuning.PRUNE_BATCH * 7 + 3)]
    for i, view in enumerate(old):
        view.id = str(i)
    monkeypatch.setattr(runtime_tuning, "_quieted_until", 0.0)
    monkeypatch.setattr(runtime_tuning.Client, "instances", {v.id: v for v in old})
    task = asyncio.create_task(runtime_tuning._prune_periodically())
    await asyncio.sleep(runtime_tuning.PRUNE_EVERY_SECONDS * 1.5)
    task.cancel()
    assert all(v.deleted for v in old)


def _socketless_outbox(connected: bool = False):  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    client = SimpleNamespace(has_socket_connection=connected)
    client.outbox = SimpleNamespace(_client=lambda: client, _should_stop=False)
    return client, client.outbox


async def test_a_views_outbox_loop_waits_for_its_websocket_without_waking(monkeypatch) -> None:
    import asyncio

    started: list[object] = []

    async def nicegui_loop(outbox: object) -> None:
        started.append(outbox)

    monkeypatch.setattr(runtime_tuning, "_original_outbox_loop", nicegui_loop)
    client, outbox = _socketless_outbox()
    task = asyncio.create_task(runtime_tuning.deferred_outbox_loop(outbox))  # type: ignore[arg-type]
    for _ in range(10):  # the loop's turns go by: nothing polls, nothing starts
        await asyncio.sleep(0)
    assert not started and not task.done()
    client.has_socket_connection = True
    runtime_tuning.start_outbox(client)  # app.on_connect
    await asyncio.wait_for(task, timeout=5)
    assert started == [outbox]  # NiceGUI's loop now runs: what was enqueued meanwhile is sent first
    runtime_tuning.start_outbox(client)  # a reconnection: nothing more to start


async def test_a_view_deleted_before_connecting_ends_its_waiting_loop(monkeypatch) -> None:
    import asyncio

    started: list[object] = []
    stopped: list[object] = []

    async def nicegui_loop(outbox: object) -> None:
        started.append(outbox)  # NiceGUI's loop returns at once on a stopped outbox

    monkeypatch.setattr(runtime_tuning, "_original_outbox_loop", nicegui_loop)
    monkeypatch.setattr(runtime_tuning, "_original_outbox_stop", lambda outbox: stopped.append(outbox))
    _client, outbox = _socketless_outbox()
    task = asyncio.create_task(runtime_tuning.deferred_outbox_loop(outbox))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    runtime_tuning.stop_outbox(outbox)  # type: ignore[arg-type]  # Client.delete (the pruning tick)
    await asyncio.wait_for(task, timeout=5)
    assert stopped == [outbox] and started == [outbox]  # no task left waiting for a socket that never comes


async def test_a_connected_views_outbox_loop_starts_at_once(monkeypatch) -> None:
    import asyncio

    started: list[object] = []

    async def nicegui_loop(outbox: object) -> None:
        started.append(outbox)

    monkeypatch.setattr(runtime_tuning, "_original_outbox_loop", nicegui_loop)
    _client, outbox = _socketless_outbox(connected=True)
    await asyncio.wait_for(runtime_tuning.deferred_outbox_loop(outbox), timeout=5)  # type: ignore[arg-type]
    assert started == [outbox]


def test_install_defers_every_outbox_loop_until_its_view_connects() -> None:
    from nicegui import app
    from nicegui.outbox import Outbox

    runtime_tuning.install()
    assert Outbox.loop is runtime_tuning.deferred_outbox_loop and Outbox.stop is runtime_tuning.stop_outbox
    assert runtime_tuning.start_outbox in app._connect_handlers
