"""school_progress: one summary row per school and package; school.sort_key (Danish order)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 13:20:00

The overview, the API and the exports read one row per school (kept up to date on write by
``domain/school_progress.py``) instead of every cycle; the database sorts schools by the stored
Danish key (compared byte-wise: ``COLLATE "C"`` on PostgreSQL). Both are filled here from the
data already stored.
"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_DANISH = str.maketrans(
    {"æ": "z{", "ä": "z{", "ø": "z|", "ö": "z|", "å": "z}", "é": "e", "ü": "y", "á": "a"}
)

# Each school's newest run of each package (latest start, then highest id) with its cycles.
FILL = """
INSERT INTO school_progress (
    school_id, package_slug, run_id, started_at, finished, last_activity_at, current_position,
    current_phase, current_opened_at, completed_count, cycle_count, meeting_count, action_count,
    done_action_count, log_entry_count, follow_up_count)
SELECT r.school_id, r.package_slug, r.id, r.started_at, r.completed_at IS NOT NULL,
    CASE WHEN MAX(c.last_activity_at) IS NOT NULL AND MAX(c.last_activity_at) > r.started_at
         THEN MAX(c.last_activity_at) ELSE r.started_at END,
    (SELECT c2.position FROM cycle c2 WHERE c2.run_id = r.id AND c2.state = 'active'
     ORDER BY c2.position LIMIT 1),
    (SELECT c2.phase FROM cycle c2 WHERE c2.run_id = r.id AND c2.state = 'active'
     ORDER BY c2.position LIMIT 1),
    (SELECT c2.opened_at FROM cycle c2 WHERE c2.run_id = r.id AND c2.state = 'active'
     ORDER BY c2.position LIMIT 1),
    COALESCE(SUM(CASE WHEN c.state = 'completed' THEN 1 ELSE 0 END), 0),
    COUNT(c.id),
    COALESCE(SUM(c.session_count), 0), COALESCE(SUM(c.action_count), 0),
    COALESCE(SUM(c.done_action_count), 0), COALESCE(SUM(c.log_entry_count), 0),
    COALESCE(SUM(c.follow_up_count), 0)
FROM run r LEFT OUTER JOIN cycle c ON c.run_id = r.id
WHERE NOT EXISTS (
    SELECT 1 FROM run n WHERE n.school_id = r.school_id AND n.package_slug = r.package_slug
    AND (n.started_at > r.started_at OR (n.started_at = r.started_at AND n.id > r.id)))
GROUP BY r.id, r.school_id, r.package_slug, r.started_at, r.completed_at
"""


def upgrade():
    sort_key = sa.String(length=400).with_variant(
        sa.String(length=400, collation="C"), "postgresql"
    )
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_key", sort_key, server_default="", nullable=False))
        batch_op.create_index("ix_school_sort_key", ["sort_key", "id"], unique=False)
        batch_op.create_index(
            "ix_school_district_sort_key", ["district", "sort_key", "id"], unique=False
        )
    bind = op.get_bind()
    school = sa.table(
        "school", sa.column("id", sa.Integer), sa.column("name"), sa.column("sort_key")
    )
    for school_id, name in bind.execute(sa.select(school.c.id, school.c.name)).all():
        key = name.casefold().replace("aa", "å").translate(_DANISH)
        bind.execute(school.update().where(school.c.id == school_id).values(sort_key=key))

    op.create_table(
        "school_progress",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("package_slug", sa.String(length=80), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_position", sa.Integer(), nullable=True),
        sa.Column("current_phase", sa.String(length=20), nullable=True),
        sa.Column("current_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cycle_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("meeting_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("action_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done_action_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("log_entry_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("follow_up_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["run.id"], name=op.f("fk_school_progress_run_id_run"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_school_progress_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "package_slug", name=op.f("pk_school_progress")),
    )
    with op.batch_alter_table("school_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_progress_run_id"), ["run_id"], unique=True)
        batch_op.create_index(
            "ix_school_progress_stalled",
            ["package_slug", "finished", "last_activity_at"],
            unique=False,
        )
    op.execute(FILL)


def downgrade():
    with op.batch_alter_table("school_progress", schema=None) as batch_op:
        batch_op.drop_index("ix_school_progress_stalled")
        batch_op.drop_index(batch_op.f("ix_school_progress_run_id"))
    op.drop_table("school_progress")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_index("ix_school_district_sort_key")
        batch_op.drop_index("ix_school_sort_key")
        batch_op.drop_column("sort_key")
