"""Mails that did not arrive: the outbox's cancelled state and permanent failures, and bouncing addresses

``OutboxMail`` gets the status ``cancelled`` (the central office gave the mail up: never delivered), its date, and
``permanent_failure`` (the server refused the recipient for good, SMTP 5xx: not retried). ``Account`` gets
``email_bounced_at`` and ``email_bounce_reason``: a mail to its address was refused for good. The status's CHECK
constraint is rewritten by hand (autogenerate does not see it) and its column widened to the new value's length.

Revision ID: 6e2da1e31aee
Revises: d425e9a95f92
Create Date: 2026-12-05 16:20:41.816181
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.models.base

revision: str = "6e2da1e31aee"
down_revision: str | None = "d425e9a95f92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("pending", "sent", "failed")
NEW_STATUSES = (*OLD_STATUSES, "cancelled")


def _statuses(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_bounced_at", app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "email_bounce_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("outboxmail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("permanent_failure", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f("ck_outboxmail_mailstatus"), type_="check")
        batch_op.alter_column("status", existing_type=sa.VARCHAR(length=7), type_=sa.VARCHAR(length=9))
        batch_op.create_check_constraint("mailstatus", _statuses(NEW_STATUSES))


def downgrade() -> None:
    op.execute("UPDATE outboxmail SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table("outboxmail", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outboxmail_mailstatus"), type_="check")
        batch_op.alter_column("status", existing_type=sa.VARCHAR(length=9), type_=sa.VARCHAR(length=7))
        batch_op.create_check_constraint("mailstatus", _statuses(OLD_STATUSES))
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("permanent_failure")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("email_bounce_reason")
        batch_op.drop_column("email_bounced_at")
