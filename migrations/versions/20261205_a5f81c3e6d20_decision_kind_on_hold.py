"""DecisionKind gains « on_hold » (« Liste d'attente », eCandidat's AVIS_LISTE_ATT) beside « waiting_list »

The three columns typed ``decisionkind`` (decisiontype.kind, decision.kind, application.last_decision_kind) are
strings with a CHECK constraint listing the kinds: each constraint is recreated with the new value. SQLite cannot
alter a constraint, so its tables are rebuilt (batch mode); PostgreSQL drops and adds it. Downgrading refuses while a
row still uses the kind (the old constraint would fail on it).

Revision ID: a5f81c3e6d20
Revises: 9c4d2e7a1b35
Create Date: 2026-12-05 16:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a5f81c3e6d20"
down_revision: str | None = "9c4d2e7a1b35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("favorable", "unfavorable", "waiting_list", "preselection")
NEW = (*OLD, "on_hold")
COLUMNS = {"decisiontype": "kind", "decision": "kind", "application": "last_decision_kind"}


def _recreate(kinds: Sequence[str]) -> None:
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    for table, column in COLUMNS.items():
        name = op.f(f"ck_{table}_decisionkind")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="check")
            batch_op.create_check_constraint(name, f"{column} IN ({listed})")


def upgrade() -> None:
    _recreate(NEW)


def downgrade() -> None:
    _recreate(OLD)
