"""A programme's scoring grid (« grille d'évaluation ») and the scores committee members give each application.

Each member's scores are kept (one row per application, criterion and member); the combined score the staff list
sorts on is stored on ``Application.score`` and recomputed by ``app.services.scoring`` whenever a score changes.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, utc_field, version_column


class ScoreRule(StrEnum):
    """How the members' totals of one application combine into its score (``Program.score_rule``)."""

    MEAN = "mean"
    MEDIAN = "median"


# Scores are typed with at most one decimal (« 14,5 / 20 »): stored as whole tenths, exact on both databases.
TENTHS = 10

_criterion_version = version_column()


class ScoringCriterion(SQLModel, table=True):
    """One criterion of a programme's grid: its weight in the total and the maximum of its scale."""

    __table_args__ = (
        sa.CheckConstraint("weight >= 1", name="weight_positive"),
        sa.CheckConstraint("scale_max >= 1", name="scale_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    weight: int = Field(default=1)
    scale_max: int = Field(default=20)
    position: int = Field(default=0)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_criterion_version)

    __mapper_args__ = {"version_id_col": _criterion_version}  # a concurrent edit is refused, not overwritten


class Score(SQLModel, table=True):
    """One member's score of one application on one criterion, in tenths of a point (0 … scale × 10)."""

    __table_args__ = (
        sa.UniqueConstraint("application_id", "criterion_id", "staff_id"),
        sa.CheckConstraint("value_tenths >= 0", name="value_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    criterion_id: int = Field(foreign_key="scoringcriterion.id", index=True)
    staff_id: int = Field(foreign_key="staffmember.id", index=True)
    value_tenths: int
    entered_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)
