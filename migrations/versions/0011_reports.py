"""reports: daily progress snapshots, the half-yearly report's drafts, notes to schools

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:29:20

A snapshot row is one school in one module on one day, written only on change; the unique
(school, module, day) makes two concurrent snapshot commands write it once.
"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("district", sa.String(length=120), server_default="", nullable=False),
        sa.Column("name_stalled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_report_draft_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_draft")),
    )
    op.create_table(
        "progress_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("module_slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("action_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done_action_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("follow_up_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("keep_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("adjust_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("stop_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reflection_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.id"], name=op.f("fk_progress_snapshot_run_id_run"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_progress_snapshot_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_snapshot")),
        sa.UniqueConstraint(
            "school_id", "module_slug", "taken_on", name="uq_progress_snapshot_school_module_day"
        ),
    )
    with op.batch_alter_table("progress_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_snapshot_run_id"), ["run_id"], unique=False)
        batch_op.create_index("ix_progress_snapshot_taken_on", ["taken_on"], unique=False)

    op.create_table(
        "school_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("from_puf", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_school_note_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.id"], name=op.f("fk_school_note_run_id_run"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_school_note_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_note")),
    )
    with op.batch_alter_table("school_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_note_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_school_note_school_id"), ["school_id"], unique=False)

    op.create_table(
        "report_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("school_name", sa.String(length=200), nullable=False),
        sa.Column("module_slug", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["report_draft.id"],
            name=op.f("fk_report_quote_draft_id_report_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_up.id"],
            name=op.f("fk_report_quote_follow_up_id_follow_up"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_quote")),
        sa.UniqueConstraint("draft_id", "follow_up_id", name="uq_report_quote_draft_follow_up"),
    )
    with op.batch_alter_table("report_quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_quote_draft_id"), ["draft_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_quote_draft_id"))

    op.drop_table("report_quote")
    with op.batch_alter_table("school_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_note_school_id"))
        batch_op.drop_index(batch_op.f("ix_school_note_run_id"))

    op.drop_table("school_note")
    with op.batch_alter_table("progress_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_snapshot_taken_on")
        batch_op.drop_index(batch_op.f("ix_progress_snapshot_run_id"))

    op.drop_table("progress_snapshot")
    op.drop_table("report_draft")
