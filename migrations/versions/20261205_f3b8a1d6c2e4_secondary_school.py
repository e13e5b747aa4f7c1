"""secondary_school: the lycées a baccalauréat is chosen from, imported from the Ministry of Education's directory

Revision ID: f3b8a1d6c2e4
Revises: f2a67f64c96c
Create Date: 2026-12-05 18:21:55.231418
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.models.base

revision: str = "f3b8a1d6c2e4"
down_revision: str | None = "f2a67f64c96c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new, empty table: nothing to rebuild on SQLite; the list stays empty until a university imports its file.
    op.create_table(
        "secondary_school",
        sa.Column("uai", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("commune", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("department", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("academy", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("nature", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("imported_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uai", name=op.f("pk_secondary_school")),
    )
    op.create_index(op.f("ix_secondary_school_department"), "secondary_school", ["department"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_secondary_school_department"), table_name="secondary_school")
    op.drop_table("secondary_school")
