"""cycle progress columns: phase and counts kept on the cycle row

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:50:00

The overview across all schools reads these instead of aggregating every action. Existing rows
are filled from what is recorded, with the stepper's rules as they stand at this revision.
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNTS = ("session_count", "action_count", "done_action_count", "log_entry_count", "follow_up_count")

FILL = """
UPDATE cycle SET
  session_count = (SELECT count(*) FROM cycle_session s WHERE s.cycle_id = cycle.id),
  action_count = (SELECT count(*) FROM action a WHERE a.cycle_id = cycle.id),
  done_action_count = (SELECT count(*) FROM action a
                       WHERE a.cycle_id = cycle.id AND a.status = 'done'),
  log_entry_count = (SELECT count(*) FROM log_entry l JOIN action a ON l.action_id = a.id
                     WHERE a.cycle_id = cycle.id),
  follow_up_count = (SELECT count(*) FROM follow_up f JOIN action a ON f.action_id = a.id
                     WHERE a.cycle_id = cycle.id),
  phase = CASE
    WHEN NOT EXISTS (SELECT 1 FROM cycle_session s WHERE s.cycle_id = cycle.id
                     AND s.participants <> '' AND s.notes <> '') THEN 'input'
    WHEN NOT EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id)
      OR EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id AND (
           a.what = '' OR a.expectation = '' OR a.how_notice = ''
           OR a.period_start IS NULL OR a.period_end IS NULL
           OR (a.team_id IS NULL AND NOT EXISTS
               (SELECT 1 FROM action_owner o WHERE o.action_id = a.id)))) THEN 'actions'
    WHEN EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id AND a.status <> 'dropped'
                 AND NOT EXISTS (SELECT 1 FROM log_entry l WHERE l.action_id = a.id))
      THEN 'trying'
    WHEN EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id
                 AND NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.action_id = a.id))
      OR cycle.summary_learned = '' OR cycle.summary_keep = '' OR cycle.summary_next = ''
      THEN 'follow_up'
    ELSE 'ready'
  END
"""


def upgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phase", sa.String(length=13), server_default="input", nullable=False)
        )
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(
            "ck_cycle_phase", "phase IN ('input', 'actions', 'trying', 'follow_up', 'ready')"
        )
    op.execute(FILL)


def downgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_constraint("ck_cycle_phase", type_="check")
        for name in reversed(COUNTS):
            batch_op.drop_column(name)
        batch_op.drop_column("phase")
