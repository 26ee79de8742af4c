"""Load a content folder (``<package>/package.yaml`` plus one Markdown file per module) into a
Library, checking everything on the way: every problem is reported, not just the first."""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

from learningpack.content.markdown import parse_body, render_markdown
from learningpack.content.model import (
    CommonApproach,
    ContentError,
    Finding,
    Library,
    Module,
    Package,
    Problem,
    Reflection,
)
from learningpack.content.source import (
    COUNT,
    INT,
    LIST,
    MAPPING,
    TEXT,
    TEXTS,
    Expect,
    SourceFile,
    is_texts,
)

PACKAGE_FIELDS: dict[str, Expect] = {
    "slug": TEXT,
    "title": TEXT,
    "version": INT,
    "intro": TEXT,
    "modules": TEXTS,
    "findings": LIST,
    "common_approach": MAPPING,
}
MODULE_FIELDS: dict[str, Expect] = {
    "slug": TEXT,
    "title": TEXT,
    "summary": TEXT,
    "findings": TEXTS,
    "duration_minutes": COUNT,
}
APPROACH_FIELDS: dict[str, Expect] = {
    "title": TEXT,
    "status": TEXT,
    "intro": TEXT,
    "principles": TEXTS,
}
FINDING_FIELDS: dict[str, Expect] = {"key": TEXT, "title": TEXT, "summary": TEXT}
# The Module fields taken as they are from the front matter and the parsed body.
_MODULE_AS_PARSED = (
    "slug", "title", "summary", "duration_minutes", "sections", "discussion_questions",
    "followup_questions", "action_suggestions", "agenda",
)  # fmt: skip
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _load_module(file: SourceFile, path: Path) -> dict[str, Any] | None:
    """Check one module file; return its front matter and parsed body (None if unreadable)."""
    lines = (file.read(path) or "").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        file.report(1, 'missing front matter: the file must start with a "---" line')
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        file.report(1, 'front matter is not closed by a "---" line')
        return None
    if not file.parse_yaml("".join(lines[1:end]), 2):
        return None
    file.check(MODULE_FIELDS)
    slug = file.data.get("slug")
    if isinstance(slug, str) and not _SLUG.match(slug):
        file.report(file.line("slug"), f'slug "{slug}" must be lowercase a-z, 0-9 and "-"')
    return {**file.data, **parse_body(file, lines[end + 1 :], end + 2)}


def _check_package_yaml(file: SourceFile, folder: Path) -> bool:
    """Check package.yaml's keys; return True if its findings can be used to check modules."""
    if not file.check(PACKAGE_FIELDS):
        return False
    if file.data["slug"] != folder.name:
        message = f'slug "{file.data["slug"]}" must equal the folder name "{folder.name}"'
        file.report(file.line("slug"), message)
    if file.check(APPROACH_FIELDS, "common_approach"):
        _check_reflections(file)
    keys: list[str] = []
    for i, item in enumerate(file.data["findings"]):
        if not isinstance(item, dict):
            file.report(
                file.line("findings", i), "a finding must be a mapping (key, title, summary)"
            )
            return False
        if not file.check(FINDING_FIELDS, "findings", i, strict=True):
            return False
        if item["key"] in keys:
            file.report(file.line("findings", i, "key"), f'duplicate finding key "{item["key"]}"')
        keys.append(item["key"])
    return True


def _check_finding_refs(
    file: SourceFile, refs: tuple[tuple[int, str], ...], listed: list[str], declared: Any
) -> None:
    """A finding code the text names must be declared in package.yaml and listed by the module
    (the module page shows the summaries of the findings the module lists)."""
    for line, code in refs:
        if code not in declared:
            message = f'finding "{code}" is used in the text but not declared in package.yaml'
            file.report(line, f"{message} (it defines {', '.join(declared)})")
        elif code not in listed:
            file.report(
                line,
                f'finding "{code}" is used in the text but not in this module\'s '
                f"findings: add it to findings: [{', '.join([*listed, code])}]",
            )


REFLECTION_FIELDS: dict[str, Expect] = {"staff": TEXTS, "board": TEXTS}


def _check_reflections(file: SourceFile) -> None:
    """common_approach.reflection (optional): one mapping per principle, with staff and board
    questions."""
    approach = file.data["common_approach"]
    if "reflection" not in approach:
        return
    items = approach["reflection"]
    where = ("common_approach", "reflection")
    if not isinstance(items, list) or len(items) != len(approach["principles"]):
        count = len(approach["principles"])
        message = f'"common_approach.reflection" must be a list of {count} items, one per principle'
        file.report(file.line(*where), message)
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            file.report(file.line(*where, i), "a reflection must be a mapping (staff, board)")
        else:
            file.check(REFLECTION_FIELDS, *where, i)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _load_package(folder: Path, root: Path, problems: list[Problem]) -> Package | None:
    """Check one package folder; return the Package, or None if it has any problem."""
    count = len(problems)
    meta = SourceFile(_rel(folder / "package.yaml", root), problems)
    text = meta.read(folder / "package.yaml")
    parsed = text is not None and meta.parse_yaml(text, 1)
    findings_ok = parsed and _check_package_yaml(meta, folder)
    modules: dict[str, tuple[SourceFile, dict[str, Any]]] = {}
    unreadable = False
    for path in sorted(folder.glob("*.md")):
        file = SourceFile(_rel(path, root), problems)
        fields = _load_module(file, path)
        slug = fields.get("slug") if fields else None
        if fields is None or not isinstance(slug, str):
            unreadable = True  # its slug is unknown: "unknown module" would be a false alarm
            continue
        if slug in modules:
            message = f'duplicate module slug "{slug}" (also used by {modules[slug][0].rel})'
            file.report(file.line("slug"), message)
        else:
            modules[slug] = (file, fields)
    data: dict[str, Any] = meta.data if isinstance(meta.data, dict) else {}
    if not is_texts(data.get("modules")):
        return None
    order: list[str] = data["modules"]
    for i, slug in enumerate(order):
        if slug in order[:i]:
            meta.report(meta.line("modules", i), f'duplicate module "{slug}" in modules')
        elif slug not in modules and not unreadable:
            message = f'unknown module "{slug}": no module file in {folder.name}/ has this slug'
            meta.report(meta.line("modules", i), message)
    for slug, (file, _) in modules.items():
        if slug not in order:
            file.report(file.line("slug"), f'module "{slug}" is not listed in {meta.rel} modules')
    if not findings_ok:
        return None
    findings = {
        f["key"]: Finding(f["key"], f["title"], render_markdown(f["summary"]))
        for f in data["findings"]
    }
    for file, fields in modules.values():
        keys = fields["findings"] if is_texts(fields.get("findings")) else []
        for i, key in enumerate(keys):
            if key not in findings:
                message = f'unknown finding "{key}" (package.yaml defines {", ".join(findings)})'
                file.report(file.line("findings", i), message)
        _check_finding_refs(file, fields["finding_refs"], keys, findings)
    if len(problems) > count:
        return None
    built = tuple(
        Module(
            **{key: modules[slug][1][key] for key in _MODULE_AS_PARSED},
            position=position,
            findings=tuple(findings[key] for key in modules[slug][1]["findings"]),
            source_path=modules[slug][0].rel,
        )
        for position, slug in enumerate(order, 1)
    )
    approach = data["common_approach"]
    reflections = tuple(
        Reflection(tuple(r["staff"]), tuple(r["board"])) for r in approach.get("reflection", ())
    )
    common_approach = CommonApproach(
        approach["title"], approach["status"], render_markdown(approach["intro"]),
        tuple(approach["principles"]), reflections,
    )  # fmt: skip
    return Package(
        data["slug"], data["title"], data["version"], render_markdown(data["intro"]), built,
        tuple(findings.values()), common_approach,
    )  # fmt: skip


def _load(content_dir: Path | str) -> tuple[Library, list[Problem]]:
    directory = Path(content_dir).resolve()
    root = directory.parent
    problems: list[Problem] = []
    packages: dict[str, Package] = {}
    if not directory.is_dir():
        problems.append(Problem(_rel(directory, root), 1, "content directory does not exist"))
    for folder in sorted(directory.iterdir() if directory.is_dir() else ()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        if not (folder / "package.yaml").is_file():
            if any(folder.glob("*.md")):
                problems.append(Problem(_rel(folder, root), 1, "folder has no package.yaml"))
            continue
        package = _load_package(folder, root, problems)
        if package is not None:
            packages[package.slug] = package
    if not packages and not problems:
        problems.append(Problem(_rel(directory, root), 1, "no packages found (no */package.yaml)"))
    return Library(MappingProxyType(packages)), problems


def check_content(content_dir: Path | str) -> list[Problem]:
    """Validate the content directory and return every problem found (empty list if valid)."""
    return _load(content_dir)[1]


def load_library(content_dir: Path | str) -> Library:
    """Load every package under ``content_dir``; raise ContentError listing all problems."""
    library, problems = _load(content_dir)
    if problems:
        raise ContentError(problems)
    return library
