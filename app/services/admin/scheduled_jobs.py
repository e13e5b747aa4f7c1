"""« Tâches planifiées » (/admin/jobs), administrators only: every job with its latest runs, and « Lancer
maintenant ». The registry, the runs and the scheduler are ``platform/jobs.py``'s.
"""

from dataclasses import dataclass

import sqlalchemy as sa
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
    """Every job with its latest runs, for administrators: one query for all the jobs' runs."""
    require_role(session, actor=actor, roles=[StaffRole.ADMINISTRATOR])
    newest_first = (col(JobRun.started_at).desc(), col(JobRun.id).desc())
    rank = sa.func.row_number().over(partition_by=col(JobRun.job), order_by=newest_first)
    latest = select(col(JobRun.id).label("id"), rank.label("rank")).subquery()
    rows = session.exec(
        select(JobRun)
        .join(latest, latest.c.id == JobRun.id)
        .where(latest.c.rank <= runs_per_job)
        .order_by(*newest_first)
    ).all()
    by_job: dict[str, list[JobRun]] = {}
    for run in rows:
        by_job.setdefault(run.job, []).append(run)
    return [JobOverview(job, by_job.get(job.name, [])) for job in registered_jobs().values()]


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
