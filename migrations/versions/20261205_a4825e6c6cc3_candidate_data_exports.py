"""ExportJob owned by a candidate's account (« Télécharger mes données ») and its single-use download link

A candidate's copy of their data is built like a staff export (same queue, worker, progress and purge): the job gets
``account_id`` (its owner when no member of staff is), ``staff_id`` becomes optional, a CHECK keeps exactly one owner,
and ``download_token_id`` points at the mailed single-use link, an ``AccountToken`` of the new purpose
``data_export`` (the purpose's CHECK constraint is rewritten by hand: autogenerate does not see it).

Revision ID: a4825e6c6cc3
Revises: 7b3e9d41c2a6
Create Date: 2026-12-05 15:39:09.883485
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a4825e6c6cc3"
down_revision: str | None = "7b3e9d41c2a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_PURPOSES = ("activation", "password_reset", "email_change")
NEW_PURPOSES = (*OLD_PURPOSES, "data_export")


def _purposes(values: tuple[str, ...]) -> str:
    return "purpose IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("exportjob", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("download_token_id", sa.Integer(), nullable=True))
        batch_op.alter_column("staff_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_exportjob_account_id"), ["account_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_exportjob_download_token_id_accounttoken"),
            "accounttoken",
            ["download_token_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_exportjob_account_id_account"), "account", ["account_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint("one_owner", "(staff_id IS NULL) <> (account_id IS NULL)")
    with op.batch_alter_table("accounttoken", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_accounttoken_tokenpurpose"), type_="check")
        batch_op.create_check_constraint("tokenpurpose", _purposes(NEW_PURPOSES))


def downgrade() -> None:
    op.execute("DELETE FROM exportjob WHERE account_id IS NOT NULL")
    op.execute("DELETE FROM accounttoken WHERE purpose = 'data_export'")
    with op.batch_alter_table("accounttoken", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_accounttoken_tokenpurpose"), type_="check")
        batch_op.create_check_constraint("tokenpurpose", _purposes(OLD_PURPOSES))
    with op.batch_alter_table("exportjob", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_exportjob_one_owner"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_exportjob_account_id_account"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_exportjob_download_token_id_accounttoken"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_exportjob_account_id"))
        batch_op.alter_column("staff_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("download_token_id")
        batch_op.drop_column("account_id")
