"""The background worker: ``python -m app.worker`` delivers mail, runs the scheduled jobs and builds the exports.

Web instances started with ``ECANDIDAT_ROLE=web`` do none of this (``app.roles``): their interpreter is left to
the pages. Each piece of work is claimed through the database, so any number of workers (and ``all`` instances)
run side by side without doing one thing twice: mails by a claim token (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), job runs by the partial unique index "one running run per job", exports by a conditional UPDATE
from QUEUED to RUNNING.

Exports are built here in ``export_workers`` threads, PDFs rendered in the thread that builds the ZIP (a worker
process has no pages to keep responsive). Changes the work commits (a published decision mailed by a job, an
export finished) still reach the open pages of the web instances through the Redis relay when
``ECANDIDAT_REDIS_URL`` is set.

SIGTERM or SIGINT stops the loops after their current pass and waits for the exports being built (not yet
started ones stay QUEUED for the next worker). ``--once`` runs one pass of everything, waits, and exits.
``--check`` exits 0 when this machine's worker has shown signs of life within ``HEARTBEAT_STALE_SECONDS``
(container and systemd health checks).
"""

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlmodel import col, select

from app.config import Settings, get_settings
from app.database_setup import prepare_database
from app.db import get_engine, new_session
from app.models import ExportJob, ExportStatus
from app.services.exports import jobs as export_jobs
from app.services.mail.delivery import MailWorker
from app.services.platform.background import PeriodicLoop
from app.services.platform.jobs import JobScheduler, default_worker

log = logging.getLogger(__name__)

EXPORT_INTERVAL_SECONDS = 2.0  # how soon a queued export starts: the staff member is watching its progress bar
HEARTBEAT_SECONDS = 15.0
HEARTBEAT_STALE_SECONDS = 90.0


class ExportBuilder(PeriodicLoop):
    """Takes the oldest QUEUED exports while it has a free thread; ``run_export_job`` claims each one."""

    name = "export builder"

    def __init__(self, interval: float, threads: int, worker: str | None = None) -> None:
        super().__init__(interval)
        self.threads = threads
        self.worker = worker or default_worker()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="export")
        self._lock = threading.Lock()
        self._building: dict[int, Future[ExportStatus | None]] = {}

    def describe(self) -> str:
        return f"{self.threads} threads"

    def run_pass(self) -> list[int]:
        with self._lock:
            free = self.threads - len(self._building)
            busy = set(self._building)
        if free <= 0:
            return []
        with new_session() as session:
            queued = session.exec(
                select(ExportJob.id)
                .where(ExportJob.status == ExportStatus.QUEUED)
                .order_by(col(ExportJob.created_at), col(ExportJob.id))
                .limit(free + len(busy))
            ).all()
        started = [job_id for job_id in queued if job_id is not None and job_id not in busy][:free]
        with self._lock:
            for job_id in started:
                self._building[job_id] = self._pool.submit(self._build, job_id)
        return started

    def _build(self, job_id: int) -> ExportStatus | None:
        try:
            return export_jobs.run_export_job(job_id, worker=self.worker)  # None: another worker claimed it first
        except Exception:
            log.exception("export %s: the build failed", job_id)
            return None
        finally:
            with self._lock:
                self._building.pop(job_id, None)

    def wait(self) -> None:
        """Let the exports being built finish (blocking); the ones not started stay QUEUED in the database."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class Heartbeat(PeriodicLoop):
    """Touches a file of this machine's data directory: ``--check`` reads its age."""

    name = "heartbeat"

    def __init__(self, path: Path, interval: float = HEARTBEAT_SECONDS) -> None:
        super().__init__(interval)
        self.path = path

    def run_pass(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()


def heartbeat_path(settings: Settings) -> Path:
    return settings.data_dir / "run" / f"worker-{socket.gethostname()}.alive"


class Worker:
    """The loops of one worker process and the Redis relay, started and stopped together."""

    def __init__(self, settings: Settings) -> None:
        self.mail = MailWorker.from_settings(settings)
        self.jobs = JobScheduler.from_settings(settings)
        self.exports = ExportBuilder(EXPORT_INTERVAL_SECONDS, settings.export_workers)
        self.heartbeat = Heartbeat(heartbeat_path(settings))
        self.relay = None
        if settings.redis_url:
            from app.services.platform.notifications_redis import Relay  # needs the redis package: only then

            self.relay = Relay(settings.redis_url)

    @property
    def loops(self) -> list[PeriodicLoop]:
        return [loop for loop in (self.heartbeat, self.mail, self.jobs, self.exports) if loop is not None]

    def run_once(self) -> None:
        """One pass of every loop, then the exports it started are waited for (blocking)."""
        for loop in self.loops:
            loop.run_pass()
        self.exports.wait()

    async def run(self, stop: asyncio.Event) -> None:
        if self.relay is not None:
            self.relay.start()  # this process's commits reach the web instances' open pages
        for loop in self.loops:
            loop.start()
        log.info("worker started: %s", ", ".join(f"{loop.name} ({loop.describe()})" for loop in self.loops))
        await stop.wait()
        log.info("worker stopping: current passes and exports being built finish first")
        for loop in self.loops:
            await loop.stop()
        await asyncio.to_thread(self.exports.wait)
        if self.relay is not None:
            self.relay.stop()
        get_engine().dispose()
        log.info("worker stopped")


async def _serve(worker: Worker) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await worker.run(stop)


def check(settings: Settings) -> int:
    """0 when this machine's worker touched its heartbeat recently, 1 otherwise (saying why)."""
    path = heartbeat_path(settings)
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        print(f"no heartbeat at {path}: the worker has not started", file=sys.stderr)
        return 1
    if age > HEARTBEAT_STALE_SECONDS:
        print(f"the worker's last heartbeat is {age:.0f} s old ({path})", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.worker", description=__doc__.split("\n")[0])
    parser.add_argument("--once", action="store_true", help="one pass of mail, jobs and exports, then exit")
    parser.add_argument("--check", action="store_true", help="exit 0 if this machine's worker is alive")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.check:
        return check(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    prepare_database()
    worker = Worker(settings)
    if args.once:
        worker.run_once()
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(worker))
    return 0


if __name__ == "__main__":
    sys.exit(main())
