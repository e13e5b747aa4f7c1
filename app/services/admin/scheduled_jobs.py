"""« Tâches planifiées » (/admin/jobs), administrators only: every job with its latest runs, and « Lancer
maintenant ». The registry, the runs and the scheduler are ``platform/jobs.py``'s.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.db import transaction
from app.models import JobRun, StaffRole
from app.roles import runs_background_work
from app.services.accounts.staff_roles import require_role
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.jobs import RUN_REQUESTED, Job, default_worker, get_job, registered_jobs, run_job


@dataclass(frozen=True)
class JobOverview:
    job: Job
    runs: list[JobRun]  # newest first


def list_jobs(session: Session, *, actor: Actor, runs_per_job: int = 5) -> list[JobOverview]:
    """Every job with its latest runs, for administrators."""
    require_role(session, actor=actor, roles=[StaffRole.ADMINISTRATOR])
    overview = []
    for job in registered_jobs().values():
        runs = session.exec(
            select(JobRun)
            .where(JobRun.job == job.name)
            .order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())
            .limit(runs_per_job)
        ).all()
        overview.append(JobOverview(job, list(runs)))
    return overview


@dataclass(frozen=True)
class LeftToWorker:
    """« Lancer maintenant » in a web instance: recorded, and run by the next pass of a worker."""

    job: str


def run_job_now(*, actor: Actor, name: str) -> JobRun | LeftToWorker | None:
    """An administrator launches a job by hand: checked and audited, then run here (None if already running) —
    or, in a web instance (``ECANDIDAT_ROLE=web``, which runs no background work), left to the worker, which
    finds the request in ``due_jobs``.

    Opens its own transactions like ``run_job``: the request is recorded even if the job then fails.
    """
    with transaction() as session:
        require_role(session, actor=actor, roles=[StaffRole.ADMINISTRATOR], write=True)
        get_job(name)
        audit(session, actor=actor, action=RUN_REQUESTED, entity_type="job", entity_id=None, after={"job": name})
    if not runs_background_work():
        return LeftToWorker(name)
    return run_job(name, worker=f"admin:{actor.staff_id}@{default_worker()}")
