"""school_progress.refreshed_at: when the summary row was last written

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 17:20:00

The overview keeps its totals while no summary row has changed: the newest ``refreshed_at``
(an index's last entry) and the number of rows say whether one has.
"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school_progress", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "refreshed_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("CURRENT_TIMESTAMP"),
                nullable=False,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_school_progress_refreshed_at"), ["refreshed_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("school_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_progress_refreshed_at"))
        batch_op.drop_column("refreshed_at")
