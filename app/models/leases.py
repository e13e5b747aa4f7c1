"""Editing leases ("verrous"): one holder at a time per resource, expiring on their own."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.audit import ActorKind
from app.models.base import enum_type, utc_field


class EditLease(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    resource: str = Field(max_length=100, unique=True)  # e.g. "candidate:42"
    holder_kind: ActorKind = Field(sa_type=enum_type(ActorKind))
    holder_id: int
    holder_label: str = Field(max_length=200)
    client_id: str = Field(max_length=64)  # the browser page holding it
    acquired_at: datetime = utc_field(default_now=True)
    expires_at: datetime = utc_field(nullable=False, index=True)
