"""The candidate's dossier: personal information, address, baccalauréat, records and experience."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import TRIGRAMS, StrEnum, enum_type, json_field, utc_field, version_column


class Civility(StrEnum):
    MR = "mr"
    MS = "ms"
    UNSPECIFIED = "unspecified"


_candidate_version = version_column()


class Candidate(SQLModel, table=True):
    """Personal information ("informations personnelles") of one account.

    Names and the INE are stored upper-case without accents, as the student information system expects.
    ``locked_fields`` lists the fields imported from that system, which the candidate cannot change.
    """

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "ine"),
        # The staff search's substrings: a trigram index on PostgreSQL (pg_trgm); a plain one elsewhere.
        sa.Index(
            "ix_candidate_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", unique=True, ondelete="CASCADE")
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    # The campaign the candidate last confirmed this dossier for (None: never carried over, a dossier made between
    # two campaigns). Below the active campaign, the dossier is a draft to confirm before applying
    # (``dossier/campaign_confirmation.py``); confirming moves ``campaign_id`` (the INE's campaign) along.
    confirmed_campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    civility: Civility = Field(default=Civility.UNSPECIFIED, sa_type=enum_type(Civility))
    birth_name: str = Field(max_length=100, index=True)
    usage_name: str = Field(default="", max_length=100)
    first_names: str = Field(max_length=200)
    birth_date: date | None = None
    birth_country: str = Field(default="FR", max_length=2)  # ISO 3166 alpha-2
    birth_department: str | None = Field(default=None, max_length=3)
    birth_commune_insee: str | None = Field(default=None, max_length=5)
    birth_place: str = Field(default="", max_length=100)  # commune label, or the city abroad
    nationality: str = Field(default="FR", max_length=2, index=True)
    phone: str = Field(default="", max_length=30)
    mobile: str = Field(default="", max_length=30)
    ine: str | None = Field(default=None, max_length=11, index=True)
    student_number: str | None = Field(default=None, max_length=20, index=True)
    locked_fields: list[str] = json_field(list)
    imported_at: datetime | None = utc_field()
    updated_at: datetime = utc_field(default_now=True)
    # Set when the identity and contact data were erased (app/services/accounts/erasure.py); what statistics
    # read (nationality, the baccalauréat's series and year) stays.
    anonymised_at: datetime | None = utc_field()
    version: int = Field(default=1, sa_column=_candidate_version)
    # The names and the INE folded (text_fold.fold_name), one per line, that the staff search reads; kept by
    # app.services.platform.text_fold on every write of the candidate.
    search_text: str = Field(default="", sa_type=sa.Text)

    __mapper_args__ = {"version_id_col": _candidate_version}


sa.event.listen(Candidate.__table__, "before_create", TRIGRAMS)


class Address(SQLModel, table=True):
    """Postal address: in France a postcode and one of its communes; abroad a city and a country."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", unique=True, ondelete="CASCADE")
    line1: str = Field(max_length=100)
    line2: str = Field(default="", max_length=100)
    line3: str = Field(default="", max_length=100)
    country: str = Field(default="FR", max_length=2)
    postcode: str = Field(default="", max_length=10)
    commune_insee: str | None = Field(default=None, max_length=5)
    city: str = Field(default="", max_length=100)
    updated_at: datetime = utc_field(default_now=True)


class BacSeries(StrEnum):
    GENERAL = "general"
    TECHNOLOGICAL = "technological"
    PROFESSIONAL = "professional"
    FOREIGN = "foreign"
    EQUIVALENCE = "equivalence"  # DAEU, ESEU, validation...
    NONE = "none"  # « sans bac »


class Baccalaureate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", unique=True, ondelete="CASCADE")
    series: BacSeries = Field(sa_type=enum_type(BacSeries), index=True)
    # For technological series (STMG, STI2D...) or the foreign diploma's name.
    series_detail: str = Field(default="", max_length=100)
    year: int | None = Field(default=None, ge=1950, le=2100, index=True)
    mention: str = Field(default="", max_length=30)
    specialities: list[str] = json_field(list)
    options: str = Field(default="", max_length=200)
    country: str = Field(default="FR", max_length=2)
    department: str | None = Field(default=None, max_length=3)
    establishment_uai: str | None = Field(default=None, max_length=8)
    establishment_label: str = Field(default="", max_length=200)
    updated_at: datetime = utc_field(default_now=True)


class InternalRecord(SQLModel, table=True):
    """A year at this university ("cursus interne"), imported and read-only."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    academic_year: int = Field(ge=1950, le=2100)
    program_code: str = Field(max_length=20)
    program_label: str = Field(max_length=300)
    result: str = Field(default="", max_length=50)
    mark: Decimal | None = Field(default=None, max_digits=5, decimal_places=3)
    mention: str = Field(default="", max_length=30)
    imported_at: datetime = utc_field(default_now=True)


class RecordOutcome(StrEnum):
    OBTAINED = "obtained"
    NOT_OBTAINED = "not_obtained"
    IN_PROGRESS = "in_progress"


class ExternalRecord(SQLModel, table=True):
    """Higher education elsewhere ("cursus externe")."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    academic_year: int = Field(ge=1950, le=2100)
    establishment_uai: str | None = Field(default=None, max_length=8)
    establishment_label: str = Field(max_length=300)
    country: str = Field(default="FR", max_length=2)
    diploma_type: str = Field(max_length=100)
    label: str = Field(max_length=300)
    outcome: RecordOutcome = Field(sa_type=enum_type(RecordOutcome))
    mention: str = Field(default="", max_length=30)


class WorkExperience(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    year: int = Field(ge=1950, le=2100)
    duration: str = Field(max_length=50)
    title: str = Field(max_length=200)
    employer: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)


class Internship(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    year: int = Field(ge=1950, le=2100)
    duration: str = Field(max_length=50)
    hours_per_week: int | None = Field(default=None, ge=0, le=80)
    organisation: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
