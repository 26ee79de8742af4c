"""school.progress_version: bumped by every rewrite of the school's summary rows

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:30:00

Read with the logged-in user's school (no query of its own), it tells a kept page whether
anything of the school's runs and records changed (web/fragment_cache.py).
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("progress_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("progress_version")
