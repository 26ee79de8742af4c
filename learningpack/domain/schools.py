"""Schools as PUF manages them: create, rename, district, (de)activate, import from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import School, User
from learningpack.models.audit import record

NAME_MAX = 200
DISTRICT_MAX = 120
_HEADER_NAMES = {"navn", "name", "skole", "school", "skolenavn"}


class SchoolRefused(Exception):
    """The change to a school is not allowed; the message says why, in the user's language."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    line: int
    text: str
    reason: LazyString


def name_taken(name: str, *, except_id: int | None = None) -> bool:
    query = select(School.id).where(func.lower(School.name) == name.strip().lower())
    if except_id is not None:
        query = query.where(School.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def create_school(name: str, district: str, actor: User) -> School:
    """A new school (names are unique, ignoring case)."""
    name, district = name.strip(), district.strip()
    if name_taken(name):
        raise SchoolRefused(_l("Der findes allerede en skole med det navn."))
    school = School(name=name, district=district)
    db.session.add(school)
    db.session.flush()
    record("school_created", actor=actor, obj=school, school_id=school.id, name=name)
    return school


def update_school(school: School, name: str, district: str, actor: User) -> None:
    """Rename a school and/or set its district."""
    name, district = name.strip(), district.strip()
    if name_taken(name, except_id=school.id):
        raise SchoolRefused(_l("Der findes allerede en skole med det navn."))
    changes = {}
    if school.name != name:
        changes["old_name"] = school.name
        changes["new_name"] = name
    if school.district != district:
        changes["old_district"] = school.district
        changes["new_district"] = district
    school.name, school.district = name, district
    if changes:
        record("school_updated", actor=actor, obj=school, school_id=school.id, **changes)
    db.session.flush()


def set_school_active(school: School, active: bool, actor: User) -> None:
    """A deactivated school's users cannot log in; its data stays."""
    if school.active == active:
        return
    school.active = active
    record(
        "school_reactivated" if active else "school_deactivated",
        actor=actor,
        obj=school,
        school_id=school.id,
    )
    db.session.flush()


def parse_school_csv(data: bytes) -> tuple[list[tuple[str, str]], list[RowProblem]]:
    """Rows (name, district) of a CSV file, and every problem found (with the line number).

    UTF-8 with or without BOM; ``;`` or ``,`` between the columns; a header line is skipped.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowProblem(0, "", _l("Filen er ikke i UTF-8. Gem den som “CSV UTF-8”."))]
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first else ","
    rows: list[tuple[str, str]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    existing = {n.lower() for n in db.session.scalars(select(School.name))}
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not any(c.strip() for c in cells):
            continue
        name = cells[0].strip()
        district = cells[1].strip() if len(cells) > 1 else ""
        shown = delimiter.join(cells)
        if not rows and not problems and not seen and name.lower() in _HEADER_NAMES:
            continue
        key = name.lower()
        if not name:
            problems.append(RowProblem(number, shown, _l("Skolens navn mangler.")))
        elif len(name) > NAME_MAX:
            problems.append(
                RowProblem(
                    number, shown, _l("Navnet er for langt (højst %(max)d tegn).", max=NAME_MAX)
                )
            )
        elif len(district) > DISTRICT_MAX:
            problems.append(
                RowProblem(
                    number,
                    shown,
                    _l("Området er for langt (højst %(max)d tegn).", max=DISTRICT_MAX),
                )
            )
        elif key in seen:
            problems.append(
                RowProblem(number, shown, _l("Skolen står også på linje %(line)d.", line=seen[key]))
            )
        elif key in existing:
            problems.append(RowProblem(number, shown, _l("Skolen findes allerede.")))
        else:
            rows.append((name, district))
        if name:
            seen.setdefault(key, number)
    if not rows and not problems:
        problems.append(RowProblem(0, "", _l("Filen indeholder ingen skoler.")))
    return rows, problems


def import_schools(rows: list[tuple[str, str]], actor: User) -> list[School]:
    """Create every school in one go (the caller commits once: all or nothing)."""
    schools = [School(name=name, district=district) for name, district in rows]
    db.session.add_all(schools)
    db.session.flush()
    record("schools_imported", actor=actor, count=len(schools))
    return schools
