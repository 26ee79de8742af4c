"""Schools as PUF manages them: the refusals are codes with their parameters."""

from __future__ import annotations

import pytest
from flask import Flask

from learningpack.domain import schools
from learningpack.domain.areas import ensure_areas
from learningpack.domain.refusals import refusal
from tests.factories import SchoolFactory, make_puf


def test_every_bad_line_of_an_import_is_a_code_with_its_line(app: Flask) -> None:
    SchoolFactory(name="Kildeskolen")
    ensure_areas(["Nord", "Syd", "Vest", "Øst"])
    content = (
        "Navn;Område\n"
        "Lystrup Skole;Nord\n"
        ";Syd\n"
        f"{'x' * 201};Vest\n"
        f"Tranbjerg;{'y' * 121}\n"
        "lystrup skole;Øst\n"
        "kildeskolen;Nord\n"
    ).encode()
    rows, problems = schools.parse_school_csv(content)
    assert rows == [("Lystrup Skole", "Nord")]
    assert [(p.line, p.reason) for p in problems] == [
        (3, refusal("csv_name_missing")),
        (4, refusal("csv_name_too_long", max=schools.NAME_MAX)),
        (5, refusal("csv_district_too_long", max=schools.DISTRICT_MAX)),
        (6, refusal("csv_duplicate_line", line=2)),
        (7, refusal("csv_school_exists")),
    ]


@pytest.mark.parametrize(
    ("content", "code"),
    [("Ærø Skole;Syd\n".encode("latin-1"), "csv_not_utf8"), (b"navn\n\n", "csv_no_schools")],
)
def test_a_file_that_cannot_be_read_is_one_problem(app: Flask, content: bytes, code: str) -> None:
    assert schools.parse_school_csv(content) == ([], [schools.RowProblem(0, "", refusal(code))])


def test_school_names_are_unique_ignoring_case(app: Flask) -> None:
    SchoolFactory(name="Kildeskolen")
    other = SchoolFactory(name="Lystrup Skole")
    puf = make_puf()
    with pytest.raises(schools.SchoolRefused) as info:
        schools.create_school("KILDESKOLEN", "", puf)
    assert info.value.refusals == (refusal("school_name_taken"),)
    with pytest.raises(schools.SchoolRefused) as info:
        schools.update_school(other, " kildeskolen ", "Nord", puf)
    assert info.value.codes == ["school_name_taken"]
