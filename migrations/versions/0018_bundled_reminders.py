"""bundled reminders: one e-mail per person and kind of e-mail in each `notify send`

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 16:40:00

Each reminder is still recorded once per (user, key); those carried in another reminder's
e-mail are ``bundled`` and point at the row that holds the e-mail.
"""

from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD = "status IN ('queued', 'sending', 'sent', 'logged', 'given_up', 'skipped')"
NEW = "status IN ('queued', 'sending', 'sent', 'logged', 'given_up', 'skipped', 'bundled')"


def upgrade():
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bundled_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mail_outbox_bundled_into_id_mail_outbox"),
            "mail_outbox",
            ["bundled_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(op.f("ck_mail_outbox_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_mail_outbox_status"), NEW)


def downgrade():
    # A bundled reminder was e-mailed inside its bundle's mail: it counts as that mail's.
    op.execute(
        "UPDATE mail_outbox SET status = 'skipped', bundled_into_id = NULL WHERE status = 'bundled'"
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_mail_outbox_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_mail_outbox_status"), OLD)
        batch_op.drop_constraint(
            batch_op.f("fk_mail_outbox_bundled_into_id_mail_outbox"), type_="foreignkey"
        )
        batch_op.drop_column("bundled_into_id")
