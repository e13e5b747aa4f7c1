"""StaffRoleAssignment.receives_alerts: a committee member who asked for copies of the committee's alerts

The committee's alerts (new application, transmission, cancellation, withdrawal, call from the waiting list) go to
its contact address and to whom the centre's « Destinataires des alertes » names; a member may now ask for a copy.
Existing members receive none, as before.

Revision ID: b7e2c90d4f18
Revises: a5f81c3e6d20
Create Date: 2026-12-05 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c90d4f18"
down_revision: str | None = "a5f81c3e6d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staffroleassignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receives_alerts", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("staffroleassignment", schema=None) as batch_op:
        batch_op.drop_column("receives_alerts")
