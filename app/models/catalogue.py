"""The offer: application centres, committees, diploma types, programmes with their calendar,
required pieces and questions."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, utc_field, version_column


class AlertRecipients(StrEnum):
    NOBODY = "nobody"
    CONTACT = "contact"
    MANAGERS = "managers"


_centre_version = version_column()


class ApplicationCentre(SQLModel, table=True):
    """A faculty or institute ("composante") that receives applications."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    alert_recipients: AlertRecipients = Field(default=AlertRecipients.CONTACT, sa_type=enum_type(AlertRecipients))
    max_applications: int | None = Field(default=None, ge=1)
    info_url: str | None = Field(default=None, max_length=500)
    # Whether the central office lets this centre's managers edit its offer.
    managers_edit_offer: bool = Field(default=False)
    # The default calendar proposed to a new programme of this centre (Paris time set by staff, stored UTC).
    default_window_opens_at: datetime | None = utc_field()
    default_window_closes_at: datetime | None = utc_field()
    default_return_by: datetime | None = utc_field()
    default_jury_on: datetime | None = utc_field()
    default_publication_on: datetime | None = utc_field()
    default_confirmation_by: datetime | None = utc_field()
    is_active: bool = Field(default=True)
    created_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_centre_version)

    __mapper_args__ = {"version_id_col": _centre_version}  # a concurrent edit is refused


_committee_version = version_column()


class Committee(SQLModel, table=True):
    """A committee ("commission") examines the applications to its programmes and signs the letters."""

    __table_args__ = (sa.UniqueConstraint("centre_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="applicationcentre.id", index=True)
    code: str = Field(max_length=20)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    address_line1: str = Field(default="", max_length=100)
    address_line2: str = Field(default="", max_length=100)
    address_line3: str = Field(default="", max_length=100)
    postcode: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="FR", max_length=2)
    signatory_name: str = Field(default="", max_length=200)
    signatory_title: str = Field(default="", max_length=200)
    signature_file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    letters_downloadable: bool = Field(default=True)
    letters_attached_to_mail: bool = Field(default=False)
    alert_on_new_application: bool = Field(default=False)
    alert_on_transmission: bool = Field(default=True)
    alert_on_cancellation: bool = Field(default=False)
    alert_on_withdrawal: bool = Field(default=True)
    alert_on_waiting_list_call: bool = Field(default=True)
    is_active: bool = Field(default=True)
    created_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_committee_version)

    __mapper_args__ = {"version_id_col": _committee_version}  # a concurrent edit is refused


_diplomatype_version = version_column()


class DiplomaType(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    display_order: int = Field(default=0)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_diplomatype_version)

    __mapper_args__ = {"version_id_col": _diplomatype_version}  # a concurrent edit is refused


class Procedure(StrEnum):
    ONLINE = "online"
    PAPER = "paper"


_program_version = version_column()


class Program(SQLModel, table=True):
    """A programme ("formation") open to applications in one campaign, with its calendar.

    Calendar moments are stored in UTC and set in Paris time by staff.
    """

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "code"),
        sa.CheckConstraint("window_opens_at < window_closes_at", name="window_ordered"),
        sa.CheckConstraint("return_by IS NULL OR return_by >= window_closes_at", name="return_after_window"),
        sa.CheckConstraint(
            "NOT (confirmation_by IS NOT NULL AND confirmation_delay_days IS NOT NULL)",
            name="one_confirmation_rule",
        ),
        sa.CheckConstraint(
            "NOT (waiting_list_confirmation_by IS NOT NULL AND waiting_list_confirmation_delay_days IS NOT NULL)",
            name="one_waiting_list_confirmation_rule",
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    centre_id: int = Field(foreign_key="applicationcentre.id", index=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    diploma_type_id: int = Field(foreign_key="diplomatype.id", index=True)
    code: str = Field(max_length=20)
    label_fr: str = Field(max_length=300)
    label_en: str = Field(max_length=300)
    keywords: str = Field(default="", max_length=500)
    info_url: str | None = Field(default=None, max_length=500)
    capacity: int | None = Field(default=None)
    procedure: Procedure = Field(default=Procedure.ONLINE, sa_type=enum_type(Procedure))
    has_waiting_list: bool = Field(default=True)
    favorable_decision_type_id: int | None = Field(default=None, foreign_key="decisiontype.id")
    waiting_list_call_decision_type_id: int | None = Field(default=None, foreign_key="decisiontype.id")
    # The calendar ("calendrier").
    window_opens_at: datetime = utc_field(nullable=False)
    window_closes_at: datetime = utc_field(nullable=False)
    return_by: datetime | None = utc_field()
    jury_on: datetime | None = utc_field()
    publication_on: datetime | None = utc_field()
    confirmation_by: datetime | None = utc_field()
    confirmation_delay_days: int | None = Field(default=None, ge=0)
    waiting_list_confirmation_by: datetime | None = utc_field()
    waiting_list_confirmation_delay_days: int | None = Field(default=None, ge=0)
    preselection_at: datetime | None = utc_field()
    preselection_place: str | None = Field(default=None, max_length=300)
    is_active: bool = Field(default=True)
    # How the members' scores combine (a ``ScoreRule`` value, checked by app.services.scoring): a plain string,
    # added without rebuilding « program » on SQLite.
    score_rule: str = Field(default="mean", max_length=10)
    version: int = Field(default=1, sa_column=_program_version)
    created_at: datetime = utc_field(default_now=True)

    __mapper_args__ = {"version_id_col": _program_version}  # a concurrent edit is refused, not overwritten


class Scope(StrEnum):
    """Where a required piece or a question applies."""

    INSTITUTION = "institution"
    CENTRE = "centre"
    PROGRAM = "program"


_SCOPE_CHECK = (
    "(scope = 'institution' AND centre_id IS NULL AND program_id IS NULL)"
    " OR (scope = 'centre' AND centre_id IS NOT NULL AND program_id IS NULL)"
    " OR (scope = 'program' AND program_id IS NOT NULL AND centre_id IS NULL)"
)


_requireddocument_version = version_column()


class RequiredDocument(SQLModel, table=True):
    """A supporting piece ("pièce justificative") candidates must provide."""

    __table_args__ = (sa.CheckConstraint(_SCOPE_CHECK, name="scope_matches_target"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    scope: Scope = Field(sa_type=enum_type(Scope))
    centre_id: int | None = Field(default=None, foreign_key="applicationcentre.id", index=True)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    label_fr: str = Field(max_length=300)
    label_en: str = Field(max_length=300)
    help_fr: str = Field(default="", max_length=2000)
    help_en: str = Field(default="", max_length=2000)
    # A conditional piece may be answered "non concerné".
    is_conditional: bool = Field(default=False)
    # One upload serves every application of the candidate.
    is_shared: bool = Field(default=False)
    template_file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    display_order: int = Field(default=0)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_requireddocument_version)

    __mapper_args__ = {"version_id_col": _requireddocument_version}  # a concurrent edit is refused


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    TEXT = "text"


_question_version = version_column()


class Question(SQLModel, table=True):
    """An extra question asked with applications (yes/no or free text)."""

    __table_args__ = (sa.CheckConstraint(_SCOPE_CHECK, name="scope_matches_target"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    scope: Scope = Field(sa_type=enum_type(Scope))
    centre_id: int | None = Field(default=None, foreign_key="applicationcentre.id", index=True)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    kind: QuestionKind = Field(sa_type=enum_type(QuestionKind))
    label_fr: str = Field(max_length=500)
    label_en: str = Field(max_length=500)
    is_mandatory: bool = Field(default=True)
    max_length: int = Field(default=2000)
    display_order: int = Field(default=0)
    is_active: bool = Field(default=True)
    version: int = Field(default=1, sa_column=_question_version)

    __mapper_args__ = {"version_id_col": _question_version}  # a concurrent edit is refused


_programcommittee_version = version_column()


class ProgramCommittee(SQLModel, table=True):
    """A further committee examining a programme's applications (« commission d'examen »), beside the programme's own.

    Each gives its opinion (``CommitteeOpinion``) under its role; the programme's own committee
    (``Program.committee_id``) enters the decision once every ``required`` opinion is in; a listed committee that
    ``is_final`` may decide without waiting, and signs the letters.
    """

    __table_args__ = (
        sa.UniqueConstraint("program_id", "committee_id"),
        # At most one final committee per programme (the service says so first, with a message).
        sa.Index(
            "uq_programcommittee_one_final",
            "program_id",
            unique=True,
            sqlite_where=sa.text("is_final"),
            postgresql_where=sa.text("is_final"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    role_fr: str = Field(max_length=200)
    role_en: str = Field(max_length=200)
    required: bool = Field(default=True)
    is_final: bool = Field(default=False)
    position: int = Field(default=0)
    version: int = Field(default=1, sa_column=_programcommittee_version)

    __mapper_args__ = {"version_id_col": _programcommittee_version}  # a concurrent edit is refused
