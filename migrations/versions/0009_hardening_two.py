"""hardening, second round: one unfinished run per school and package; who deactivated a user

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00

A partial unique index: two "start" presses at once can no longer make two unfinished runs.
``user.deactivated_by_role``: a leader may not reactivate an account PUF deactivated.
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "uq_run_one_unfinished",
        "run",
        ["school_id", "package_slug"],
        unique=True,
        sqlite_where=sa.text("completed_at IS NULL"),
        postgresql_where=sa.text("completed_at IS NULL"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deactivated_by_role", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("deactivated_by_role")
    op.drop_index("uq_run_one_unfinished", table_name="run")
