"""erasure requests and anonymised markers

A candidate's request to erase their account, held until the retention allows it; the markers of a candidate
and of an application whose personal data were erased; pieces indexed by their files, audit events by the
account acting and acted on (issue 21).

Revision ID: 0bdd39319e50
Revises: c3a9d5e1f7b2
Create Date: 2026-12-05 15:39:25.602740
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

import app.models.base

revision: str = "0bdd39319e50"
down_revision: str | None = "c3a9d5e1f7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasurerequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("held_applications", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_erasurerequest_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasurerequest")),
    )
    with op.batch_alter_table("erasurerequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasurerequest_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_erasurerequest_due_at"), ["due_at"], unique=False)

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", app.models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", app.models.base.UTCDateTime(timezone=True), nullable=True))

    # Pieces looked up by their files ("is this file still used?"): an erasure, the file purge.
    with op.batch_alter_table("submitteddocument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submitteddocument_merged_file_id"), ["merged_file_id"], unique=False)
    with op.batch_alter_table("submitteddocumentfile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submitteddocumentfile_stored_file_id"), ["stored_file_id"], unique=False)
    # An erasure finds an account's audit events by the account acting and by the account acted on.
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_actor_account_id"), ["actor_account_id"], unique=False)
        batch_op.create_index("ix_auditevent_entity", ["entity_type", "entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index("ix_auditevent_entity")
        batch_op.drop_index(batch_op.f("ix_auditevent_actor_account_id"))
    with op.batch_alter_table("submitteddocumentfile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submitteddocumentfile_stored_file_id"))
    with op.batch_alter_table("submitteddocument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submitteddocument_merged_file_id"))

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")

    with op.batch_alter_table("erasurerequest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasurerequest_due_at"))
        batch_op.drop_index(batch_op.f("ix_erasurerequest_account_id"))

    op.drop_table("erasurerequest")
