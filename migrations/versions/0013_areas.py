"""areas: PUF's managed list of areas (områder), made from the schools' districts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 13:10:00

A school's ``district`` stays a string (every reader filters on it); from now on it names an
area of this list. The list starts as the distinct districts in use. Spellings that differ only
in case (»vest«, »Vest«) become one area, with the spelling most schools use (on a tie, the one
with the most capitals, then the first in order), and the schools are moved to that spelling.
"""

from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def best_spelling(counts: dict[str, int]) -> str:
    """The spelling to keep among case variants, with the number of schools using each."""
    return min(counts, key=lambda name: (-counts[name], -sum(c.isupper() for c in name), name))


def upgrade():
    area = op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("name", name=op.f("uq_area_name")),
        sa.UniqueConstraint("name_key", name=op.f("uq_area_name_key")),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT district, COUNT(*) FROM school WHERE district <> '' GROUP BY district"
        )
    ).all()
    variants: dict[str, dict[str, int]] = defaultdict(dict)
    for district, count in rows:
        name = district.strip()
        if name:
            key = name.lower()
            variants[key][district] = variants[key].get(district, 0) + int(count)
    keep = {key: best_spelling(counts).strip() for key, counts in variants.items()}
    if keep:
        op.bulk_insert(area, [{"name": name, "name_key": key} for key, name in keep.items()])
    school = sa.table("school", sa.column("district", sa.String))
    for key, counts in variants.items():
        others = [d for d in counts if d != keep[key]]
        if others:
            bind.execute(
                school.update().where(school.c.district.in_(others)).values(district=keep[key])
            )


def downgrade():
    op.drop_table("area")
