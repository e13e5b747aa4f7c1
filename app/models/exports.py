"""Exports built in the background, and the tokens of integration accounts (REST API)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.accounts import StaffRole
from app.models.base import StrEnum, enum_type, json_field, utc_field


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(SQLModel, table=True):
    """A spreadsheet or ZIP asked for by a member of staff, or a candidate's copy of their data (« Télécharger mes
    données »), built by a worker with its progress recorded."""

    # Exactly one owner: a member of staff, or a candidate's account.
    __table_args__ = (sa.CheckConstraint("(staff_id IS NULL) <> (account_id IS NULL)", name="one_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int | None = Field(default=None, foreign_key="staffmember.id", index=True)
    # A candidate's own data; their account's erasure takes the job with it.
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True, ondelete="CASCADE")
    # The single-use mailed link that downloads a candidate's finished export (its secret is in the mail only).
    download_token_id: int | None = Field(default=None, foreign_key="accounttoken.id", ondelete="SET NULL")
    # The role it was asked under: the worker re-applies that role's scope (no foreign key: a role may be
    # removed later, the export stays in the staff member's history).
    role_assignment_id: int | None = None
    # "xlsx", "csv", "dossiers_zip", "piece_zip", "audit_csv", "personal_data"...
    kind: str = Field(max_length=30)
    # The list's filters, columns and extras, as the screen sent them.
    request: dict[str, Any] = json_field(dict)
    status: ExportStatus = Field(default=ExportStatus.QUEUED, sa_type=enum_type(ExportStatus), index=True)
    total: int = Field(default=0)
    done: int = Field(default=0)
    file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    filename: str = Field(default="", max_length=200)
    error: str = Field(default="", max_length=2000)
    claimed_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = utc_field(default_now=True)
    started_at: datetime | None = utc_field()
    finished_at: datetime | None = utc_field()


class IntegrationToken(SQLModel, table=True):
    """A bearer token of an integration account, limited to a scope like a staff role."""

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=200)
    # SHA-256 of the token: the token itself is shown once, at creation.
    token_hash: str = Field(max_length=64, unique=True)
    role: StaffRole = Field(sa_type=enum_type(StaffRole))
    centre_id: int | None = Field(default=None, foreign_key="applicationcentre.id")
    committee_id: int | None = Field(default=None, foreign_key="committee.id")
    created_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    created_at: datetime = utc_field(default_now=True)
    expires_at: datetime | None = utc_field()
    revoked_at: datetime | None = utc_field()
    last_used_at: datetime | None = utc_field()
