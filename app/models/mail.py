"""Mail templates editable by staff, and the transactional outbox the worker delivers from."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import StrEnum, enum_type, json_field, utc_field, version_column

_mailtemplate_version = version_column()


class MailTemplate(SQLModel, table=True):
    """Subject and HTML body of one mail in one language; rendered in a sandboxed Jinja2 environment."""

    __table_args__ = (sa.UniqueConstraint("code", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60)
    language: str = Field(max_length=5)
    subject: str = Field(max_length=300)
    body_html: str = Field(sa_type=sa.Text())
    updated_at: datetime = utc_field(default_now=True)
    updated_by_staff_id: int | None = Field(default=None, foreign_key="staffmember.id")
    version: int = Field(default=1, sa_column=_mailtemplate_version)

    __mapper_args__ = {"version_id_col": _mailtemplate_version}


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # given up by the central office (« Courriels en échec »): never delivered


class OutboxMail(SQLModel, table=True):
    """A mail written in the same transaction as the change it reports, delivered later by the worker."""

    __table_args__ = (sa.Index("ix_outboxmail_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, index=True)
    language: str = Field(default="fr", max_length=5)
    to_address: str = Field(max_length=254, index=True)
    cc_addresses: list[str] = json_field(list)
    subject: str = Field(max_length=300)
    body_html: str = Field(sa_type=sa.Text())
    body_text: str = Field(sa_type=sa.Text())
    # [{"file_id": int, "filename": str, "media_type": str}]
    attachments: list[dict[str, Any]] = json_field(list)
    status: MailStatus = Field(default=MailStatus.PENDING, sa_type=enum_type(MailStatus))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = utc_field(default_now=True)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = utc_field()
    last_error: str = Field(default="", max_length=2000)
    # The last failure was the server refusing the recipient for good (SMTP 5xx): not retried, address flagged.
    permanent_failure: bool = Field(default=False)
    cancelled_at: datetime | None = utc_field()
    sent_at: datetime | None = utc_field()
    created_at: datetime = utc_field(default_now=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)


class StaffMessage(SQLModel, table=True):
    """A message a staff member sent to a selection of the staff list: what they wrote (the sandboxed template, its
    HTML already through the allow-list), in French and optionally in English, as which role, and when."""

    id: int | None = Field(default=None, primary_key=True)
    author_staff_id: int = Field(foreign_key="staffmember.id", index=True)
    role: str = Field(max_length=30)  # the author's role when sending (StaffRole value)
    subject_fr: str = Field(max_length=300)
    body_fr: str = Field(sa_type=sa.Text())
    subject_en: str = Field(default="", max_length=300)  # empty: English readers receive the French text
    body_en: str = Field(default="", sa_type=sa.Text())
    sent_at: datetime = utc_field(default_now=True, index=True)
    recipients: int = Field(default=0)
    # The dialog's key: a second « Envoyer » of the same dialog finds this row instead of sending again.
    idempotency_key: str = Field(max_length=64, unique=True)


class StaffMessageRecipient(SQLModel, table=True):
    """One candidate a staff message went to: what they read (rendered in their language) and its outbox mail."""

    __table_args__ = (
        sa.UniqueConstraint("message_id", "candidate_id"),
        sa.Index("ix_staffmessagerecipient_candidate", "candidate_id", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="staffmessage.id", ondelete="CASCADE")
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE")
    application_ids: list[int] = json_field(list)  # the candidate's selected applications
    language: str = Field(max_length=5)
    subject: str = Field(max_length=300)
    content_html: str = Field(sa_type=sa.Text())  # the rendered body, through the HTML allow-list
    # No foreign key: the retention job purges old outbox mails, the candidate's page keeps the message.
    outbox_mail_id: int | None = Field(default=None)
