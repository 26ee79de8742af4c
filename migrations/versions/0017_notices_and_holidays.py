"""notices: in-app notices, school holidays, reminder days, the follow-up meeting's date

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 13:10:00

A notice is unique per (user, key), so posting the same one twice (even at once) adds it once.
"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notice_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("user_id", "key", name="uq_notice_user_key"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index("ix_notice_user_read", ["user_id", "read_at"], unique=False)

    op.create_table(
        "holiday_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_holiday_period_holiday_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_period")),
    )
    with op.batch_alter_table("holiday_period", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holiday_period_first_day"), ["first_day"], unique=False
        )

    op.create_table(
        "municipal_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reminder_days BETWEEN 1 AND 60",
            name=op.f("ck_municipal_settings_reminder_days_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipal_settings")),
    )
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("follow_up_on")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("reminder_days")
    op.drop_table("municipal_settings")
    with op.batch_alter_table("holiday_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holiday_period_first_day"))
    op.drop_table("holiday_period")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_user_read")
    op.drop_table("notice")
