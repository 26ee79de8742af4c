"""Schools as PUF manages them: create, rename, district, (de)activate, import from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select

from learningpack.domain.areas import area_names, known_area
from learningpack.domain.privacy import has_control_characters, personal_data_in
from learningpack.domain.refusals import Refusal, Refused, refusal
from learningpack.extensions import db
from learningpack.models import School, User
from learningpack.models.audit import record

NAME_MAX = 200
DISTRICT_MAX = 120
_HEADER_NAMES = {"navn", "name", "skole", "school", "skolenavn"}


class SchoolRefused(Refused):
    """A change to a school the rules do not allow; ``refusals`` say why (codes)."""


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one line of an import file (``line`` 0: with the whole file)."""

    line: int
    text: str
    reason: Refusal


def _guard(name: str, district: str) -> None:
    found = personal_data_in(name=name, district=district)
    if found is not None:
        raise SchoolRefused([found])
    if has_control_characters(name + district):
        raise SchoolRefused.one("control_characters")


def _area(district: str) -> str:
    """The area as the list spells it ("" for none); SchoolRefused when it is not on the list."""
    if not district:
        return ""
    name = known_area(district)
    if name is None:
        raise SchoolRefused.one("area_unknown", area=district)
    return name


def name_taken(name: str, *, except_id: int | None = None) -> bool:
    query = select(School.id).where(func.lower(School.name) == name.strip().lower())
    if except_id is not None:
        query = query.where(School.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def create_school(name: str, district: str, actor: User) -> School:
    """A new school (names are unique, ignoring case; no CPR number, no control characters)."""
    name, district = name.strip(), district.strip()
    _guard(name, district)
    if name_taken(name):
        raise SchoolRefused.one("school_name_taken")
    district = _area(district)
    school = School(name=name, district=district)
    db.session.add(school)
    db.session.flush()
    record("school_created", actor=actor, obj=school, school_id=school.id, name=name)
    return school


def update_school(school: School, name: str, district: str, actor: User) -> None:
    """Rename a school and/or set its district (an area on PUF's list, or none)."""
    name, district = name.strip(), district.strip()
    _guard(name, district)
    if name_taken(name, except_id=school.id):
        raise SchoolRefused.one("school_name_taken")
    district = _area(district)
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
    """A deactivated school's users cannot log in, and every session they have ends (it does not
    come back when the school is reactivated); its data stays."""
    if school.active == active:
        return
    school.active = active
    if not active:
        for user in db.session.scalars(select(User).where(User.school_id == school.id)):
            user.end_sessions()
    record(
        "school_reactivated" if active else "school_deactivated",
        actor=actor,
        obj=school,
        school_id=school.id,
    )
    db.session.flush()


def parse_school_csv(data: bytes) -> tuple[list[tuple[str, str]], list[RowProblem]]:
    """Rows (name, district) of a CSV file, and every problem found (with the line number).

    UTF-8 with or without BOM; ``;`` or ``,`` between the columns; any line ending (CR, LF,
    CRLF); a header line is skipped. A file the CSV reader cannot read (a field over its limit,
    a stray quote) is one problem, never an error.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowProblem(0, "", refusal("csv_not_utf8"))]
    text = "\n".join(text.splitlines())
    try:
        return _parse_rows(text)
    except csv.Error:
        return [], [RowProblem(0, "", refusal("csv_unreadable"))]


def _parse_rows(text: str) -> tuple[list[tuple[str, str]], list[RowProblem]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first else ","
    rows: list[tuple[str, str]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    existing = {n.lower() for n in db.session.scalars(select(School.name))}
    areas = area_names()
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not any(c.strip() for c in cells):
            continue
        name = cells[0].strip()
        district = cells[1].strip() if len(cells) > 1 else ""
        shown = delimiter.join(cells)
        if not rows and not problems and not seen and name.lower() in _HEADER_NAMES:
            continue
        key = name.lower()
        reason = None
        if not name:
            reason = refusal("csv_name_missing")
        elif len(name) > NAME_MAX:
            reason = refusal("csv_name_too_long", max=NAME_MAX)
        elif len(district) > DISTRICT_MAX:
            reason = refusal("csv_district_too_long", max=DISTRICT_MAX)
        elif key in seen:
            reason = refusal("csv_duplicate_line", line=seen[key])
        elif key in existing:
            reason = refusal("csv_school_exists")
        elif has_control_characters(name + district):
            reason = refusal("control_characters")
        else:
            reason = personal_data_in(name=name, district=district)
        if reason is None and district and district.lower() not in areas:
            reason = refusal("csv_area_unknown", area=district)
        if reason is None:
            rows.append((name, areas.get(district.lower(), "")))
        else:
            problems.append(RowProblem(number, shown, reason))
        if name:
            seen.setdefault(key, number)
    if not rows and not problems:
        problems.append(RowProblem(0, "", refusal("csv_no_schools")))
    return rows, problems


def import_schools(rows: list[tuple[str, str]], actor: User) -> list[School]:
    """Create every school in one go (the caller commits once: all or nothing)."""
    schools = [School(name=name, district=district) for name, district in rows]
    db.session.add_all(schools)
    db.session.flush()
    record("schools_imported", actor=actor, count=len(schools))
    return schools
