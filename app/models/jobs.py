"""Runs of scheduled jobs; a partial unique index lets only one run of a job be under way."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, utc_field


class JobStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class JobRun(SQLModel, table=True):
    __table_args__ = (
        sa.Index(
            "uq_jobrun_one_running",
            "job",
            unique=True,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        ),
        sa.Index("ix_jobrun_job_started", "job", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=60)
    status: JobStatus = Field(default=JobStatus.RUNNING, sa_type=enum_type(JobStatus))
    started_at: datetime = utc_field(default_now=True)
    finished_at: datetime | None = utc_field()
    worker: str = Field(default="", max_length=100)
    processed: int = Field(default=0)
    message: str = Field(default="", max_length=2000)
