"""school.changed_at: when anything any page shows of the school last changed

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:30:00

Stamped with every bump of the school's people or progress version, and set when the school is
created. Its maximum (one index look-up) tells a page kept across all schools (PUF's overview
and digest) whether anything it shows changed (web/fragment_cache.py).
"""

from alembic import op
import sqlalchemy as sa


revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE school SET changed_at = created_at")
    op.create_index("ix_school_changed_at", "school", ["changed_at"])


def downgrade():
    op.drop_index("ix_school_changed_at", table_name="school")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
