"""action (cycle_id, id): a cycle's first actions in order, read by index

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 17:55:00

The learnings digest reads each school's first few follow-ups in a module (reads/digest.py,
``ORDER BY action.id LIMIT 5`` per cycle). Without an index in that order PostgreSQL walked the
whole follow-up table in a merge join (340 ms for a page of 20 schools, 1,105 schools); with it,
each cycle is a short index range (6–9 ms for the page).
"""

from alembic import op


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_action_cycle_id_id", "action", ["cycle_id", "id"])


def downgrade():
    op.drop_index("ix_action_cycle_id_id", table_name="action")
