"""Candidate.confirmed_campaign_id: the campaign a candidate last confirmed their dossier for

Accounts now last across campaigns: when a new campaign becomes active, a candidate keeps their account and their
dossier, which becomes a draft to confirm for the new campaign before they can apply again
(``app/services/dossier/campaign_confirmation.py``). Existing dossiers count as confirmed for the campaign active
when this revision runs (else the campaign they were made in), so nobody is asked to confirm by the upgrade itself.

Revision ID: a4c2e8f1d3b7
Revises: a4825e6c6cc3
Create Date: 2026-12-05 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a4c2e8f1d3b7"
down_revision: str | None = "a4825e6c6cc3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_candidate_confirmed_campaign_id"), ["confirmed_campaign_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_candidate_confirmed_campaign_id_campaign"), "campaign", ["confirmed_campaign_id"], ["id"]
        )
    # One statement: a column nothing reads yet, so no row is locked against a candidate for long.
    op.execute(
        sa.text(
            "UPDATE candidate SET confirmed_campaign_id = "
            "COALESCE((SELECT id FROM campaign WHERE is_active), candidate.campaign_id)"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_candidate_confirmed_campaign_id_campaign"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_candidate_confirmed_campaign_id"))
        batch_op.drop_column("confirmed_campaign_id")
