"""cycle.newest_learning_at: when the cycle's newest follow-up with a learning was recorded

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 23:00:00

PUF's report page offers the newest 30 learnings of a module (in an area) to quote
(reads/examples.py). It joined every school's newest run to all its follow-ups and sorted them:
730-900 ms at 10,005 schools on PostgreSQL (72-87 ms at 1,105). With the cycles' newest learning
kept (by records.py on write, by progress.rebuild in bulk) and indexed per module, the page reads
the 30 cycles with the newest learnings and only their follow-ups.
"""

import sqlalchemy as sa
from alembic import op


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# As records.py keeps it: the newest live follow-up with a learning, of the cycle's live actions.
FILL = """
UPDATE cycle SET newest_learning_at = (
    SELECT max(follow_up.recorded_at)
    FROM follow_up JOIN action ON action.id = follow_up.action_id
    WHERE action.cycle_id = cycle.id
      AND follow_up.learning <> ''
      AND follow_up.deleted_at IS NULL
      AND action.deleted_at IS NULL
)
"""


def upgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(sa.Column("newest_learning_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL)
    op.create_index(
        "ix_cycle_module_newest_learning", "cycle", ["module_slug", "newest_learning_at", "id"]
    )


def downgrade():
    op.drop_index("ix_cycle_module_newest_learning", table_name="cycle")
    with op.batch_alter_table("cycle") as batch:
        batch.drop_column("newest_learning_at")
