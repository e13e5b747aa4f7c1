"""The processing type's mail splits into three codes (eCandidat's TYPE_TRAIT_AC, TYPE_TRAIT_AD, TYPE_TRAIT_ATT)

``processing_type_changed`` was one mail whose body chose its sentence by ``processing_type``. Each new type now has
its own mail, edited on its own. A template the staff had edited for the old code is copied to the three new codes
(they still receive ``processing_type``, so it renders as before), then removed. No column changes.

Revision ID: 9c4d2e7a1b35
Revises: a4c2e8f1d3b7
Create Date: 2026-12-05 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4d2e7a1b35"
down_revision: str | None = "a4c2e8f1d3b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "processing_type_changed"
NEW = ("processing_type_committee", "processing_type_direct_admission", "processing_type_undecided")
COLUMNS = ("language", "subject", "body_html", "updated_at", "updated_by_staff_id", "version")
templates = sa.table("mailtemplate", sa.column("code"), *[sa.column(name) for name in COLUMNS])


def _copy(source: str, targets: Sequence[str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(*[templates.c[name] for name in COLUMNS]).where(templates.c.code == source)).all()
    for code in targets:
        for row in rows:
            bind.execute(sa.insert(templates).values(code=code, **dict(zip(COLUMNS, row, strict=True))))
    bind.execute(sa.delete(templates).where(templates.c.code == source))


def upgrade() -> None:
    _copy(OLD, NEW)


def downgrade() -> None:
    # The committee's version goes back under the old code; the two others are dropped.
    bind = op.get_bind()
    bind.execute(sa.delete(templates).where(templates.c.code.in_(NEW[1:])))
    _copy(NEW[0], (OLD,))
