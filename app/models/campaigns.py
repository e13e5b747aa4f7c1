"""Campaigns: one academic year's intake; exactly one is active at a time."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import json_field, utc_field, version_column

_campaign_version = version_column()


class Campaign(SQLModel, table=True):
    __table_args__ = (
        # At most one active campaign: a partial unique index on the flag, valid on SQLite and PostgreSQL.
        sa.Index(
            "uq_campaign_single_active",
            "is_active",
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        ),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    # After this moment candidates can no longer sign in (eCandidat's "date de fin de candidature").
    sign_in_closes_at: datetime | None = utc_field()
    is_active: bool = Field(default=False)
    activated_at: datetime | None = utc_field()
    archived_at: datetime | None = utc_field()
    previous_campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    # Mon Master's rule: a definitive acceptance withdraws the other applications (off by default).
    definitive_acceptance: bool = Field(default=False)
    # A switch to this (prepared) campaign scheduled by the central office (app/services/offer/campaign_schedule.py):
    # when, with which shift of the calendars, and on behalf of which staff role (checked again at that moment).
    switch_scheduled_at: datetime | None = utc_field()
    switch_shift_mode: str = Field(default="start_dates", max_length=20)
    switch_shift_amount: int = Field(default=0)
    switch_scheduled_by_role_id: int | None = Field(default=None)  # no foreign key: a deleted role is a refusal
    # Why the scheduled switch was refused when its time came: {"message": French msgid, "params": {...}}.
    switch_refusal: dict = json_field(dict)
    created_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_campaign_version)

    __mapper_args__ = {"version_id_col": _campaign_version}  # a concurrent edit is refused
