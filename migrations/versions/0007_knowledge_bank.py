"""knowledge bank: curation states, files, modules and findings, Danish full-text search

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:45:00

The resource gains the states rejected (with a reason) and unpublished, an outside source's
name, a use count, an uploaded file's key, name, type and size; its one module slug becomes a
list of modules and of findings (two small tables).

Search differs by database and lives outside the ORM metadata (learningpack/models/bank.py):
PostgreSQL gets a GIN index over to_tsvector('danish', …); SQLite an FTS5 table of Danish stems
(rowid = resource.id) that the app fills on every write. Rows present before this revision are
indexed by ``flask bank reindex``.
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('proposed', 'published')"
NEW_STATUSES = "status IN ('proposed', 'published', 'rejected', 'unpublished')"
SEARCH_VECTOR = (
    "to_tsvector('danish'::regconfig, "
    "title || ' ' || body || ' ' || source_name || ' ' || file_name)"
)


def _resource_as_before():
    """The table as revision 0001 made it: SQLite's batch copy keeps its CHECK constraints."""
    return sa.Table(
        "resource",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=19), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("module_slug", sa.String(length=80), nullable=True),
        sa.Column("source_school_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=13), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('parent_meetings', 'parent_councils', 'processes', 'knowledge')",
            name="ck_resource_category",
        ),
        sa.CheckConstraint(OLD_STATUSES, name="ck_resource_status"),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["user.id"], name="fk_resource_proposed_by_id_user"
        ),
        sa.ForeignKeyConstraint(
            ["source_school_id"], ["school.id"], name="fk_resource_source_school_id_school"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_resource"),
        sa.Index("ix_resource_source_school_id", "source_school_id"),
        sa.Index("ix_resource_status", "status"),
    )


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    batch = {"copy_from": _resource_as_before()} if sqlite else {}
    op.create_table(
        "resource_module",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("module_slug", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_resource_module_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_id", "module_slug", name=op.f("pk_resource_module")),
    )
    with op.batch_alter_table("resource_module", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_module_module_slug"), ["module_slug"], unique=False
        )
    op.create_table(
        "resource_finding",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("finding_key", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["resource.id"],
            name=op.f("fk_resource_finding_resource_id_resource"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("resource_id", "finding_key", name=op.f("pk_resource_finding")),
    )
    with op.batch_alter_table("resource_finding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resource_finding_finding_key"), ["finding_key"], unique=False
        )
    # The one module a resource had becomes its first entry in the list.
    op.execute(
        "INSERT INTO resource_module (resource_id, module_slug) "
        "SELECT id, module_slug FROM resource WHERE module_slug IS NOT NULL"
    )
    with op.batch_alter_table("resource", **batch) as batch_op:
        batch_op.drop_constraint(op.f("ck_resource_status"), type_="check")
        batch_op.alter_column(
            "status", existing_type=sa.String(length=13), type_=sa.String(length=15)
        )
        batch_op.add_column(
            sa.Column("source_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("rejection_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
        batch_op.add_column(
            sa.Column("use_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("file_key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("file_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("file_type", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("file_size", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_check_constraint(op.f("ck_resource_status"), NEW_STATUSES)
        batch_op.create_unique_constraint(batch_op.f("uq_resource_file_key"), ["file_key"])
        batch_op.create_index(
            "ix_resource_status_published_at", ["status", "published_at"], unique=False
        )
        batch_op.create_index("ix_resource_status_use_count", ["status", "use_count"], unique=False)
        batch_op.drop_column("module_slug")

    if sqlite:
        op.execute(
            "CREATE VIRTUAL TABLE resource_fts USING fts5("
            "terms, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        op.execute(f"CREATE INDEX ix_resource_search ON resource USING gin (({SEARCH_VECTOR}))")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TABLE IF EXISTS resource_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_resource_search")
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("module_slug", sa.String(length=80), nullable=True))
    op.execute(
        "UPDATE resource SET module_slug = (SELECT min(module_slug) FROM resource_module "
        "WHERE resource_module.resource_id = resource.id)"
    )
    # The old states cannot say rejected or unpublished: such a resource is a proposal again.
    op.execute(
        "UPDATE resource SET status = 'proposed' WHERE status NOT IN ('proposed', 'published')"
    )
    with op.batch_alter_table("resource_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_finding_finding_key"))
    op.drop_table("resource_finding")
    with op.batch_alter_table("resource_module", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_module_module_slug"))
    op.drop_table("resource_module")
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_index("ix_resource_status_use_count")
        batch_op.drop_index("ix_resource_status_published_at")
        batch_op.drop_constraint(batch_op.f("uq_resource_file_key"), type_="unique")
        batch_op.drop_constraint(op.f("ck_resource_status"), type_="check")
        batch_op.drop_column("file_size")
        batch_op.drop_column("file_type")
        batch_op.drop_column("file_name")
        batch_op.drop_column("file_key")
        batch_op.drop_column("use_count")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("rejection_reason")
        batch_op.drop_column("source_name")
        batch_op.alter_column(
            "status", existing_type=sa.String(length=15), type_=sa.String(length=13)
        )
        batch_op.create_check_constraint(op.f("ck_resource_status"), OLD_STATUSES)
