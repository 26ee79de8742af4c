"""hardening, second round: one unfinished run per school and package

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 09:00:00

A partial unique index: two "start" presses at once can no longer make two unfinished runs.
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0005"
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


def downgrade():
    op.drop_index("uq_run_one_unfinished", table_name="run")
