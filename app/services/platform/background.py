"""A loop of the server process that runs one blocking pass in a thread every few seconds (mail, jobs)."""

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class PeriodicLoop(ABC):
    """Subclasses give ``name`` and ``run_pass``; the pass runs in a thread so no session spans an await."""

    name = "loop"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    def run_pass(self) -> object:
        """One blocking pass (delivering due mails, running due jobs)."""

    def describe(self) -> str:
        return self.name

    async def run(self) -> None:
        log.info("%s started (%s)", self.name, self.describe())
        while not self._stop.is_set():
            try:
                await asyncio.to_thread(self.run_pass)
            except Exception:
                log.exception("%s pass failed", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)

    def start(self) -> None:
        """Start the loop on the running event loop (``app.on_startup``)."""
        self._stop = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        """Stop after the current pass; a pass still running is left to finish in its thread."""
        self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=5)
            except TimeoutError:
                self._task.cancel()
            self._task = None
