"""soft delete: records written in a module can be deleted (hidden at once, purged later)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:00:00

Meetings, actions, log entries, follow-ups, team questions and reflections get ``deleted_at``
and ``deleted_by_id``; every read hides a row once ``deleted_at`` is set, and
``flask records purge`` removes it after the retention period.
"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("cycle_session", "action", "log_entry", "follow_up", "team_question", "reflection")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("deleted_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_deleted_by_id_user"),
                "user",
                ["deleted_by_id"],
                ["id"],
                ondelete="SET NULL",
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_deleted_by_id_user"), type_="foreignkey"
            )
            batch_op.drop_column("deleted_by_id")
            batch_op.drop_column("deleted_at")
