"""Application.return_reminder_for: the return date the last reminder announced (one reminder per date)

Revision ID: af86350cbee4
Revises: c1ecc42e18ea
Create Date: 2026-11-28 21:39:19.670587
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import app.models.base

revision: str = "af86350cbee4"
down_revision: str | None = "c1ecc42e18ea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_reminder_for", app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("return_reminder_for")
