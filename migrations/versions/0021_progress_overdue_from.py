"""school_progress.overdue_from: the earliest follow-up meeting still waiting for its follow-up

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 15:00:00

"Stalled" (idle, or a follow-up meeting long past with nothing recorded) becomes two
comparisons on the summary row, instead of a look into every school's cycles.
"""

from alembic import op
import sqlalchemy as sa


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_from", sa.Date(), nullable=True))
    # The rows written before this column: the same value the summary's rebuild computes.
    op.execute(
        "UPDATE school_progress SET overdue_from = ("
        " SELECT min(cycle.follow_up_on) FROM cycle"
        " WHERE cycle.run_id = school_progress.run_id AND cycle.state = 'active'"
        " AND cycle.follow_up_count = 0)"
    )


def downgrade():
    with op.batch_alter_table("school_progress", schema=None) as batch_op:
        batch_op.drop_column("overdue_from")
