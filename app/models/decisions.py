"""Decisions ("avis"): configurable decision types on four kinds, refusal reasons, the history."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, utc_field, version_column


class DecisionKind(StrEnum):
    FAVORABLE = "favorable"
    UNFAVORABLE = "unfavorable"
    WAITING_LIST = "waiting_list"  # « Liste complémentaire »: ranked, called when a place frees (AVIS_LISTE_COMP)
    ON_HOLD = "on_hold"  # « Liste d'attente »: kept waiting, unranked, never called (eCandidat's AVIS_LISTE_ATT)
    PRESELECTION = "preselection"


_decisiontype_version = version_column()


class DecisionType(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    kind: DecisionKind = Field(sa_type=enum_type(DecisionKind))
    label_fr: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    # Whether publishing it ends the examination (a preselection does not).
    is_final: bool = Field(default=True)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_decisiontype_version)

    __mapper_args__ = {"version_id_col": _decisiontype_version}  # a concurrent edit is refused


_refusalreason_version = version_column()


class RefusalReason(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label_fr: str = Field(max_length=300)
    label_en: str = Field(max_length=300)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_refusalreason_version)

    __mapper_args__ = {"version_id_col": _refusalreason_version}  # a concurrent edit is refused


class Decision(SQLModel, table=True):
    """One decision on an application: entered, then published ("validé") in a separate step."""

    __table_args__ = (
        sa.CheckConstraint("kind != 'waiting_list' OR waiting_list_rank >= 1", name="waiting_list_has_rank"),
        sa.Index("ix_decision_application_entered", "application_id", "entered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    decision_type_id: int = Field(foreign_key="decisiontype.id")
    kind: DecisionKind = Field(sa_type=enum_type(DecisionKind))
    refusal_reason_id: int | None = Field(default=None, foreign_key="refusalreason.id")
    comment: str = Field(default="", max_length=2000)
    waiting_list_rank: int | None = None
    preselection_at: datetime | None = utc_field()
    preselection_place: str | None = Field(default=None, max_length=300)
    # Set when the decision is an offer made by calling the waiting list.
    is_waiting_list_call: bool = Field(default=False)
    entered_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    entered_at: datetime = utc_field(default_now=True)
    published_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    published_at: datetime | None = utc_field(index=True)
    confirmation_deadline: datetime | None = utc_field()


class OpinionKind(StrEnum):
    """A committee's opinion on an application (« avis de commission »), before the programme's decision."""

    FAVOURABLE = "favourable"
    RESERVED = "reserved"
    UNFAVOURABLE = "unfavourable"


_committeeopinion_version = version_column()


class CommitteeOpinion(SQLModel, table=True):
    """The opinion one examining committee (``ProgramCommittee``) gives on one application; changed in place."""

    __table_args__ = (sa.UniqueConstraint("application_id", "committee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    opinion: OpinionKind = Field(sa_type=enum_type(OpinionKind))
    comment: str = Field(default="", max_length=2000)
    entered_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    entered_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_committeeopinion_version)

    __mapper_args__ = {"version_id_col": _committeeopinion_version}  # two members of one committee: the second is told
