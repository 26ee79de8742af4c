"""Areas (områder): PUF's managed list. A school's ``district`` names one of them (or none).

Names are unique ignoring case. Renaming an area moves its schools (and report drafts) to the
new name; an area still in use cannot be removed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from learningpack.domain.privacy import has_control_characters, personal_data_in
from learningpack.domain.refusals import Refused
from learningpack.domain.tallies import rename_district
from learningpack.extensions import db
from learningpack.models import Area, ReportDraft, School, User
from learningpack.models.audit import record
from learningpack.models.people import area_key
from learningpack.models.types import utcnow

AREA_MAX = 120


class AreaRefused(Refused):
    """A change to the list of areas the rules do not allow; ``refusals`` say why (codes)."""


def all_areas() -> list[Area]:
    """Every area (the caller sorts for display)."""
    return list(db.session.scalars(select(Area)))


def area_names() -> dict[str, str]:
    """Every area's name by its case-insensitive key (one query)."""
    rows = db.session.execute(select(Area.name_key, Area.name))
    return {str(key): str(name) for key, name in rows}


def known_area(name: str) -> str | None:
    """The area's name as the list spells it, for a name typed in any case; None if unknown."""
    key = area_key(name)
    if not key:
        return None
    return db.session.scalar(select(Area.name).where(Area.name_key == key))


def schools_in(area: Area) -> int:
    """How many schools lie in the area."""
    count = db.session.scalar(select(func.count(School.id)).where(School.district == area.name))
    return int(count or 0)


def _check_name(name: str, except_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise AreaRefused.one("area_name_missing")
    if len(name) > AREA_MAX:
        raise AreaRefused.one("area_name_too_long", max=AREA_MAX)
    if has_control_characters(name):
        raise AreaRefused.one("control_characters")
    found = personal_data_in(name=name)
    if found is not None:
        raise AreaRefused([found])
    taken = select(Area.id).where(Area.name_key == area_key(name))
    if except_id is not None:
        taken = taken.where(Area.id != except_id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise AreaRefused.one("area_name_taken", name=name)
    return name


def create_area(name: str, actor: User) -> Area:
    """Add an area to the list."""
    name = _check_name(name)
    area = Area(name=name)
    db.session.add(area)
    db.session.flush()
    record("area_created", actor=actor, obj=area, name=name)
    return area


def rename_area(area: Area, name: str, actor: User) -> None:
    """Rename an area; its schools and report drafts follow (a change of case is a rename too)."""
    name = _check_name(name, except_id=area.id)
    old = area.name
    if name == old:
        return
    area.name = name
    # Bulk: the flush hook (models/page_versions.py) does not see it, so the schools' pages
    # are told here.
    db.session.execute(
        update(School)
        .where(School.district == old)
        .values(district=name, people_version=School.people_version + 1, changed_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.execute(
        update(ReportDraft).where(ReportDraft.district == old).values(district=name),
        execution_options={"synchronize_session": "fetch"},
    )
    rename_district(old, name)  # the area's past in the progress tallies
    record("area_renamed", actor=actor, obj=area, old_name=old, new_name=name)
    db.session.flush()


def remove_area(area: Area, actor: User) -> None:
    """Remove an area no school lies in."""
    in_use = schools_in(area)
    if in_use:
        raise AreaRefused.one("area_in_use", name=area.name, count=in_use)
    record("area_removed", actor=actor, name=area.name)
    db.session.delete(area)
    db.session.flush()


def ensure_areas(names: Iterable[str]) -> None:
    """The seeds' areas: add those not on the list yet (no audit: no person did it)."""
    known = set(area_names())
    for name in names:
        key = area_key(name)
        if key and key not in known:
            db.session.add(Area(name=name.strip()))
            known.add(key)
    db.session.flush()
