"""Applications, their pieces and files, answers to questions, the candidate's answer, notes and tags."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, utc_field, version_column
from app.models.decisions import DecisionKind


class DossierStatus(StrEnum):
    PENDING = "pending"  # En attente: not yet received
    RECEIVED = "received"  # Réceptionné
    INCOMPLETE = "incomplete"  # Incomplet
    COMPLETE = "complete"  # Complet


class ProcessingType(StrEnum):
    COMMITTEE = "committee"  # examined by the committee
    DIRECT_ADMISSION = "direct_admission"  # admitted by right once a manager validates it
    UNDECIDED = "undecided"


class AnswerKind(StrEnum):
    CONFIRMED = "confirmed"
    PROVISIONAL = "provisional"  # accepted while waiting for better offers (campaign option)
    WITHDRAWN = "withdrawn"


_application_version = version_column()


class Application(SQLModel, table=True):
    """A candidate's application ("candidature") to one programme.

    The status fields change only through the state machine in ``app.services``; the
    ``last_decision_*`` and ``answer`` columns mirror the latest Decision and CandidateAnswer
    so that staff lists filter and sort on indexed columns.
    """

    __table_args__ = (
        # One live (not cancelled) application per candidate and programme.
        sa.Index(
            "uq_application_live_per_program",
            "candidate_id",
            "program_id",
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        ),
        sa.Index("ix_application_program_status", "program_id", "dossier_status"),
        sa.Index("ix_application_committee_status", "committee_id", "dossier_status"),
        sa.Index("ix_application_centre_status", "centre_id", "dossier_status"),
        sa.Index("ix_application_program_decision", "program_id", "last_decision_kind"),
        sa.Index("ix_application_transmitted", "transmitted_at"),
        # The SVA filter: undecided (unpublished) applications by transmission date.
        sa.Index("ix_application_sva", "last_decision_published", "transmitted_at"),
        # The ranking and the staff list's « Note » column: a programme's applications by combined score.
        sa.Index("ix_application_program_score", "program_id", "score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    program_id: int = Field(foreign_key="program.id")
    # Copies of the programme's committee and centre, for scoped, indexed staff lists.
    committee_id: int = Field(foreign_key="committee.id")
    centre_id: int = Field(foreign_key="applicationcentre.id")
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    dossier_status: DossierStatus = Field(default=DossierStatus.PENDING, sa_type=enum_type(DossierStatus))
    dossier_status_at: datetime = utc_field(default_now=True)
    processing_type: ProcessingType = Field(default=ProcessingType.COMMITTEE, sa_type=enum_type(ProcessingType))
    created_at: datetime = utc_field(default_now=True)
    transmitted_at: datetime | None = utc_field()
    received_at: datetime | None = utc_field()
    complete_at: datetime | None = utc_field()
    cancelled_at: datetime | None = utc_field()
    cancelled_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    # Per-candidate overrides of the programme's calendar.
    return_by_override: datetime | None = utc_field()
    confirmation_by_override: datetime | None = utc_field()
    # Mirrors of the latest decision and answer.
    last_decision_kind: DecisionKind | None = Field(default=None, sa_type=enum_type(DecisionKind))
    last_decision_published: bool = Field(default=False)
    waiting_list_rank: int | None = Field(default=None)
    confirmation_deadline: datetime | None = utc_field()
    answer: AnswerKind | None = Field(default=None, sa_type=enum_type(AnswerKind), index=True)
    answer_at: datetime | None = utc_field()
    # The combined score /20 (app.services.scoring), recomputed with every score; NULL while nobody scored.
    score: float | None = Field(default=None, index=True)
    called_from_waiting_list_at: datetime | None = utc_field()
    # The return date the last "return date approaching" reminder announced: one reminder per return date.
    return_reminder_for: datetime | None = utc_field()
    # The confirmation deadline the last "confirm before" reminder announced: one reminder per deadline.
    confirmation_reminder_for: datetime | None = utc_field()
    # Set when its answers, pieces, notes and comments were erased (app/services/accounts/erasure.py): the row
    # stays for the statistics (programme, decision, answer, dates).
    anonymised_at: datetime | None = utc_field()
    version: int = Field(default=1, sa_column=_application_version)

    __mapper_args__ = {"version_id_col": _application_version}

    @property
    def is_live(self) -> bool:
        return self.cancelled_at is None


class CandidateAnswer(SQLModel, table=True):
    """The candidate's answer to an offer: confirmed, provisionally accepted or withdrawn; a history."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    kind: AnswerKind = Field(sa_type=enum_type(AnswerKind))
    at: datetime = utc_field(default_now=True)
    by_account_id: int | None = Field(default=None, foreign_key="account.id")
    by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    automatic: bool = Field(default=False)  # withdrawn by the deadline job
    reason: str = Field(default="", max_length=1000)


class DocumentStatus(StrEnum):
    PENDING = "pending"  # En attente (missing)
    SUBMITTED = "submitted"  # Transmise
    VALIDATED = "validated"  # Validée
    REFUSED = "refused"  # Refusée
    NOT_APPLICABLE = "not_applicable"  # Non concerné


class FileKind(StrEnum):
    UPLOAD = "upload"
    MERGED = "merged"
    LETTER = "letter"
    TEMPLATE = "template"
    SIGNATURE = "signature"
    EXPORT = "export"


class StoredFile(SQLModel, table=True):
    """A file in the file store, under a generated name; the client's name is kept for display only."""

    id: int | None = Field(default=None, primary_key=True)
    storage_key: str = Field(max_length=100, unique=True)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(ge=0)
    media_type: str = Field(max_length=100)  # sniffed from the bytes
    original_name: str = Field(default="", max_length=255)
    page_count: int | None = None
    kind: FileKind = Field(sa_type=enum_type(FileKind))
    owner_candidate_id: int | None = Field(default=None, foreign_key="candidate.id", index=True)
    created_at: datetime = utc_field(default_now=True)


_submitteddocument_version = version_column()


class SubmittedDocument(SQLModel, table=True):
    """A piece as provided for one application; a shared piece is referenced by several of them."""

    __table_args__ = (sa.UniqueConstraint("application_id", "required_document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    required_document_id: int = Field(foreign_key="requireddocument.id", index=True)
    status: DocumentStatus = Field(default=DocumentStatus.PENDING, sa_type=enum_type(DocumentStatus))
    status_at: datetime = utc_field(default_now=True)
    comment: str = Field(default="", max_length=2000)  # why it was refused
    # Indexed: "is this file still used?" (an erasure, the file purge) looks pieces up by their files.
    merged_file_id: int | None = Field(default=None, foreign_key="storedfile.id", index=True)
    reviewed_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    version: int = Field(default=1, sa_column=_submitteddocument_version)

    __mapper_args__ = {"version_id_col": _submitteddocument_version}


class SubmittedDocumentFile(SQLModel, table=True):
    """The files of a piece, in the order the candidate set; they are merged into one PDF."""

    submitted_document_id: int = Field(foreign_key="submitteddocument.id", primary_key=True, ondelete="CASCADE")
    stored_file_id: int = Field(foreign_key="storedfile.id", primary_key=True, index=True)  # by file, too
    position: int = Field(default=0)


TEXT_ANSWER_LIMIT = 5000  # the longest text answer: the column's length, and the most a question may allow


class QuestionAnswer(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("application_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    question_id: int = Field(foreign_key="question.id")
    text_value: str | None = Field(default=None, max_length=TEXT_ANSWER_LIMIT)
    bool_value: bool | None = None
    answered_at: datetime = utc_field(default_now=True)


class Note(SQLModel, table=True):
    """A staff note ("post-it") on an application."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    author_staff_id: int = Field(foreign_key="staffmember.id")
    body: str = Field(max_length=5000)
    created_at: datetime = utc_field(default_now=True)


_tag_version = version_column()


class Tag(SQLModel, table=True):
    """A label staff put on applications: institution-wide (no centre) or a centre's (/admin/etiquettes)."""

    __table_args__ = (sa.UniqueConstraint("centre_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int | None = Field(default=None, foreign_key="applicationcentre.id", index=True)
    label: str = Field(max_length=50)
    colour: str = Field(default="#3949ab", max_length=7)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_tag_version)

    __mapper_args__ = {"version_id_col": _tag_version}  # a concurrent edit is refused


class ApplicationTag(SQLModel, table=True):
    application_id: int = Field(foreign_key="application.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, index=True)


class HandoffStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class EnrolmentHandoff(SQLModel, table=True):
    """A confirmed candidate pushed to the student information system ("OPI").

    ``cancelled_at`` is set when the confirmation it carries is withdrawn (eCandidat's #117). A hand-off never
    delivered is then CANCELLED at once; one already delivered stays PENDING until the system has been told of the
    cancellation, then becomes CANCELLED (see app/services/handoff/enrolment.py).
    """

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", unique=True)
    status: HandoffStatus = Field(default=HandoffStatus.PENDING, sa_type=enum_type(HandoffStatus), index=True)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = utc_field(default_now=True)
    sent_at: datetime | None = utc_field()
    cancelled_at: datetime | None = utc_field()
