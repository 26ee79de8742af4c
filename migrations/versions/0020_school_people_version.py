"""school.people_version: bumped when the school's staff or teams change

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:00:00

A page cached for a school's user is shown again only while the school's summary row and this
number are unchanged (web/fragment_cache.py).
"""

from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("people_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("people_version")
