"""The register of purges the DPO's screen shows (#21 item 4): each run of a retention job, when, and what it did.

The retention jobs are those the privacy page's promises name (``platform/retention.PROMISES``: a job added there
for a new promise joins the register by itself) and the purges of files and of finished exports. Their runs come
from the job history (``JobRun``: status, count of rows processed, and the message with the count per step), which
``purge_expired_data`` keeps ``job_run_retention_days``, always with the latest run of each job.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models import JobRun, JobStatus
from app.services.accounts.staff_roles import require_role
from app.services.admin.audit_search import DPO_ROLES
from app.services.platform.actors import Actor
from app.services.platform.jobs import registered_jobs
from app.services.platform.retention import PROMISES

# Purges the privacy page does not state as a duration but that erase data all the same.
OTHER_PURGES = ("exports_purge", "purge_files")


@dataclass(frozen=True)
class PurgeRun:
    id: int
    job: str
    label: str  # French msgid (the job's label)
    started_at: datetime
    finished_at: datetime | None
    status: JobStatus
    processed: int
    message: str


def retention_jobs() -> tuple[str, ...]:
    """The names of the jobs whose runs the register lists, in a stable order."""
    names = dict.fromkeys([*(promise.job for promise in PROMISES), *OTHER_PURGES])
    return tuple(sorted(name for name in names if name in registered_jobs()))


def purge_register(session: Session, *, actor: Actor, limit: int = 100) -> list[PurgeRun]:
    """The latest runs of the retention jobs, newest first."""
    require_role(session, actor=actor, roles=DPO_ROLES)
    jobs = registered_jobs()
    runs = session.exec(
        select(JobRun)
        .where(col(JobRun.job).in_(retention_jobs()))
        .order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())
        .limit(max(1, min(limit, 500)))
    ).all()
    return [
        PurgeRun(
            id=run.id or 0,
            job=run.job,
            label=jobs[run.job].label,
            started_at=run.started_at,
            finished_at=run.finished_at,
            status=run.status,
            processed=run.processed,
            message=run.message,
        )
        for run in runs
    ]
