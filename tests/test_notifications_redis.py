"""Live updates and cache drops relayed between instances through Redis (app.services.platform.notifications_redis).

Two instances are simulated in one process: relay A is installed in the commit hooks (its local subscribers are
the module's), relay B is not and calls a registry of its own. The Redis-backed cases need a real server at
``ECANDIDAT_TEST_REDIS_URL``; the unreachable-Redis cases need none.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from app.config import reset_settings
from app.db import transaction
from app.models import PortalParameter, StaffRole
from app.services.admin import portal_parameters
from app.services.platform import notifications, notifications_relay, parameters, process_cache
from app.services.platform.actors import Actor
from app.services.platform.notifications_redis import Relay
from tests import factories

REDIS_URL = os.environ.get("ECANDIDAT_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="ECANDIDAT_TEST_REDIS_URL is not set: the tests against a real Redis are skipped"
)
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
CANDIDATE = 4242


def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instances:
    """Relays A (installed, like the one of the running process) and B, on channels of this test only."""

    def __init__(self, url: str) -> None:
        prefix = f"test:{uuid.uuid4().hex}"
        channels = {"candidates_channel": f"{prefix}:candidates", "cache_channel": f"{prefix}:cache"}
        self.b_subscribers = notifications.Subscribers()
        self.b_caches: list[str] = []
        self.a = Relay(url, instance_id=f"A-{prefix}", **channels)
        self.b = Relay(
            url,
            instance_id=f"B-{prefix}",
            on_candidate=self.b_subscribers.publish,
            on_cache=self.b_caches.append,
            **channels,
        )

    def start(self) -> None:
        self.a.start()
        self.b.start(install=False)
        assert self.a.ready.wait(5) and self.b.ready.wait(5)

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()


@pytest.fixture
def instances() -> Iterator[Instances]:
    pair = Instances(REDIS_URL)
    pair.start()
    yield pair
    pair.stop()
    assert notifications.set_broadcaster(None) is None and process_cache.set_broadcaster(None) is None


@pytest.fixture
def admin(session: Session, clock) -> Actor:
    clock.set(NOW)
    assignment = factories.staff_with_role(session, StaffRole.ADMINISTRATOR)
    session.commit()
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


@pytest.fixture
def a_calls() -> Iterator[list[str]]:
    """Calls of a page of instance A subscribed to the candidate."""
    calls: list[str] = []

    def on_change() -> None:
        calls.append("A")

    notifications.subscribe(CANDIDATE, on_change)
    yield calls
    notifications.unsubscribe(CANDIDATE, on_change)


@needs_redis
def test_a_commit_on_one_instance_refreshes_both_once(session: Session, instances: Instances, a_calls) -> None:
    b_calls: list[str] = []
    instances.b_subscribers.subscribe(CANDIDATE, lambda: b_calls.append("B"))
    with transaction() as s:
        notifications.notify_candidate(s, CANDIDATE)
    assert a_calls == ["A"]  # at once, in the committing thread
    assert eventually(lambda: b_calls == ["B"])
    # A received its own message and skipped it: its page is not refreshed a second time.
    assert eventually(lambda: instances.a.skipped_own == 1)
    time.sleep(0.1)
    assert (a_calls, b_calls) == (["A"], ["B"])
    assert (instances.a.relayed, instances.b.relayed, instances.b.skipped_own) == (0, 1, 0)


@needs_redis
def test_a_rolled_back_change_is_announced_nowhere(session: Session, instances: Instances, a_calls) -> None:
    b_calls: list[str] = []
    instances.b_subscribers.subscribe(CANDIDATE, lambda: b_calls.append("B"))
    with pytest.raises(RuntimeError), transaction() as s:
        notifications.notify_candidate(s, CANDIDATE)
        raise RuntimeError("rolled back")
    # A later commit for another candidate proves the channel works and that nothing else was sent before it.
    with transaction() as s:
        notifications.notify_candidate(s, CANDIDATE + 1)
    assert eventually(lambda: instances.b.relayed == 1)
    assert (a_calls, b_calls, instances.a.sent) == ([], [], 1)


@needs_redis
def test_a_staff_only_change_reaches_the_staff_pages_of_the_other_instance_only(
    session: Session, instances: Instances
) -> None:
    calls: list[str] = []
    instances.b_subscribers.subscribe(CANDIDATE, lambda: calls.append("candidate page"))
    instances.b_subscribers.subscribe(CANDIDATE, lambda: calls.append("staff page"), staff=True)
    with transaction() as s:
        notifications.notify_candidate(s, CANDIDATE, staff_only=True)
    assert eventually(lambda: instances.b.relayed == 1)
    assert calls == ["staff page"]
    with transaction() as s:  # a change the candidate sees: both pages
        notifications.notify_candidate(s, CANDIDATE)
    assert eventually(lambda: instances.b.relayed == 2)
    assert sorted(calls) == ["candidate page", "staff page", "staff page"]


@needs_redis
def test_a_saved_parameter_drops_the_cache_of_the_other_instance(
    session: Session, admin: Actor, instances: Instances
) -> None:
    portal_parameters.save_parameter(session, actor=admin, name="password_min_length", value="14", expected_version=0)
    session.commit()
    assert parameters.current("password_min_length") == 14
    assert eventually(lambda: instances.b_caches == ["portal parameters"])
    assert eventually(lambda: instances.a.skipped_own == 1)
    assert instances.a.relayed == 0


@needs_redis
def test_the_invalidation_drops_the_copy_held_by_the_other_instance(database_url: str, instances: Instances) -> None:
    # Both instances hold a cache of the same name; B's relay drops the one registered under that name.
    name = f"test cache {uuid.uuid4().hex}"
    loads: list[str] = []
    cache_a = process_cache.EngineCache(name, lambda _s: loads.append("A") or "A", str, 30.0)
    cache_b = process_cache.EngineCache(name, lambda _s: loads.append("B") or "B", str, 30.0)
    instances.b.on_cache = process_cache.invalidate_named
    assert (cache_a.get(), cache_b.get()) == ("A", "B")
    with transaction() as s:
        s.add(PortalParameter(name="password_min_length", value={"value": 13}))
        cache_a.invalidate_on_commit(s)
    assert cache_a.peek() is None  # this instance: at once
    assert eventually(lambda: cache_b.peek() is None)  # the other one: through Redis, long before its 30 s
    assert cache_b.get() == "B" and loads == ["A", "B", "B"]


@needs_redis
def test_the_relay_reconnects_after_losing_redis(session: Session, instances: Instances, caplog) -> None:
    import redis

    caplog.set_level(logging.INFO, logger="app.services.platform.notifications_redis")
    instances.b.first_retry_seconds = 0.05
    admin_client = redis.Redis.from_url(REDIS_URL)
    try:
        killed = [
            client["id"]
            for client in admin_client.client_list()
            if client.get("name") == f"ecandidat-relay:{instances.b.instance_id}"
            and client.get("cmd") in {"subscribe", "ping"}
        ]
        assert killed
        for client_id in killed:
            admin_client.client_kill_filter(_id=client_id)
    finally:
        admin_client.close()
    b_calls: list[str] = []
    instances.b_subscribers.subscribe(CANDIDATE, lambda: b_calls.append("B"))
    assert eventually(lambda: instances.b.ready.is_set())

    def delivered() -> bool:
        if not instances.b.ready.is_set():
            return False
        with transaction() as s:
            notifications.notify_candidate(s, CANDIDATE)
        return eventually(lambda: bool(b_calls), 0.5)

    assert eventually(delivered, 10)
    assert instances.b.is_running()
    messages = [record.message for record in caplog.records]
    assert sum("Redis unreachable" in message for message in messages) == 1
    assert any("Redis reachable again" in message for message in messages)


def test_an_unreachable_redis_loses_only_the_other_instances_updates(session: Session, admin: Actor, caplog) -> None:
    caplog.set_level(logging.INFO, logger="app.services.platform.notifications_redis")
    relay = Relay(
        f"redis://127.0.0.1:{closed_port()}/0",
        instance_id="A",
        first_retry_seconds=0.02,
        max_retry_seconds=0.05,
        timeout_seconds=0.5,
    )
    calls: list[str] = []

    def on_change() -> None:
        calls.append("A")

    relay.start()
    notifications.subscribe(CANDIDATE, on_change)
    try:
        started = time.monotonic()
        for version, value in enumerate(("14", "15")):
            with transaction() as s:
                portal_parameters.save_parameter(
                    s, actor=admin, name="password_min_length", value=value, expected_version=version
                )
                notifications.notify_candidate(s, CANDIDATE)
        assert time.monotonic() - started < 1.0  # commits never wait on the broker
        assert calls == ["A", "A"]
        assert parameters.current("password_min_length") == 15
        time.sleep(0.4)  # several failed attempts by both threads
        assert relay.is_running() and not relay.ready.is_set()
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "Redis unreachable" in r.message]
        assert len(warnings) == 1
    finally:
        notifications.unsubscribe(CANDIDATE, on_change)
        relay.stop()
    assert not relay.is_running()
    assert notifications.set_broadcaster(None) is None and process_cache.set_broadcaster(None) is None


class FakeApp:
    def __init__(self) -> None:
        self.started: list[Callable[..., object]] = []
        self.stopped: list[Callable[..., object]] = []

    def on_startup(self, handler: Callable[..., object]) -> None:
        self.started.append(handler)

    def on_shutdown(self, handler: Callable[..., object]) -> None:
        self.stopped.append(handler)


def test_the_relay_runs_with_the_app_only_when_redis_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECANDIDAT_REDIS_URL", raising=False)
    reset_settings()
    fake = FakeApp()
    notifications_relay.install_redis_relay(fake)
    assert (fake.started, fake.stopped) == ([], [])
    monkeypatch.setenv("ECANDIDAT_REDIS_URL", "redis://127.0.0.1:6379/0")
    reset_settings()
    try:
        notifications_relay.install_redis_relay(fake)
    finally:
        monkeypatch.delenv("ECANDIDAT_REDIS_URL")
        reset_settings()
    [start], [stop] = fake.started, fake.stopped
    assert start.__self__ is stop.__self__ and isinstance(start.__self__, Relay)
    assert start.__self__.url == "redis://127.0.0.1:6379/0"


def test_malformed_messages_are_ignored(caplog) -> None:
    seen: list[int] = []
    relay = Relay("redis://127.0.0.1:1/0", instance_id="B", on_candidate=seen.append)
    channel = relay.candidates_channel.encode()
    for data in (b"not json", b'{"candidate_id": 1}', b'{"origin": "A", "candidate_id": "x"}'):
        relay._dispatch({"type": "message", "channel": channel, "data": data})
    relay._dispatch({"type": "message", "channel": channel, "data": b'{"origin": "A", "candidate_id": 7}'})
    assert seen == [7] and relay.relayed == 1
