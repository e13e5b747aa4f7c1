"""The « Gestionnaire de candidats » staff role (account_desk): institution-wide, like the central office

The role is stored as a checked string: both CHECK constraints of ``staffroleassignment`` (the role's values and
the scope each role requires) are re-created with the new value.

Revision ID: b8d1f0e2c4a9
Revises: 6e2da1e31aee
Create Date: 2026-12-05 16:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b8d1f0e2c4a9"
down_revision: str | None = "6e2da1e31aee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCOPE = (
    "(role IN ({institution}) AND centre_id IS NULL AND committee_id IS NULL)"
    " OR (role = 'centre_manager' AND centre_id IS NOT NULL AND committee_id IS NULL)"
    " OR (role = 'committee_member' AND committee_id IS NOT NULL AND centre_id IS NULL)"
)
_ROLES = "role IN ({roles})"
_OLD_INSTITUTION = "'administrator', 'central_office'"
_NEW_INSTITUTION = "'administrator', 'central_office', 'account_desk'"
_OLD_ROLES = "'administrator', 'central_office', 'centre_manager', 'committee_member'"
_NEW_ROLES = _OLD_ROLES + ", 'account_desk'"


def _recreate(institution: str, roles: str) -> None:
    with op.batch_alter_table("staffroleassignment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_staffroleassignment_scope_matches_role"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_staffroleassignment_staffrole"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_staffroleassignment_scope_matches_role"), _SCOPE.format(institution=institution)
        )
        batch_op.create_check_constraint(batch_op.f("ck_staffroleassignment_staffrole"), _ROLES.format(roles=roles))


def upgrade() -> None:
    _recreate(_NEW_INSTITUTION, _NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM staffroleassignment WHERE role = 'account_desk'")
    _recreate(_OLD_INSTITUTION, _OLD_ROLES)
