"""Tests for learningpack.content: loading, validation with file:line problems, rendering."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from learningpack.content import (
    AgendaStep,
    ContentError,
    Library,
    Problem,
    check_content,
    get_library,
    init_app,
    load_library,
    render_markdown,
)

REAL_CONTENT = Path(__file__).parents[2] / "content"
PACKAGE = "pakke"

PACKAGE_YAML = """\
slug: pakke
title: En pakke
version: 2
intro: |
  Pakken handler om *forældre*.
modules:
  - alpha
  - beta
findings:
  - key: F1
    title: Fund et
    summary: Første **fund**.
  - key: F2
    title: Fund to
    summary: Andet fund.
common_approach:
  title: Fælles tilgang
  status: Udkast
  intro: Tilgangen er et *udkast*.
  principles:
    - Forældre er vigtige.
    - Vi skaber rammerne.
"""

MODULE_MD = """\
---
slug: {slug}
title: Modul {slug}
summary: Et kort resume.
findings: [F1, F2]
duration_minutes: 60
---

## Formål

Hvorfor vi gør det.

## Videnoplæg

Viden om fællesskaber.

### Undersøgelsen

Mere viden.

## Drøftelse

1. Hvad gør vi i dag?
2. Hvad virker *godt*?

## Aktionsforslag

- Prøv noget **småt**. Hvad vi forventer at se: Mere snak. Sådan opdager vi det: Vi tæller.
- Observer bagefter. Hvad vi forventer at se: Ro. Sådan opdager vi det: Vi spørger.

## Opsamling

1. Hvad skete der?
2. Hvad lærte vi?
3. Fastholde, justere eller stoppe?

## Facilitatorguide

| Tid | Minutter | Aktivitet | Sådan gør I |
|---|---|---|---|
| 0–10 | 10 | Velkomst | Lederen rammesætter. |
| 10–60 | 50 | Drøftelse | I grupper på *fire*. |

## Til forældre

En kort tekst til forældrene om F1.

## Til skolebestyrelsen

En kort tekst til bestyrelsen.
"""


def make_tree(tmp_path: Path) -> Path:
    """Write a small valid content tree (one package, two modules); return its content dir."""
    folder = tmp_path / "content" / PACKAGE
    folder.mkdir(parents=True)
    (folder / "package.yaml").write_text(PACKAGE_YAML, encoding="utf-8")
    for number, slug in enumerate(("alpha", "beta"), 1):
        (folder / f"0{number}-{slug}.md").write_text(MODULE_MD.format(slug=slug), encoding="utf-8")
    return tmp_path / "content"


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    """A mutation replacing one exact text in content/pakke/<name>."""

    def mutate(content: Path) -> None:
        path = content / PACKAGE / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def write(name: str, text: str) -> Callable[[Path], None]:
    """A mutation writing a whole file content/pakke/<name>."""
    return lambda content: (content / PACKAGE / name).write_text(text, encoding="utf-8")


ALPHA, BETA, YAML = "01-alpha.md", "02-beta.md", "package.yaml"
ALPHA_GAMMA = MODULE_MD.format(slug="gamma")


@pytest.mark.parametrize(
    ("mutate", "name", "line", "message"),
    [
        pytest.param(edit(YAML, "title: En pakke", "title: [oops"), YAML, 3, "invalid YAML",
                     id="package-yaml-syntax"),
        pytest.param(edit(ALPHA, "summary: Et kort", "summary: Et: kort"), ALPHA, 4,
                     "invalid YAML", id="front-matter-syntax"),
        pytest.param(edit(YAML, "title: En pakke\n", ""), YAML, 1,
                     'missing required key "title"', id="package-missing-key"),
        pytest.param(edit(YAML, "version: 2", "version: two"), YAML, 3,
                     '"version" must be an integer', id="package-wrong-type"),
        pytest.param(edit(YAML, "slug: pakke", "slug: other"), YAML, 1,
                     'must equal the folder name "pakke"', id="package-slug-not-folder"),
        pytest.param(edit(YAML, "  title: Fælles tilgang\n", ""), YAML, 16,
                     'missing required key "common_approach.title"', id="approach-missing-key"),
        pytest.param(edit(YAML, "- key: F2", "- key: F1"), YAML, 13,
                     'duplicate finding key "F1"', id="duplicate-finding-key"),
        pytest.param(edit(YAML, "version: 2", "version: 2\nextra: 1"), YAML, 4,
                     'unknown key "extra"', id="package-unknown-key"),
        pytest.param(edit(ALPHA, "duration_minutes: 60\n", ""), ALPHA, 1,
                     'missing required key "duration_minutes"', id="module-missing-key"),
        pytest.param(edit(ALPHA, "duration_minutes: 60", "duration_minutes: -5"), ALPHA, 6,
                     '"duration_minutes" must be a positive integer', id="module-wrong-type"),
        pytest.param(edit(ALPHA, "findings: [F1, F2]", "findings: []"), ALPHA, 5,
                     '"findings" must be a non-empty list', id="module-no-findings"),
        pytest.param(edit(ALPHA, "slug: alpha", "slug: Alpha_1"), ALPHA, 2,
                     'slug "Alpha_1" must be lowercase', id="module-bad-slug"),
        pytest.param(edit(ALPHA, "---\nslug", "slug"), ALPHA, 1, "missing front matter",
                     id="no-front-matter"),
        pytest.param(edit(ALPHA, "duration_minutes: 60\n---", "duration_minutes: 60"), ALPHA, 1,
                     "front matter is not closed", id="front-matter-not-closed"),
        pytest.param(edit(YAML, "  - beta", "  - beta\n  - gamma"), YAML, 9,
                     'unknown module "gamma"', id="unknown-module"),
        pytest.param(edit(YAML, "  - beta", "  - beta\n  - alpha"), YAML, 9,
                     'duplicate module "alpha"', id="duplicate-in-order"),
        pytest.param(write("03-gamma.md", ALPHA_GAMMA), "03-gamma.md", 2,
                     'module "gamma" is not listed', id="file-not-in-order"),
        pytest.param(write("03-copy.md", MODULE_MD.format(slug="beta")), "03-copy.md", 2,
                     'duplicate module slug "beta" (also used by content/pakke/02-beta.md)',
                     id="two-files-same-slug"),
        pytest.param(edit(ALPHA, "\n## Til skolebestyrelsen\n\nEn kort tekst til "
                          "bestyrelsen.\n", ""), ALPHA, 46,
                     'missing section "Til skolebestyrelsen"', id="missing-last"),
        pytest.param(edit(ALPHA, "## Til forældre\n", "## Til forældre og skolebestyrelse\n"),
                     ALPHA, 44, 'unknown section "Til forældre og skolebestyrelse"',
                     id="old-parents-heading"),
        pytest.param(edit(ALPHA, "## Opsamling\n\n1. Hvad skete der?\n2. Hvad lærte vi?\n"
                          "3. Fastholde, justere eller stoppe?\n\n", ""), ALPHA, 31,
                     'missing section "Opsamling"', id="missing-middle"),
        pytest.param(edit(ALPHA, "## Formål\n\nHvorfor vi gør det.\n\n## Videnoplæg\n\n"
                          "Viden om fællesskaber.\n",
                          "## Videnoplæg\n\nViden om fællesskaber.\n\n## Formål\n\n"
                          "Hvorfor vi gør det.\n"), ALPHA, 13,
                     'section "Formål" is out of order', id="out-of-order"),
        pytest.param(edit(ALPHA, "## Formål", "## Formaal"), ALPHA, 9,
                     'unknown section "Formaal"', id="unknown-section"),
        pytest.param(edit(ALPHA, "## Opsamling", "## Drøftelse\n\n1. Igen?\n\n## Opsamling"),
                     ALPHA, 31, 'duplicate section "Drøftelse"', id="duplicate-section"),
        pytest.param(edit(ALPHA, "Hvorfor vi gør det.\n", "   \n"), ALPHA, 9,
                     'empty section "Formål"', id="empty-section"),
        pytest.param(edit(ALPHA, "1. Hvad gør vi i dag?\n2. Hvad virker *godt*?",
                          "- Hvad gør vi i dag?"), ALPHA, 21,
                     'section "Drøftelse" has no numbered list', id="discussion-not-numbered"),
        pytest.param(edit(ALPHA, "- Prøv noget **småt**. Hvad vi forventer at se: Mere snak. "
                          "Sådan opdager vi det: Vi tæller.\n- Observer bagefter. Hvad vi "
                          "forventer at se: Ro. Sådan opdager vi det: Vi spørger.", "Prøv noget."),
                     ALPHA, 26, 'section "Aktionsforslag" has no bullet list', id="no-actions"),
        pytest.param(edit(ALPHA, "findings: [F1, F2]", "findings: [F1, F9]"), ALPHA, 5,
                     'unknown finding "F9"', id="unknown-finding"),
        pytest.param(edit(ALPHA, "| 50 |", "| 45 |"), ALPHA, 39,
                     "agenda minutes add up to 55, but duration_minutes is 60",
                     id="agenda-sum"),
        pytest.param(edit(ALPHA, "| 50 |", "| ti |"), ALPHA, 42,
                     'agenda minutes "ti" is not a whole number', id="agenda-not-number"),
        pytest.param(edit(ALPHA, "| Tid | Minutter |", "| Tid | Min |"), ALPHA, 39,
                     'found "Tid | Min | Aktivitet | Sådan gør I"', id="agenda-wrong-columns"),
        pytest.param(edit(ALPHA, "| Tid | Minutter | Aktivitet | Sådan gør I |\n|---|---|---|---|\n"
                          "| 0–10 | 10 | Velkomst | Lederen rammesætter. |\n"
                          "| 10–60 | 50 | Drøftelse | I grupper på *fire*. |", "Ingen tabel."),
                     ALPHA, 37, "missing agenda table", id="agenda-missing"),
        pytest.param(edit(ALPHA, " Sådan opdager vi det: Vi tæller.", ""), ALPHA, 28,
                     'action suggestion has no "Sådan opdager vi det" part', id="no-notice-part"),
        pytest.param(edit(ALPHA, " Hvad vi forventer at se: Ro.", ""), ALPHA, 29,
                     'action suggestion has no "Hvad vi forventer at se" part',
                     id="no-expect-part"),
        pytest.param(edit(ALPHA, "| 10–60 | 50 |", "| 10–55 | 50 |"), ALPHA, 42,
                     'agenda time "10–55" spans 45 minutes, but Minutter is 50',
                     id="time-range-not-minutes"),
        pytest.param(edit(ALPHA, "| 10–60 | 50 |", "| 15–65 | 50 |"), ALPHA, 42,
                     'agenda time "15–65" starts at 15, but the step before ends at 10',
                     id="time-range-gap"),
        pytest.param(edit(ALPHA, "| 0–10 | 10 |", "| start | 10 |"), ALPHA, 41,
                     'agenda time "start" is not a range like "0–10"', id="time-not-range"),
        pytest.param(edit(YAML, "    summary: Andet fund.", "    summary: Fund.\n    sumary: x"),
                     YAML, 16, 'unknown key "sumary" in findings[1] (expected key, title, summ',
                     id="unknown-key-in-finding"),
        pytest.param(edit(ALPHA, "Viden om fællesskaber.", "Viden om (F9)."), ALPHA, 15,
                     'finding "F9" is used in the text but not declared in package.yaml',
                     id="undeclared-finding-in-text"),
        pytest.param(lambda content: (edit(ALPHA, "[F1, F2]", "[F1]")(content),
                                      edit(ALPHA, "om fællesskaber.", "(F2).")(content)),
                     ALPHA, 15, 'finding "F2" is used in the text but not in this module',
                     id="unlisted-finding-in-text"),
    ],
)  # fmt: skip
def test_each_error_is_reported_with_file_and_line(
    tmp_path: Path, mutate: Callable[[Path], None], name: str, line: int, message: str
) -> None:
    content = make_tree(tmp_path)
    mutate(content)
    problems = check_content(content)
    expected_path = f"content/{PACKAGE}/{name}"
    assert any(
        p.path == expected_path and p.line == line and message in p.message for p in problems
    ), "\n".join(map(str, problems))
    with pytest.raises(ContentError) as caught:
        load_library(content)
    assert caught.value.problems == problems


def test_valid_tree_has_no_problems(tmp_path: Path) -> None:
    assert check_content(make_tree(tmp_path)) == []


def test_all_problems_are_collected_not_just_the_first(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    edit(ALPHA, "## Formål", "## Formaal")(content)
    edit(BETA, "| 50 |", "| 40 |")(content)
    edit(YAML, "  - beta", "  - beta\n  - gamma")(content)
    problems = [str(p) for p in check_content(content)]
    for expected in [
        'content/pakke/01-alpha.md:9: unknown section "Formaal"',
        'content/pakke/01-alpha.md:13: missing section "Formål"',
        "content/pakke/02-beta.md:39: agenda minutes add up to 50",
        'content/pakke/package.yaml:9: unknown module "gamma"',
    ]:
        assert any(p.startswith(expected) for p in problems), (expected, problems)


def test_broken_front_matter_gives_no_false_unknown_module(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    edit(ALPHA, "summary: Et kort", "summary: Et: kort")(content)
    problems = check_content(content)
    assert [(p.path, p.line) for p in problems] == [("content/pakke/01-alpha.md", 4)]


@given(st.text())
def test_render_markdown_never_passes_raw_html_through(text: str) -> None:
    assert "<script" not in render_markdown(f"<script>{text}</script>\n\n{text}")


def test_problem_str_is_file_colon_line() -> None:
    problem = Problem("content/x/01-a.md", 12, 'missing section "Opsamling"')
    assert str(problem) == 'content/x/01-a.md:12: missing section "Opsamling"'
    assert "content/x/01-a.md:12" in str(ContentError([problem]))


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda root: None, "content directory does not exist"),
        (lambda root: (root / "content").mkdir(), "no packages found"),
    ],
)
def test_missing_or_empty_content_dir(
    tmp_path: Path, setup: Callable[[Path], None], message: str
) -> None:
    setup(tmp_path)
    problems = check_content(tmp_path / "content")
    assert [p.path for p in problems] == ["content"]
    assert message in problems[0].message


def test_loaded_package_and_navigation(tmp_path: Path) -> None:
    library = load_library(make_tree(tmp_path))
    package = library.package(PACKAGE)
    assert (package.slug, package.title, package.version) == ("pakke", "En pakke", 2)
    assert package.intro_html == "<p>Pakken handler om <em>forældre</em>.</p>\n"
    assert [f.key for f in package.findings] == ["F1", "F2"]
    assert package.findings[0].summary_html == "<p>Første <strong>fund</strong>.</p>\n"
    assert package.common_approach.principles == ("Forældre er vigtige.", "Vi skaber rammerne.")
    assert "<em>udkast</em>" in package.common_approach.intro_html

    alpha, beta = package.modules
    assert package.first_module is alpha
    assert package.module("beta") is beta and package.module_at(2) is beta
    assert package.next_module("alpha") is beta
    assert package.next_module("beta") is None
    assert (alpha.position, beta.position) == (1, 2)
    with pytest.raises(KeyError):
        package.module("nope")
    with pytest.raises(IndexError):
        package.module_at(3)
    with pytest.raises(KeyError):
        library.package("nope")


def test_module_fields(tmp_path: Path) -> None:
    module = load_library(make_tree(tmp_path)).package(PACKAGE).module("alpha")
    assert module.source_path == "content/pakke/01-alpha.md"
    assert (module.title, module.summary, module.duration_minutes) == (
        "Modul alpha", "Et kort resume.", 60
    )  # fmt: skip
    assert [f.key for f in module.findings] == ["F1", "F2"]
    assert [s.key for s in module.sections] == [
        "purpose", "input", "discussion", "actions", "followup", "guide", "parents", "board"
    ]  # fmt: skip
    assert module.section("input").title == "Videnoplæg"
    assert "### Undersøgelsen" in module.section("input").markdown
    assert "<h3>Undersøgelsen</h3>" in module.section("input").html
    assert module.section("purpose").markdown.strip() == "Hvorfor vi gør det."
    assert module.discussion_questions == ("Hvad gør vi i dag?", "Hvad virker godt?")
    assert module.followup_questions[-1] == "Fastholde, justere eller stoppe?"
    assert module.action_suggestions == (
        "Prøv noget småt. Hvad vi forventer at se: Mere snak. Sådan opdager vi det: Vi tæller.",
        "Observer bagefter. Hvad vi forventer at se: Ro. Sådan opdager vi det: Vi spørger.",
    )
    with pytest.raises(KeyError):
        module.section("nope")


def test_agenda_is_parsed(tmp_path: Path) -> None:
    module = load_library(make_tree(tmp_path)).package(PACKAGE).module("beta")
    assert module.agenda == (
        AgendaStep("0–10", 10, "Velkomst", "Lederen rammesætter."),
        AgendaStep("10–60", 50, "Drøftelse", "I grupper på fire."),
    )
    assert "<table>" in module.section("guide").html


def test_raw_html_is_escaped(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    edit(ALPHA, "Hvorfor vi gør det.", "<script>alert(1)</script>\n\nTekst <b>fed</b>.")(content)
    html = load_library(content).package(PACKAGE).module("alpha").section("purpose").html
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert render_markdown("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>\n"
    assert "<table>" in render_markdown("| a |\n|---|\n| b |\n")


def test_objects_are_immutable(tmp_path: Path) -> None:
    library = load_library(make_tree(tmp_path))
    package = library.package(PACKAGE)
    module = package.first_module
    for obj, field in [
        (library, "packages"),
        (package, "title"),
        (module, "title"),
        (module.sections[0], "html"),
        (module.agenda[0], "minutes"),
        (package.findings[0], "title"),
        (package.common_approach, "principles"),
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, field, None)
    assert isinstance(module.sections, tuple) and isinstance(package.modules, tuple)
    with pytest.raises(TypeError):
        library.packages["x"] = package  # type: ignore[index]


def test_get_library_loads_once_per_app(tmp_path: Path) -> None:
    app = Flask(__name__)
    app.config["CONTENT_DIR"] = str(make_tree(tmp_path))
    with app.app_context():
        library = get_library()
        assert isinstance(library, Library)
        (tmp_path / "content" / PACKAGE / "package.yaml").unlink()  # a reload would now fail
        assert get_library() is library


def test_init_app_loads_eagerly_and_raises_on_bad_content(tmp_path: Path) -> None:
    content = make_tree(tmp_path)
    app = Flask(__name__)
    app.config.update(CONTENT_DIR=content, PRODUCTION=True)
    init_app(app)
    with app.app_context():
        assert get_library().package(PACKAGE).title == "En pakke"

    edit(ALPHA, "## Opsamling", "## Opsummering")(content)
    broken = Flask(__name__)
    broken.config.update(CONTENT_DIR=content, PRODUCTION=True)
    with pytest.raises(ContentError, match=r'01-alpha\.md:\d+: unknown section "Opsummering"'):
        init_app(broken)


def test_real_content_loads() -> None:
    problems = check_content(REAL_CONTENT)
    assert problems == [], "\n".join(map(str, problems))
    package = load_library(REAL_CONTENT).package("foraeldresamarbejde")
    assert [m.slug for m in package.modules] == [
        "faellesskab", "foraeldremoeder", "differentiering", "kommunikation", "lokale-tilgange"
    ]  # fmt: skip
    for module in package.modules:
        assert len(module.sections) == 8
        assert module.discussion_questions and module.followup_questions
        assert module.action_suggestions and module.agenda
        assert sum(step.minutes for step in module.agenda) == module.duration_minutes


def test_table_cells_carry_their_column_heading() -> None:
    """So a table can be stacked on a phone with each value named (the facilitator guide)."""
    html = render_markdown("| Tid | Hvad |\n|---|---|\n| 0–5 | **Velkomst** |\n| 5–9 | |\n")
    assert "<th>Tid</th>" in html
    assert '<td data-label="Tid">0–5</td>' in html
    assert '<td data-label="Hvad"><strong>Velkomst</strong></td>' in html
    assert '<td data-label="Tid">5–9</td>' in html
    hostile = render_markdown('| a"<b> |\n|---|\n| x |\n')
    assert '<td data-label="a&quot;&lt;b&gt;">x</td>' in hostile
