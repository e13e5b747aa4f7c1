"""Interview slots of a preselection (« entretiens »): the slots a committee publishes and the candidates' bookings."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, utc_field, version_column


class Attendance(StrEnum):
    EXPECTED = "expected"
    PRESENT = "present"
    ABSENT = "absent"


_slot_version = version_column()


class InterviewSlot(SQLModel, table=True):
    """One interview slot of a programme: when, where (a place, a video link or both) and for how many."""

    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("place != '' OR video_link != ''", name="has_place_or_link"),
        sa.Index("ix_interviewslot_program_starts", "program_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    # The committee that examined the programme when the slot was made (the programme's committee at that time).
    committee_id: int | None = Field(default=None, foreign_key="committee.id", index=True)
    starts_at: datetime = utc_field(nullable=False, index=True)
    ends_at: datetime = utc_field(nullable=False)
    place: str = Field(default="", max_length=300)
    video_link: str = Field(default="", max_length=500)
    capacity: int = Field(default=1)
    booking_closes_at: datetime = utc_field(nullable=False)
    is_published: bool = Field(default=False)
    # A slot that had bookings is cancelled, not deleted: its bookings keep their history.
    cancelled_at: datetime | None = utc_field()
    created_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    created_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_slot_version)

    __mapper_args__ = {"version_id_col": _slot_version}  # a concurrent edit is refused


_booking_version = version_column()


class SlotBooking(SQLModel, table=True):
    """A candidate's booking of a slot for one application; a cancelled one is kept (``cancelled_at``)."""

    __table_args__ = (
        # One live booking per application: a double click or two tabs can never hold two.
        sa.Index(
            "uq_slotbooking_live_application",
            "application_id",
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="interviewslot.id", index=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    booked_at: datetime = utc_field(default_now=True)
    cancelled_at: datetime | None = utc_field()
    attendance: Attendance = Field(default=Attendance.EXPECTED, sa_type=enum_type(Attendance))
    attendance_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    reminded_at: datetime | None = utc_field()
    version: int = Field(default=1, sa_column=_booking_version)

    __mapper_args__ = {"version_id_col": _booking_version}  # two staff marking one booking: the second is refused
