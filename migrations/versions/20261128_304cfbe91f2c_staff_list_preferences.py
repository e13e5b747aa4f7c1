"""StaffListPreference: the columns and page size each staff member chose for the application list (issue 8)

Revision ID: 304cfbe91f2c
Revises: d3ded6df8805
Create Date: 2026-11-28 22:20:14.845515
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import app.models.base

revision: str = "304cfbe91f2c"
down_revision: str | None = "d3ded6df8805"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stafflistpreference",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("page_size", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staffmember.id"],
            name=op.f("fk_stafflistpreference_staff_id_staffmember"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_stafflistpreference")),
    )


def downgrade() -> None:
    op.drop_table("stafflistpreference")
