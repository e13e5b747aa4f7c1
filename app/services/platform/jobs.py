"""Scheduled jobs: a registry of named functions, runs claimed through the database, a scheduler loop.

The API other modules use::

    def remind(session: Session, now: datetime) -> tuple[int, str]:
        ...  # work in ``session`` (one transaction, rolled back if this raises)
        return processed_count, "short message for the run log"

    register_job("confirmation_reminders", remind, daily_at=time(7, 0), label=N_("Relance avant confirmation"))

- ``register_job(name, func, *, every=None, daily_at=None, label="")``: ``every`` repeats after that interval,
  ``daily_at`` runs once a day at that Paris wall-clock time; neither means "only when launched by hand".
  Register at import time in a module listed in ``JOB_MODULES`` (the scheduler, the CLI and ``/admin/jobs``
  import them).
- ``run_job(name)`` claims the run by inserting a RUNNING ``JobRun``: the partial unique index "one running
  run per job" refuses a second concurrent claim from any instance, and the call then returns None. The
  function runs in its own transaction; the run is recorded SUCCEEDED or FAILED (with the error, the work
  rolled back). A run left RUNNING longer than ``jobs_stale_hours`` (a crashed instance) is INTERRUPTED.
- ``due_jobs(session, now)``: the jobs whose schedule has come since their last run, or that an administrator
  asked for since (« Lancer maintenant » in a web instance, ``ECANDIDAT_ROLE=web``: the request is the audit row
  ``job.run_requested``, and the next worker pass claims and runs the job as it claims a scheduled run). The
  administrators' screen, « Lancer maintenant » included, is ``admin/scheduled_jobs.py``.
- ``JobScheduler``: the server's loop (``jobs_enabled``); ``python -m app.manage jobs list|run NAME``.
"""

import importlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func as sql_func
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.config import Settings, get_settings
from app.db import transaction
from app.i18n import N_
from app.models import AuditEvent, JobRun, JobStatus
from app.services.platform.background import PeriodicLoop
from app.services.platform.errors import NotFound

log = logging.getLogger(__name__)

JobFunction = Callable[[Session, datetime], tuple[int, str]]

# Modules that register jobs when imported; add yours here.
JOB_MODULES: tuple[str, ...] = (
    "app.services.accounts.candidates",
    "app.services.accounts.erasure_job",
    "app.services.applications.jobs",
    "app.services.decisions.jobs",
    "app.services.exports.jobs",
    "app.services.platform.file_purge",
    "app.services.platform.retention",
    "app.services.handoff.apogee",
    "app.services.offer.campaign_schedule",
    "app.services.dossier.records_refresh",
    "app.services.interviews.reminders",
)
MESSAGE_MAX = 2000  # JobRun.message
RUN_REQUESTED = "job.run_requested"  # the audit of « Lancer maintenant »: also the request a worker takes up
REQUEST_LIFETIME = timedelta(days=1)  # a request no worker took up within a day is dropped, not run late


@dataclass(frozen=True)
class Job:
    name: str
    func: JobFunction
    every: timedelta | None = None
    daily_at: time | None = None  # Paris wall-clock time
    label: str = ""  # French msgid shown on /admin/jobs


_registry: dict[str, Job] = {}
_loaded = False


def register_job(
    name: str, func: JobFunction, *, every: timedelta | None = None, daily_at: time | None = None, label: str = ""
) -> Job:
    """Register (or replace: modules may be reloaded) the job ``name``; see the module docstring."""
    if every is not None and daily_at is not None:
        raise ValueError("a job runs either every interval or daily at a time, not both")
    if every is not None and every <= timedelta(0):
        raise ValueError("every must be positive")
    if not name or len(name) > 60:
        raise ValueError("a job name has 1 to 60 characters (JobRun.job)")
    job = Job(name, func, every, daily_at, label or name)
    _registry[name] = job
    return job


def registered_jobs() -> dict[str, Job]:
    """Every job, once the modules of ``JOB_MODULES`` have registered theirs."""
    global _loaded
    if not _loaded:
        for module in JOB_MODULES:
            importlib.import_module(module)
        _loaded = True
    return dict(sorted(_registry.items()))


def get_job(name: str) -> Job:
    job = registered_jobs().get(name)
    if job is None:
        raise NotFound("job")
    return job


def default_worker() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


# --- Schedules ---------------------------------------------------------------------------------------------------


def last_scheduled_moment(job: Job, now: datetime) -> datetime | None:
    """For a daily job, the latest ``daily_at`` in Paris at or before ``now`` (as aware UTC)."""
    if job.daily_at is None:
        return None
    today = clock.paris(now).date()
    for day in (today, today - timedelta(days=1)):
        moment = datetime.combine(day, job.daily_at, tzinfo=clock.PARIS).astimezone(now.tzinfo)
        if moment <= now:
            return moment
    return None  # unreachable: yesterday's moment is always past


def last_requests(session: Session, now: datetime) -> dict[str, datetime]:
    """When an administrator last asked for each job (within ``REQUEST_LIFETIME``)."""
    rows = session.exec(
        select(AuditEvent.at, AuditEvent.after).where(
            AuditEvent.action == RUN_REQUESTED, col(AuditEvent.at) > now - REQUEST_LIFETIME
        )
    ).all()
    latest: dict[str, datetime] = {}
    for at, after in rows:
        name = str(after.get("job", ""))
        latest[name] = max(latest.get(name, at), at)
    return latest


def is_wanted(job: Job, last_started_at: datetime | None, last_requested_at: datetime | None, now: datetime) -> bool:
    """Due by its schedule, or asked for by an administrator since it last started."""
    requested = last_requested_at is not None and (last_started_at is None or last_requested_at > last_started_at)
    return requested or is_due(job, last_started_at, now)


def is_due(job: Job, last_started_at: datetime | None, now: datetime) -> bool:
    """Whether ``job`` should start at ``now``, given when its last run (of any outcome) started."""
    if job.every is not None:
        return last_started_at is None or last_started_at + job.every <= now
    moment = last_scheduled_moment(job, now)
    if moment is None:
        return False  # run by hand only
    return last_started_at is None or last_started_at < moment


def last_starts(session: Session) -> dict[str, datetime]:
    rows = session.exec(select(JobRun.job, sql_func.max(JobRun.started_at)).group_by(JobRun.job)).all()
    return {job: started for job, started in rows if started is not None}


def due_jobs(session: Session, now: datetime) -> list[Job]:
    """The jobs due (or asked for) at ``now``; one still running is not (its run is the one under way)."""
    running = set(session.exec(select(JobRun.job).where(JobRun.status == JobStatus.RUNNING)).all())
    starts, requests = last_starts(session), last_requests(session, now)
    return [
        job
        for job in registered_jobs().values()
        if job.name not in running and is_wanted(job, starts.get(job.name), requests.get(job.name), now)
    ]


# --- Runs --------------------------------------------------------------------------------------------------------


def interrupt_stale_runs(session: Session, now: datetime) -> int:
    """Mark INTERRUPTED the runs RUNNING for longer than ``jobs_stale_hours``: their instance is gone."""
    hours = get_settings().jobs_stale_hours
    result = session.execute(
        update(JobRun)
        .where(col(JobRun.status) == JobStatus.RUNNING, col(JobRun.started_at) < now - timedelta(hours=hours))
        .values(
            status=JobStatus.INTERRUPTED,
            finished_at=now,
            message=f"Interrompue : toujours en cours après {hours} h (instance arrêtée ?).",
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


class _NotDue(Exception):
    pass


def _claim(job: Job, worker: str, now: datetime, *, only_if_due: bool) -> JobRun | None:
    try:
        with transaction() as session:
            run = JobRun(job=job.name, status=JobStatus.RUNNING, started_at=now, worker=worker[:100])
            session.add(run)
            session.flush()
            if only_if_due:
                # Another instance may have run it between our due_jobs() and this claim: look again, now
                # that the index makes every other claim of this job wait for ours.
                previous = session.exec(
                    select(sql_func.max(JobRun.started_at)).where(JobRun.job == job.name, JobRun.id != run.id)
                ).one()
                if not is_wanted(job, previous, last_requests(session, now).get(job.name), now):
                    raise _NotDue
            return run
    except IntegrityError:  # the partial unique index: another run of this job is under way
        return None
    except _NotDue:
        return None


def run_job(name: str, *, worker: str | None = None, only_if_due: bool = False) -> JobRun | None:
    """Run ``name`` now unless a run of it is under way (then None); return the recorded run.

    ``only_if_due`` (the scheduler) also skips it if its schedule is no longer due once claimed.
    Blocking (it runs the job): pages call it through ``run.io_bound``, the scheduler in a thread.
    """
    job = get_job(name)
    worker = worker or default_worker()
    now = clock.now()
    with transaction() as session:
        if interrupted := interrupt_stale_runs(session, now):
            log.warning("stale job runs interrupted: %s", interrupted)
    run = _claim(job, worker, now, only_if_due=only_if_due)
    if run is None:
        log.info("job %s is already running elsewhere: skipped", name)
        return None
    status, processed = JobStatus.SUCCEEDED, 0
    try:
        with transaction() as session:  # the job's work: committed together, or rolled back on error
            processed, message = job.func(session, now)
    except Exception as exc:
        log.exception("job %s failed", name)
        status, message = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"
    with transaction() as session:
        # Only our own RUNNING row: if it was interrupted meanwhile, that verdict stands.
        result = session.execute(
            update(JobRun)
            .where(col(JobRun.id) == run.id, col(JobRun.status) == JobStatus.RUNNING)
            .values(status=status, finished_at=clock.now(), processed=processed, message=message[:MESSAGE_MAX])
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            log.warning("job %s: run %s was interrupted before it finished", name, run.id)
        recorded = session.get(JobRun, run.id)
    return recorded


def run_due_jobs(*, worker: str | None = None) -> list[JobRun]:
    """One scheduler pass: run every due job, one after the other."""
    with transaction() as session:
        due = due_jobs(session, clock.now())
    runs = []
    for job in due:
        run = run_job(job.name, worker=worker, only_if_due=True)
        if run is not None:
            runs.append(run)
    return runs


# --- Labels (the CLI and the administrators' screen) -------------------------------------------------------------


SCHEDULE_LABELS = {
    "daily": N_("Tous les jours à {time}"),
    "every": N_("Toutes les {minutes} minutes"),
    "manual": N_("Lancement manuel uniquement"),
}
STATUS_LABELS = {
    JobStatus.RUNNING: N_("En cours"),
    JobStatus.SUCCEEDED: N_("Réussie"),
    JobStatus.FAILED: N_("Échec"),
    JobStatus.INTERRUPTED: N_("Interrompue"),
}


def schedule_label(job: Job) -> tuple[str, dict[str, str | int]]:
    """The French msgid describing the schedule, and its parameters."""
    if job.daily_at is not None:
        return SCHEDULE_LABELS["daily"], {"time": job.daily_at.strftime("%H:%M")}
    if job.every is not None:
        return SCHEDULE_LABELS["every"], {"minutes": int(job.every.total_seconds() // 60)}
    return SCHEDULE_LABELS["manual"], {}


# --- The scheduler loop ---------------------------------------------------------------------


class JobScheduler(PeriodicLoop):
    """The server's job loop: every ``interval`` seconds, run the due jobs in a thread."""

    name = "job scheduler"

    def __init__(self, interval: float, worker: str | None = None) -> None:
        super().__init__(interval)
        self.worker = worker or default_worker()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "JobScheduler | None":
        settings = settings or get_settings()
        if not settings.jobs_enabled:
            return None
        return cls(settings.jobs_interval_seconds)

    def describe(self) -> str:
        return self.worker

    def run_pass(self) -> object:
        return run_due_jobs(worker=self.worker)
