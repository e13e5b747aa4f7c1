"""A scheduled switch to a prepared campaign: when, with which shift, for which staff role, and why it was refused

Revision ID: e5a7c3f19b62
Revises: b8d1f0e2c4a9
Create Date: 2026-12-05 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "e5a7c3f19b62"
down_revision: str | None = "b8d1f0e2c4a9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on SQLite: a default written as SQL (sa.text) would make Alembic rebuild the table,
    # and dropping « campaign » fails while candidates, programmes and accounts point at it (foreign keys on).
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("switch_scheduled_at", app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("switch_shift_mode", sa.String(length=20), server_default="start_dates", nullable=False)
        )
        batch_op.add_column(sa.Column("switch_shift_amount", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("switch_scheduled_by_role_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("switch_refusal", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("switch_refusal")
        batch_op.drop_column("switch_scheduled_by_role_id")
        batch_op.drop_column("switch_shift_amount")
        batch_op.drop_column("switch_shift_mode")
        batch_op.drop_column("switch_scheduled_at")
