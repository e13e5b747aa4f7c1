"""Relay live updates and cache invalidations between instances through Redis pub/sub (``ECANDIDAT_REDIS_URL``).

Each process runs one ``Relay``. The commit hooks (app.services.platform.notifications,
app.services.platform.process_cache) call the local subscribers themselves, then hand the candidate id or the cache name
to the relay, which queues it and publishes it from its own thread as JSON carrying this instance's id (a commit never
waits on the network). The relay's listening thread calls the local subscribers for the messages of OTHER instances
only, so the instance that committed refreshes its pages once, not twice.

Redis going away only loses the cross-instance messages of the outage (pages of other instances still refresh
on their next action, caches after their TTL): both threads log it once, retry with a growing pause, and log
again when Redis is back. Nothing here raises into the application.

Only imported when ``ECANDIDAT_REDIS_URL`` is set, so the ``redis`` package is needed only then.
"""

import contextlib
import json
import logging
import os
import queue
import socket
import threading
import uuid
from collections.abc import Callable
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from app.services.platform import notifications, process_cache

log = logging.getLogger(__name__)

CANDIDATES_CHANNEL = "ecandidat:candidates"
CACHE_CHANNEL = "ecandidat:cache"


def new_instance_id() -> str:
    """Unique per process start: host, process id and a random part (process ids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Relay:
    """Publishes this instance's changes and relays the other instances' ones to ``on_candidate``/``on_cache``."""

    def __init__(
        self,
        url: str,
        *,
        instance_id: str | None = None,
        on_candidate: Callable[..., None] = notifications.publish,  # (candidate id, staff_only=True when so)
        on_cache: Callable[[str], None] = process_cache.invalidate_named,
        candidates_channel: str = CANDIDATES_CHANNEL,
        cache_channel: str = CACHE_CHANNEL,
        first_retry_seconds: float = 1.0,
        max_retry_seconds: float = 30.0,
        timeout_seconds: float = 5.0,
        max_queued: int = 10_000,
    ) -> None:
        self.url = url
        self.instance_id = instance_id or new_instance_id()
        self.on_candidate = on_candidate
        self.on_cache = on_cache
        self.candidates_channel = candidates_channel
        self.cache_channel = cache_channel
        self.first_retry_seconds = first_retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.timeout_seconds = timeout_seconds
        # Counters for diagnostics and tests: messages relayed to this instance, own messages skipped, sent.
        self.relayed = 0
        self.skipped_own = 0
        self.sent = 0
        self.ready = threading.Event()  # set while subscribed to both channels
        self._outbox: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=max_queued)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._client: redis.Redis | None = None
        self._outage_logged = False
        self._overflow_logged = False
        self._installed = False

    @classmethod
    def from_settings(cls) -> "Relay | None":
        from app.config import get_settings

        url = get_settings().redis_url
        return cls(url) if url else None

    # --- Life cycle -------------------------------------------------------------------------------------------

    def start(self, *, install: bool = True) -> None:
        """Start both threads; ``install`` makes this process's commit hooks publish through this relay."""
        self._stop.clear()
        self._client = redis.Redis.from_url(
            self.url,
            socket_timeout=self.timeout_seconds,
            socket_connect_timeout=self.timeout_seconds,
            client_name=f"ecandidat-relay:{self.instance_id}",
            health_check_interval=30,  # a silently dropped connection is noticed by the listener's pings
            retry=Retry(NoBackoff(), 0),  # the threads retry themselves, with their own pause
        )
        self._threads = [
            threading.Thread(target=self._listen, name=f"redis-relay-listen:{self.instance_id}", daemon=True),
            threading.Thread(target=self._send_loop, name=f"redis-relay-send:{self.instance_id}", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        if install:
            notifications.set_broadcaster(self.publish_candidate)
            process_cache.set_broadcaster(self.publish_cache)
            self._installed = True
        log.info("live updates relayed through Redis as instance %s", self.instance_id)

    def stop(self) -> None:
        """Stop both threads (``app.on_shutdown``); what is still queued is dropped."""
        if self._installed:  # put back what was there unless another relay took over since
            if (previous := notifications.set_broadcaster(None)) != self.publish_candidate:
                notifications.set_broadcaster(previous)
            if (previous_cache := process_cache.set_broadcaster(None)) != self.publish_cache:
                process_cache.set_broadcaster(previous_cache)
            self._installed = False
        self._stop.set()
        with contextlib.suppress(queue.Full):
            self._outbox.put_nowait(None)  # wake the sender
        for thread in self._threads:
            thread.join(timeout=self.timeout_seconds + 2)
        self._threads = []
        if self._client is not None:
            self._client.close()
            self._client = None
        self.ready.clear()

    def is_running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    # --- Publishing (called from the commit hooks) -----------------------------------------------------------

    def publish_candidate(self, candidate_id: int, staff_only: bool = False) -> None:
        # "staff_only" only when set: a message without it reads as before (every page of the candidate).
        self._queue(
            self.candidates_channel, {"candidate_id": candidate_id} | ({"staff_only": True} if staff_only else {})
        )

    def publish_cache(self, name: str) -> None:
        self._queue(self.cache_channel, {"cache": name})

    def _queue(self, channel: str, payload: dict[str, Any]) -> None:
        message = json.dumps({**payload, "origin": self.instance_id})
        try:
            self._outbox.put_nowait((channel, message))
        except queue.Full:  # Redis has been away for long: newer messages are dropped rather than blocking commits
            if not self._overflow_logged:
                log.warning("Redis relay queue full: cross-instance live updates are being dropped")
                self._overflow_logged = True

    def _send_loop(self) -> None:
        retry = self.first_retry_seconds
        while not self._stop.is_set():
            item = self._outbox.get()
            if item is None or self._client is None:
                continue
            channel, message = item
            while not self._stop.is_set():
                try:
                    self._client.publish(channel, message)
                except (redis.RedisError, OSError) as error:
                    self._outage("send", error)
                    if self._stop.wait(retry):
                        return
                    retry = min(retry * 2, self.max_retry_seconds)
                    if self._outbox.full():  # keep the newest messages: the oldest are the least useful
                        break
                    continue
                self.sent += 1
                self._back("send")
                self._overflow_logged = False
                retry = self.first_retry_seconds
                break

    # --- Listening ---------------------------------------------------------------------------------------------

    def _listen(self) -> None:
        retry = self.first_retry_seconds
        while not self._stop.is_set():
            pubsub = None
            try:
                assert self._client is not None
                pubsub = self._client.pubsub()
                pubsub.subscribe(self.candidates_channel, self.cache_channel)
                self._await_subscribed(pubsub)
                self._back("listen")
                retry = self.first_retry_seconds
                while not self._stop.is_set():
                    message = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.25)  # to see stop soon
                    if message is not None:
                        self._dispatch(message)
            except (redis.RedisError, OSError) as error:
                self.ready.clear()
                if self._stop.is_set():
                    break
                self._outage("listen", error)
                if self._stop.wait(retry):
                    break
                retry = min(retry * 2, self.max_retry_seconds)
            finally:
                self.ready.clear()
                if pubsub is not None:
                    with contextlib.suppress(redis.RedisError, OSError):
                        pubsub.close()

    def _await_subscribed(self, pubsub: redis.client.PubSub) -> None:
        """Read both subscribe confirmations: from then on no message published to the channels is missed."""
        confirmed = 0
        while confirmed < 2 and not self._stop.is_set():
            reply = pubsub.get_message(timeout=self.timeout_seconds)
            if reply is None:
                raise redis.TimeoutError("no subscription confirmation from Redis")
            if reply["type"] == "subscribe":
                confirmed += 1
            else:
                self._dispatch(reply)
        self.ready.set()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
        try:
            payload = json.loads(message["data"])
            origin = payload["origin"]
        except (ValueError, TypeError, KeyError):
            log.warning("ignoring a malformed message on %s: %r", channel, message["data"])
            return
        if origin == self.instance_id:
            self.skipped_own += 1  # this instance called its subscribers when it committed
            return
        try:
            if channel == self.candidates_channel and payload.get("staff_only") is True:
                self.on_candidate(int(payload["candidate_id"]), staff_only=True)
            elif channel == self.candidates_channel:
                self.on_candidate(int(payload["candidate_id"]))
            elif channel == self.cache_channel:
                self.on_cache(str(payload["cache"]))
            else:
                return
        except (ValueError, TypeError, KeyError):
            log.warning("ignoring a malformed message on %s: %r", channel, message["data"])
            return
        except Exception:  # a broken subscriber must not stop the relay
            log.exception("relaying a message on %s failed", channel)
        self.relayed += 1

    # --- Logging an outage once --------------------------------------------------------------------------------

    def _outage(self, side: str, error: Exception) -> None:
        if not self._outage_logged:  # once per outage, whichever thread notices it first
            self._outage_logged = True
            log.warning(
                "Redis unreachable at %s (%s): live updates stay within this instance until it is back; retrying",
                self._safe_url(),
                error,
            )

    def _back(self, side: str) -> None:
        if self._outage_logged:
            self._outage_logged = False
            log.info("Redis reachable again (%s): live updates are relayed between instances", side)

    def _safe_url(self) -> str:
        """The URL without its password, for the log."""
        try:
            parsed = redis.connection.parse_url(self.url)
        except ValueError:
            return "?"
        return str(parsed.get("path") or f"{parsed.get('host', '?')}:{parsed.get('port', 6379)}")


def install(app: Any) -> Relay | None:
    """Run this process's relay with the application (``app.on_startup``/``on_shutdown``) when Redis is set."""
    relay = Relay.from_settings()
    if relay is not None:
        app.on_startup(relay.start)
        app.on_shutdown(relay.stop)
    return relay
