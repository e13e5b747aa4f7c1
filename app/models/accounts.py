"""Accounts of candidates, their one-time tokens, staff members and their scoped roles."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import TRIGRAMS, StrEnum, enum_type, utc_field, version_column


class Account(SQLModel, table=True):
    """A candidate's account; the dossier number identifies it for life."""

    __table_args__ = (
        sa.UniqueConstraint("sso_provider", "sso_subject"),
        # The staff search's substrings: a trigram index on PostgreSQL (pg_trgm); a plain one elsewhere.
        sa.Index(
            "ix_account_search_text",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    dossier_number: str = Field(max_length=16, unique=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    password_hash: str | None = Field(default=None, max_length=255)
    language: str = Field(default="fr", max_length=5)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    sso_provider: str | None = Field(default=None, max_length=20)
    sso_subject: str | None = Field(default=None, max_length=255)
    student_number: str | None = Field(default=None, max_length=20, index=True)
    activated_at: datetime | None = utc_field()
    last_sign_in_at: datetime | None = utc_field()
    failed_sign_ins: int = Field(default=0)
    throttled_until: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)
    deleted_at: datetime | None = utc_field()
    # A mail to ``email`` was refused for good (SMTP 5xx): when and the server's answer. Cleared when the address
    # changes or a later mail to it is delivered (app.services.mail.bounces).
    email_bounced_at: datetime | None = utc_field()
    email_bounce_reason: str = Field(default="", max_length=500)
    # The dossier number and the e-mail folded (text_fold.fold_name), one per line, that the staff search reads;
    # kept by app.services.platform.text_fold on every write of the account.
    search_text: str = Field(default="", sa_type=sa.Text)

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None


sa.event.listen(Account.__table__, "before_create", TRIGRAMS)


class IssuedDossierNumber(SQLModel, table=True):
    """Every dossier number ever issued, kept after its account is purged so that none is reused."""

    number: str = Field(primary_key=True, max_length=16)
    issued_at: datetime = utc_field(default_now=True)


class ErasureRequest(SQLModel, table=True):
    """A candidate's request to erase their account, held until the retention of their transmitted applications
    allows it (``due_at``); carried out by the daily ``anonymise_expired_data`` job. Holds no identity: the
    register shows the dossier number while the account exists, « candidat anonymisé » once it is erased."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    requested_at: datetime = utc_field(default_now=True)
    due_at: datetime = utc_field(nullable=False, index=True)
    done_at: datetime | None = utc_field()
    # Why it was held: the transmitted applications of the campaign in force (a count, no programme names).
    held_applications: int = Field(default=0)


class TokenPurpose(StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"
    DATA_EXPORT = "data_export"  # the download of « Télécharger mes données » (an ExportJob of the account)


class AccountToken(SQLModel, table=True):
    """A mailed single-use link; only the SHA-256 of its secret is stored."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    purpose: TokenPurpose = Field(sa_type=enum_type(TokenPurpose))
    token_hash: str = Field(max_length=64, unique=True)
    new_email: str | None = Field(default=None, max_length=254)
    created_at: datetime = utc_field(default_now=True)
    expires_at: datetime = utc_field(nullable=False)
    used_at: datetime | None = utc_field()


_staffmember_version = version_column()


class StaffMember(SQLModel, table=True):
    """A member of staff ("gestionnaire"); kept apart from candidate accounts."""

    __table_args__ = (sa.UniqueConstraint("sso_provider", "sso_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=100, unique=True)
    email: str = Field(max_length=254)
    display_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    sso_provider: str | None = Field(default=None, max_length=20)
    sso_subject: str | None = Field(default=None, max_length=255)
    language: str = Field(default="fr", max_length=5)
    is_active: bool = Field(default=True)
    last_sign_in_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)
    version: int = Field(default=1, sa_column=_staffmember_version)

    __mapper_args__ = {"version_id_col": _staffmember_version}  # a concurrent edit is refused


class StaffRole(StrEnum):
    ADMINISTRATOR = "administrator"
    CENTRAL_OFFICE = "central_office"
    CENTRE_MANAGER = "centre_manager"
    COMMITTEE_MEMBER = "committee_member"
    # « Gestionnaire de candidats »: candidate accounts across the institution, no right on applications.
    ACCOUNT_DESK = "account_desk"


class StaffRoleAssignment(SQLModel, table=True):
    """One role of a staff member, with its scope: the institution, a centre or a committee."""

    __table_args__ = (
        sa.CheckConstraint(
            "(role IN ('administrator', 'central_office', 'account_desk')"
            " AND centre_id IS NULL AND committee_id IS NULL)"
            " OR (role = 'centre_manager' AND centre_id IS NOT NULL AND committee_id IS NULL)"
            " OR (role = 'committee_member' AND committee_id IS NOT NULL AND centre_id IS NULL)",
            name="scope_matches_role",
        ),
        sa.UniqueConstraint("staff_id", "role", "centre_id", "committee_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staffmember.id", index=True, ondelete="CASCADE")
    role: StaffRole = Field(sa_type=enum_type(StaffRole))
    centre_id: int | None = Field(default=None, foreign_key="applicationcentre.id", index=True)
    committee_id: int | None = Field(default=None, foreign_key="committee.id", index=True)
    read_only: bool = Field(default=False)
    is_president: bool = Field(default=False)
    # A committee member who asked for copies of the committee's alerts (new application, withdrawal…).
    receives_alerts: bool = Field(default=False)
    created_at: datetime = utc_field(default_now=True)
