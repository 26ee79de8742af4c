"""the reason PUF gave for opening a module out of order, kept on the module's row

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:30:00

The school sees on its pages that PUF opened a module before its turn, when, and why; the reason
was only in the audit log. Existing data: each module PUF opened out of order gets the reason of
its latest ``cycle_unlocked_override`` audit event.
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

AUDIT = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("verb", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("detail", sa.JSON),
)
CYCLE = sa.table("cycle", sa.column("id", sa.Integer), sa.column("unlock_reason", sa.Text))


def upgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unlock_reason", sa.Text(), server_default="", nullable=False))
    bind = op.get_bind()
    reasons = {}
    for cycle_id, detail in bind.execute(
        sa.select(AUDIT.c.object_id, AUDIT.c.detail)
        .where(AUDIT.c.verb == "cycle_unlocked_override", AUDIT.c.object_type == "Cycle")
        .order_by(AUDIT.c.id)
    ):
        reason = (detail or {}).get("reason") if isinstance(detail, dict) else None
        if cycle_id is not None and reason:
            reasons[cycle_id] = str(reason)
    for cycle_id, reason in reasons.items():
        bind.execute(
            sa.update(CYCLE).where(CYCLE.c.id == cycle_id).values(unlock_reason=reason)
        )


def downgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("unlock_reason")
