"""Tag.version: tags are administered from a screen (/admin/etiquettes), and a concurrent edit is refused

Revision ID: c3a9d5e1f7b2
Revises: b7e2c90d4f18
Create Date: 2026-12-05 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3a9d5e1f7b2"
down_revision: str | None = "b7e2c90d4f18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_column("version")
