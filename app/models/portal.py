"""What the central office sets from the browser: parameters, the banner shown to candidates, the FAQ."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, json_field, utc_field, version_column

_parameter_version = version_column()


class PortalParameter(SQLModel, table=True):
    """One parameter's value set by staff, overriding the ``ECANDIDAT_*`` default of the same name."""

    name: str = Field(primary_key=True, max_length=60)
    # {"value": ...}: a JSON object so that every type (int, bool, text) is stored the same way.
    value: dict[str, Any] = json_field(dict)
    updated_at: datetime = utc_field(default_now=True)
    updated_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    version: int = Field(default=1, sa_column=_parameter_version)

    __mapper_args__ = {"version_id_col": _parameter_version}  # a concurrent edit is refused


class AnnouncementLevel(StrEnum):
    INFORMATION = "information"
    MAINTENANCE = "maintenance"


_announcement_version = version_column()


class Announcement(SQLModel, table=True):
    """A banner shown on candidates' pages between two moments (information or maintenance)."""

    __table_args__ = (
        sa.CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR starts_at < ends_at", name="ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    level: AnnouncementLevel = Field(default=AnnouncementLevel.INFORMATION, sa_type=enum_type(AnnouncementLevel))
    message_fr: str = Field(max_length=1000)
    message_en: str = Field(max_length=1000)
    starts_at: datetime | None = utc_field()
    ends_at: datetime | None = utc_field()
    # Shown to staff too (a maintenance concerns everybody).
    show_to_staff: bool = Field(default=False)
    is_active: bool = Field(default=True)
    created_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_announcement_version)

    __mapper_args__ = {"version_id_col": _announcement_version}  # a concurrent edit is refused


_faq_version = version_column()


class FaqEntry(SQLModel, table=True):
    """A question and its answer in the candidates' FAQ, in both languages."""

    id: int | None = Field(default=None, primary_key=True)
    question_fr: str = Field(max_length=500)
    question_en: str = Field(max_length=500)
    answer_fr: str = Field(sa_type=sa.Text())
    answer_en: str = Field(sa_type=sa.Text())
    display_order: int = Field(default=0)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_faq_version)

    __mapper_args__ = {"version_id_col": _faq_version}  # a concurrent edit is refused
