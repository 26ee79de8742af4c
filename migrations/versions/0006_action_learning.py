"""action learning: each team's question, an observer per action, the reflection, second rounds

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00

New: ``team_question`` and ``reflection`` (one per team per cycle); on ``action`` an observer,
the observation focus, the reflection's decision and the action a second round adjusts; on
``log_entry`` its kind (what an owner did, or what the observer saw); on ``follow_up`` how what
was seen fits what was expected. The stepper gains two phases (question, reflection).

Existing data: an action someone had marked "dropped" by hand without a follow-up keeps being
dropped (its reflection decision becomes "stop"); every action's status is then derived from its
records (followed up → done, so completed modules count their actions as done), and each cycle's
progress columns are refilled with the new stepper's rules. A completed module stays completed.
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NEW_PHASES = "phase IN ('input', 'question', 'actions', 'trying', 'reflection', 'follow_up', 'ready')"
OLD_PHASES = "phase IN ('input', 'actions', 'trying', 'follow_up', 'ready')"

KEEP_DROPPED = """
UPDATE action SET reflection_decision = 'stop'
WHERE status = 'dropped' AND NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.action_id = action.id)
"""

# cycle.derived_status, as domain/progress.status_expression computes it.
STATUS = """
UPDATE action SET status = CASE
    WHEN (SELECT f.outcome FROM follow_up f WHERE f.action_id = action.id) = 'stop' THEN 'dropped'
    WHEN EXISTS (SELECT 1 FROM follow_up f WHERE f.action_id = action.id) THEN 'done'
    WHEN action.reflection_decision = 'stop' THEN 'dropped'
    WHEN EXISTS (SELECT 1 FROM log_entry l WHERE l.action_id = action.id AND l.kind = 'did')
      THEN 'in_progress'
    ELSE 'planned'
  END
"""

# The cycle's progress columns with the stepper's rules of this revision (DESIGN §3).
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
    WHEN NOT EXISTS (SELECT 1 FROM team_question q WHERE q.cycle_id = cycle.id
                     AND q.question <> '') THEN 'question'
    WHEN NOT EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id)
      OR EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id AND (
           NOT EXISTS (SELECT 1 FROM team_question q WHERE q.cycle_id = cycle.id
                       AND q.team_id = a.team_id)
           OR a.what = '' OR a.expectation = '' OR a.how_notice = ''
           OR (a.team_id IS NULL AND NOT EXISTS
               (SELECT 1 FROM action_owner o WHERE o.action_id = a.id))
           OR a.observer_id IS NULL OR a.observation_focus = ''
           OR a.period_start IS NULL OR a.period_end IS NULL)) THEN 'actions'
    WHEN EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id AND a.status <> 'dropped'
                 AND (NOT EXISTS (SELECT 1 FROM log_entry l WHERE l.action_id = a.id
                                  AND l.kind = 'did')
                      OR (a.observer_id IS NOT NULL AND NOT EXISTS
                          (SELECT 1 FROM log_entry l WHERE l.action_id = a.id
                           AND l.kind = 'observation'))))
      THEN 'trying'
    WHEN EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id AND a.team_id IS NOT NULL
                 AND (a.reflection_decision IS NULL OR NOT EXISTS
                      (SELECT 1 FROM reflection r WHERE r.cycle_id = cycle.id
                       AND r.team_id = a.team_id)))
      THEN 'reflection'
    WHEN EXISTS (SELECT 1 FROM action a WHERE a.cycle_id = cycle.id
                 AND NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.action_id = a.id))
      OR cycle.summary_learned = '' OR cycle.summary_keep = '' OR cycle.summary_next = ''
      THEN 'follow_up'
    ELSE 'ready'
  END
"""


def _per_team_table(name, *columns):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        *columns,
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycle.id"], name=op.f(f"fk_{name}_cycle_id_cycle"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f(f"fk_{name}_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f(f"fk_{name}_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("cycle_id", "team_id", name=f"uq_{name}_cycle_team"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_team_id"), ["team_id"], unique=False)


def upgrade():
    _per_team_table(
        "team_question",
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("baseline", sa.Text(), nullable=False),
    )
    _per_team_table(
        "reflection",
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("fit", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("observer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("observation_focus", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("reflection_decision", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("parent_action_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_action_observer_id"), ["observer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_parent_action_id"), ["parent_action_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_action_observer_id_user"), "user", ["observer_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_action_parent_action_id_action"),
            "action",
            ["parent_action_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            "ck_action_reflection_decision", "reflection_decision IN ('keep', 'adjust', 'stop')"
        )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=15), server_default="did", nullable=False)
        )
        batch_op.create_check_constraint("ck_log_entry_kind", "kind IN ('did', 'observation')")
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fit", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_constraint("ck_cycle_phase", type_="check")
        batch_op.alter_column(
            "phase",
            existing_type=sa.String(length=13),
            type_=sa.String(length=14),
            existing_nullable=False,
            existing_server_default="input",
        )
        batch_op.create_check_constraint("ck_cycle_phase", NEW_PHASES)
    op.execute(KEEP_DROPPED)
    op.execute(STATUS)
    op.execute(FILL)


def downgrade():
    op.execute(
        "UPDATE cycle SET phase = CASE phase WHEN 'question' THEN 'actions' "
        "WHEN 'reflection' THEN 'follow_up' ELSE phase END"
    )
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_constraint("ck_cycle_phase", type_="check")
        batch_op.alter_column(
            "phase",
            existing_type=sa.String(length=14),
            type_=sa.String(length=13),
            existing_nullable=False,
            existing_server_default="input",
        )
        batch_op.create_check_constraint("ck_cycle_phase", OLD_PHASES)
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_column("fit")
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.drop_constraint("ck_log_entry_kind", type_="check")
        batch_op.drop_column("kind")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint("ck_action_reflection_decision", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_action_parent_action_id_action"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_action_observer_id_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_action_parent_action_id"))
        batch_op.drop_index(batch_op.f("ix_action_observer_id"))
        batch_op.drop_column("parent_action_id")
        batch_op.drop_column("reflection_decision")
        batch_op.drop_column("observation_focus")
        batch_op.drop_column("observer_id")
    for name in ("reflection", "team_question"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_team_id"))
        op.drop_table(name)
