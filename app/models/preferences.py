"""Per-person screen preferences (not business data: never audited)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import json_field, utc_field


class StaffListPreference(SQLModel, table=True):
    """The columns and page size a staff member chose for the application list (issue 8)."""

    staff_id: int = Field(foreign_key="staffmember.id", primary_key=True, ondelete="CASCADE")
    columns: list[str] = json_field(list)
    page_size: int = Field(default=50, ge=1, le=200)
    updated_at: datetime = utc_field(default_now=True)
