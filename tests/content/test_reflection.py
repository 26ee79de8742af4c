"""The common approach's reflection questions per principle (package.yaml, issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from learningpack.content import check_content, load_library
from learningpack.content.model import CommonApproach, Reflection

REAL_CONTENT = Path(__file__).parents[2] / "content"

YAML = """\
slug: pakke
title: En pakke
version: 1
intro: Intro.
modules: [alpha]
findings:
  - key: F1
    title: Fund
    summary: Fund.
common_approach:
  title: Fælles tilgang
  status: Udkast
  intro: Et udkast.
  principles:
    - Forældre er vigtige.
    - Vi skaber rammerne.
{reflection}"""

MODULE = """\
---
slug: alpha
title: Alpha
summary: Kort.
findings: [F1]
duration_minutes: 10
---

## Formål

Hvorfor.

## Videnoplæg

Viden.

## Drøftelse

1. Spørgsmål?

## Aktionsforslag

- Prøv. Hvad vi forventer at se: Mere snak. Sådan opdager vi det: Vi tæller.

## Opsamling

1. Hvad lærte vi?

## Facilitatorguide

| Tid | Minutter | Aktivitet | Sådan gør I |
|---|---|---|---|
| 0–10 | 10 | Velkomst | Kort. |

## Til forældre

Til forældre.

## Til skolebestyrelsen

Til bestyrelsen.
"""

TWO = """\
  reflection:
    - staff: ["Hvad gør vi?"]
      board: ["Hvad mener bestyrelsen?"]
    - staff: ["Hvem deltager?", "Hvem mangler?"]
      board: ["Hvilke principper?"]
"""


def tree(tmp_path: Path, reflection: str) -> Path:
    folder = tmp_path / "content" / "pakke"
    folder.mkdir(parents=True)
    (folder / "package.yaml").write_text(YAML.format(reflection=reflection), encoding="utf-8")
    (folder / "01-alpha.md").write_text(MODULE, encoding="utf-8")
    return tmp_path / "content"


def test_reflection_questions_are_loaded_per_principle(tmp_path: Path) -> None:
    approach = load_library(tree(tmp_path, TWO)).package("pakke").common_approach
    assert approach.reflections[1] == Reflection(
        ("Hvem deltager?", "Hvem mangler?"), ("Hvilke principper?",)
    )
    assert approach.principles_with_reflection[0] == (
        "Forældre er vigtige.",
        Reflection(("Hvad gør vi?",), ("Hvad mener bestyrelsen?",)),
    )
    assert approach.is_draft


def test_reflection_is_optional(tmp_path: Path) -> None:
    approach = load_library(tree(tmp_path, "")).package("pakke").common_approach
    assert approach.reflections == ()
    assert [r for _, r in approach.principles_with_reflection] == [None, None]


@pytest.mark.parametrize(
    ("reflection", "line", "message"),
    [
        ("  reflection:\n    - staff: [A]\n      board: [B]\n", 17,
         '"common_approach.reflection" must be a list of 2 items'),
        ("  reflection: nej\n", 17, '"common_approach.reflection" must be a list of 2 items'),
        ("  reflection:\n    - Et spørgsmål\n    - staff: [A]\n      board: [B]\n", 18,
         "a reflection must be a mapping (staff, board)"),
        ("  reflection:\n    - staff: [A]\n    - staff: [A]\n      board: []\n", 18,
         'missing required key "common_approach.reflection[0].board"'),
        ("  reflection:\n    - staff: [A]\n      board: [B]\n    - staff: [A]\n      board: []\n",
         21, '"common_approach.reflection[1].board" must be a non-empty list of strings'),
    ],
)  # fmt: skip
def test_bad_reflection_is_reported_with_its_line(
    tmp_path: Path, reflection: str, line: int, message: str
) -> None:
    problems = check_content(tree(tmp_path, reflection))
    assert any(p.line == line and message in p.message for p in problems), problems


def test_the_real_package_has_questions_for_every_principle() -> None:
    approach = load_library(REAL_CONTENT).package("foraeldresamarbejde").common_approach
    assert len(approach.reflections) == len(approach.principles) > 0
    assert all(r.staff and r.board for r in approach.reflections)


def test_a_status_that_is_not_a_draft() -> None:
    assert not CommonApproach("T", "Vedtaget 2027", "", ("P",)).is_draft
