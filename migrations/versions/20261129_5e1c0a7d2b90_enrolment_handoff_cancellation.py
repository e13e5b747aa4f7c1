"""enrolment hand-off cancellation

Revision ID: 5e1c0a7d2b90
Revises: 04dcad172ad6
Create Date: 2026-11-29 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import app.models.base

revision: str = "5e1c0a7d2b90"
down_revision: str | None = "04dcad172ad6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enrolmenthandoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_enrolmenthandoff_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enrolmenthandoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolmenthandoff_status"))
        batch_op.drop_column("cancelled_at")
