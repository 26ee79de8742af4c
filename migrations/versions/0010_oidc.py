"""single sign-on: OpenID Connect identity links; per-school password sign-in for linked staff

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:45:00

A link is the provider's stable subject (``sub``) for one account; the school's flag turns
password sign-in off for its staff who have such a link.
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oidc_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_oidc_identity_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_identity")),
        sa.UniqueConstraint("provider", "subject", name="uq_oidc_identity_provider_subject"),
        sa.UniqueConstraint("provider", "user_id", name="uq_oidc_identity_provider_user_id"),
    )
    with op.batch_alter_table("oidc_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oidc_identity_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "password_off_for_linked", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("password_off_for_linked")
    with op.batch_alter_table("oidc_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_identity_user_id"))
    op.drop_table("oidc_identity")
