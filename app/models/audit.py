"""Audit trail: every staff action and view of a dossier, and every change made by candidates."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, json_field, utc_field


class ActorKind(StrEnum):
    CANDIDATE = "candidate"
    STAFF = "staff"
    SYSTEM = "system"
    INTEGRATION = "integration"


class AuditEvent(SQLModel, table=True):
    __table_args__ = (
        sa.Index("ix_auditevent_candidate_at", "candidate_id", "at"),
        sa.Index("ix_auditevent_application_at", "application_id", "at"),
        # An erasure finds an account's events by the account acting and by the account acted on.
        sa.Index("ix_auditevent_entity", "entity_type", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(default_now=True, index=True)
    actor_kind: ActorKind = Field(sa_type=enum_type(ActorKind))
    actor_account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    actor_staff_id: int | None = Field(default=None, foreign_key="staffmember.id", index=True)
    action: str = Field(max_length=60, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: int | None = None
    candidate_id: int | None = Field(default=None)
    application_id: int | None = Field(default=None)
    before: dict[str, Any] = json_field()
    after: dict[str, Any] = json_field()
    client_address: str | None = Field(default=None, max_length=45)
