"""The English catalogue is complete, well-formed and in step with the Danish source strings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "learningpack" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
BABEL_CFG = ROOT / "babel.cfg"
# The same keywords as `make extract-messages` (pybabel extract -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
HINT = "Run `make extract-messages` and translate the new entries in " + str(
    PO_FILE.relative_to(ROOT)
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO_FILE.open("rb") as f:
        return read_po(f, locale="en")


def messages(catalog: Catalog) -> list[Message]:
    """Every live entry, without the header."""
    return [m for m in catalog if m.id]


def forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def show(message: Message) -> str:
    return forms(message.id)[0]


def test_catalogue_has_messages(catalog: Catalog) -> None:
    assert len(messages(catalog)) > 100


def test_every_message_is_translated(catalog: Catalog) -> None:
    untranslated = [
        show(m) for m in messages(catalog) if not all(s.strip() for s in forms(m.string))
    ]
    assert not untranslated, "Untranslated messages:\n" + "\n".join(untranslated)


def test_plural_entries_have_every_form(catalog: Catalog) -> None:
    short = [
        show(m)
        for m in messages(catalog)
        if m.pluralizable and len(forms(m.string)) != catalog.num_plurals
    ]
    assert not short, "Plural entries without all forms:\n" + "\n".join(short)


def test_nothing_is_fuzzy(catalog: Catalog) -> None:
    assert not catalog.fuzzy, "The catalogue header is marked fuzzy."
    fuzzy = [show(m) for m in messages(catalog) if m.fuzzy]
    assert not fuzzy, "Fuzzy messages (check them and remove the flag):\n" + "\n".join(fuzzy)


def test_placeholders_match(catalog: Catalog) -> None:
    mismatched = []
    for m in messages(catalog):
        expected = {p for text in forms(m.id) for p in PLACEHOLDER.findall(text)}
        for text in forms(m.string):
            found = set(PLACEHOLDER.findall(text))
            if found != expected:
                mismatched.append(f"{show(m)!r}: {sorted(expected)} vs {text!r}")
    assert not mismatched, "Placeholders differ:\n" + "\n".join(mismatched)


def test_babel_checks_pass(catalog: Catalog) -> None:
    problems = [
        f"{show(m)!r}: {error}" for m, errors in catalog.check() for error in errors if m.id
    ]
    assert not problems, "\n".join(problems)


def extracted_from_source() -> dict[str, str]:
    """Msgid (singular) -> first source location, as `pybabel extract -F babel.cfg` finds them."""
    with BABEL_CFG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, filename=str(BABEL_CFG))
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = forms(message)[0]
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_catalogue_covers_every_source_string(catalog: Catalog) -> None:
    source = extracted_from_source()
    # Sanity: both the Python and the template extractor were used.
    assert any(loc.startswith("learningpack/") for loc in source.values())
    assert any(loc.startswith("templates/") for loc in source.values())
    missing = sorted(f"{loc}: {msgid!r}" for msgid, loc in source.items() if msgid not in catalog)
    assert not missing, f"UI strings missing from the English catalogue. {HINT}.\n" + "\n".join(
        missing
    )


def test_extraction_reads_every_file_with_ui_strings() -> None:
    """Babel skips folders whose names start with "_" or "."; no UI string may hide there."""
    with BABEL_CFG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, filename=str(BABEL_CFG))
    # Every file a string was found in (a string used in several files counts for each).
    read = {
        filename
        for filename, *_rest in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }
    with_strings = {
        str(path.relative_to(ROOT))
        for pattern in ("templates/**/*.html", "learningpack/**/*.py")
        for path in ROOT.glob(pattern)
        if re.search(r"\b(_|_l|gettext|ngettext|lazy_gettext)\(\s*[\"']", path.read_text("utf-8"))
    }
    assert with_strings, "found no files with UI strings at all"
    unread = sorted(with_strings - read)
    assert not unread, "files with UI strings that extraction does not read: " + ", ".join(unread)
