"""Interview slots of a preselection and the candidates' bookings (#22 item 3): two new tables, no data moved

Revision ID: f2a67f64c96c
Revises: e5a7c3f19b62
Create Date: 2026-12-05 18:20:37.865384
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.models.base

revision: str = "f2a67f64c96c"
down_revision: str | None = "e5a7c3f19b62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interviewslot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("video_link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booking_closes_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("place != '' OR video_link != ''", name=op.f("ck_interviewslot_has_place_or_link")),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_interviewslot_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_interviewslot_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_interviewslot_committee_id_committee")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_staff_id"], ["staffmember.id"], name=op.f("fk_interviewslot_created_by_staff_id_staffmember")
        ),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"], name=op.f("fk_interviewslot_program_id_program")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviewslot")),
    )
    with op.batch_alter_table("interviewslot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interviewslot_committee_id"), ["committee_id"], unique=False)
        batch_op.create_index("ix_interviewslot_program_starts", ["program_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviewslot_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "slotbooking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("booked_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "attendance",
            sa.Enum("expected", "present", "absent", name="attendance", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("attendance_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["application.id"], name=op.f("fk_slotbooking_application_id_application")
        ),
        sa.ForeignKeyConstraint(
            ["attendance_by_staff_id"],
            ["staffmember.id"],
            name=op.f("fk_slotbooking_attendance_by_staff_id_staffmember"),
        ),
        sa.ForeignKeyConstraint(["slot_id"], ["interviewslot.id"], name=op.f("fk_slotbooking_slot_id_interviewslot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slotbooking")),
    )
    with op.batch_alter_table("slotbooking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slotbooking_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_slotbooking_slot_id"), ["slot_id"], unique=False)
        batch_op.create_index(
            "uq_slotbooking_live_application",
            ["application_id"],
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("slotbooking", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_slotbooking_live_application",
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_slotbooking_slot_id"))
        batch_op.drop_index(batch_op.f("ix_slotbooking_application_id"))

    op.drop_table("slotbooking")
    with op.batch_alter_table("interviewslot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviewslot_starts_at"))
        batch_op.drop_index("ix_interviewslot_program_starts")
        batch_op.drop_index(batch_op.f("ix_interviewslot_committee_id"))

    op.drop_table("interviewslot")
