"""Scoring grids: a programme's criteria, each member's scores, the combined score of an application, the rule

The new columns are plain ALTER TABLE ADD COLUMN on SQLite (nullable, or a plain default): « application » and
« program » hold data and are not rebuilt.

Revision ID: 339ae270b054
Revises: f3b8a1d6c2e4
Create Date: 2026-12-05 18:20:43.208068
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.models.base

revision: str = "339ae270b054"
down_revision: str | None = "f3b8a1d6c2e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scoringcriterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("label_fr", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("label_en", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("scale_max >= 1", name=op.f("ck_scoringcriterion_scale_positive")),
        sa.CheckConstraint("weight >= 1", name=op.f("ck_scoringcriterion_weight_positive")),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"], name=op.f("fk_scoringcriterion_program_id_program")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoringcriterion")),
    )
    with op.batch_alter_table("scoringcriterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoringcriterion_program_id"), ["program_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("value_tenths", sa.Integer(), nullable=False),
        sa.Column("entered_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value_tenths >= 0", name=op.f("ck_score_value_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["application.id"], name=op.f("fk_score_application_id_application")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["scoringcriterion.id"], name=op.f("fk_score_criterion_id_scoringcriterion")
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staffmember.id"], name=op.f("fk_score_staff_id_staffmember")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
        sa.UniqueConstraint(
            "application_id", "criterion_id", "staff_id", name=op.f("uq_score_application_id_criterion_id_staff_id")
        ),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_criterion_id"), ["criterion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_staff_id"), ["staff_id"], unique=False)

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch_op.create_index("ix_application_program_score", ["program_id", "score"], unique=False)
        batch_op.create_index(batch_op.f("ix_application_score"), ["score"], unique=False)

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("score_rule", sqlmodel.sql.sqltypes.AutoString(length=10), server_default="mean", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("score_rule")

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_score"))
        batch_op.drop_index("ix_application_program_score")
        batch_op.drop_column("score")

    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_staff_id"))
        batch_op.drop_index(batch_op.f("ix_score_criterion_id"))
        batch_op.drop_index(batch_op.f("ix_score_application_id"))

    op.drop_table("score")
    with op.batch_alter_table("scoringcriterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoringcriterion_program_id"))

    op.drop_table("scoringcriterion")
