"""Load the learning-package content (``content/<package>/package.yaml`` plus one Markdown file
per module) into immutable objects, and report every content error with its file and line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from flask import Flask, current_app
from markdown_it import MarkdownIt
from markdown_it.token import Token

EXTENSION_KEY = "learningpack.content"
#: (stable key, Danish heading) of the seven module sections, in their required order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("purpose", "Formål"),
    ("input", "Videnoplæg"),
    ("discussion", "Drøftelse"),
    ("actions", "Aktionsforslag"),
    ("followup", "Opsamling"),
    ("guide", "Facilitatorguide"),
    ("parents", "Til forældre og skolebestyrelse"),
)
AGENDA_COLUMNS = ("Tid", "Minutter", "Aktivitet", "Sådan gør I")
PACKAGE_KEYS = {
    "slug": "text", "title": "text", "version": "int", "intro": "text",
    "modules": "texts", "findings": "list", "common_approach": "mapping",
}  # fmt: skip
MODULE_KEYS = {
    "slug": "text", "title": "text", "summary": "text", "findings": "texts",
    "duration_minutes": "count",
}  # fmt: skip
APPROACH_KEYS = {"title": "text", "status": "text", "intro": "text", "principles": "texts"}
FINDING_KEYS = {"key": "text", "title": "text", "summary": "text"}
_MODULE_FIELDS = (
    "slug", "title", "summary", "duration_minutes", "sections", "discussion_questions",
    "followup_questions", "action_suggestions", "agenda",
)  # fmt: skip
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_KIND_TEXT = {
    "text": "a non-empty string", "int": "an integer", "count": "a positive integer",
    "texts": "a non-empty list of strings", "list": "a list", "mapping": "a mapping",
}  # fmt: skip
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    """Render Markdown (CommonMark + tables) to HTML; raw HTML in the text is escaped."""
    return _markdown.render(text)


@dataclass(frozen=True)
class Problem:
    """One content error: the file (relative to the content dir's parent), 1-based line, message."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content is invalid; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"invalid content ({len(self.problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Finding:
    key: str
    title: str
    summary_html: str


@dataclass(frozen=True)
class CommonApproach:
    title: str
    status: str
    intro_html: str
    principles: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    markdown: str
    html: str


@dataclass(frozen=True)
class AgendaStep:
    time: str
    minutes: int
    activity: str
    how: str


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    summary: str
    position: int
    findings: tuple[Finding, ...]
    duration_minutes: int
    sections: tuple[Section, ...]
    discussion_questions: tuple[str, ...]
    followup_questions: tuple[str, ...]
    action_suggestions: tuple[str, ...]
    agenda: tuple[AgendaStep, ...]
    source_path: str

    def section(self, key: str) -> Section:
        """Return the section with this stable key (``purpose`` … ``parents``); KeyError if none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


@dataclass(frozen=True)
class Package:
    slug: str
    title: str
    version: int
    intro_html: str
    modules: tuple[Module, ...]
    findings: tuple[Finding, ...]
    common_approach: CommonApproach

    def module(self, slug: str) -> Module:
        """Return the module with this slug; KeyError if the package has none."""
        for module in self.modules:
            if module.slug == slug:
                return module
        raise KeyError(slug)

    def module_at(self, position: int) -> Module:
        """Return the module at a 1-based position; IndexError if out of range."""
        if not 1 <= position <= len(self.modules):
            raise IndexError(position)
        return self.modules[position - 1]

    @property
    def first_module(self) -> Module:
        """The first module in the package's order."""
        return self.modules[0]

    def next_module(self, slug: str) -> Module | None:
        """Return the module after ``slug`` in the order, or None after the last one."""
        position = self.module(slug).position
        return self.modules[position] if position < len(self.modules) else None


@dataclass(frozen=True)
class Library:
    packages: Mapping[str, Package]

    def package(self, slug: str) -> Package:
        """Return the package with this slug; KeyError if unknown."""
        return self.packages[slug]


@dataclass
class _File:
    """One content file being checked: reports its problems and finds the lines of YAML keys."""

    rel: str
    problems: list[Problem]
    data: Any = None
    node: Any = None
    first_line: int = 1  # file line of the YAML text's first line

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, message))

    def parse_yaml(self, text: str, first_line: int) -> bool:
        """Parse a YAML mapping into ``data``; report a syntax error at its line."""
        self.first_line = first_line
        try:
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.SafeLoader("").construct_document(self.node) if self.node else None
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = first_line + (mark.line if mark else 0)
            self.report(line, f"invalid YAML: {err.problem or err.context or err}")
            return False
        except yaml.YAMLError as err:  # e.g. a control character: no usable mark
            self.report(first_line, f"invalid YAML: {err}")
            return False
        if not isinstance(self.data, dict):
            self.report(1, "YAML must be a mapping of keys to values")
            return False
        seen: set[str] = set()
        for key, _ in self.node.value:
            if key.value in seen:
                self.report(first_line + key.start_mark.line, f'duplicate key "{key.value}"')
            seen.add(key.value)
        return True

    def line(self, *path: str | int) -> int:
        """File line of the key or list item at ``path`` (or of its nearest existing parent)."""
        node, line = self.node, self.node.start_mark.line
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == step:
                        child, line = value, key.start_mark.line
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                child = node.value[step] if step < len(node.value) else None
                line = child.start_mark.line if child else line
            if child is None:
                break
            node = child
        return self.first_line + line

    def check(self, kinds: dict[str, str], *where: str | int) -> bool:
        """Check the required keys of the mapping at ``where``; return True if all are valid."""
        mapping = self.data
        for step in where:
            mapping = mapping[step]
        ok = True
        for key, kind in kinds.items():
            name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*where, key))
            name = name.lstrip(".")
            if key not in mapping:
                line = self.line(*where) if where else 1
                self.report(line, f'missing required key "{name}"')
                ok = False
            elif not _valid(mapping[key], kind):
                message = f'"{name}" must be {_KIND_TEXT[kind]}, got {mapping[key]!r:.60}'
                self.report(self.line(*where, key), message)
                ok = False
        for key in () if where else mapping:
            if key not in kinds:
                self.report(self.line(key), f'unknown key "{key}"')
        return ok


def _valid(value: Any, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind in ("int", "count"):
        number = isinstance(value, int) and not isinstance(value, bool)
        return number and (kind == "int" or value > 0)
    if kind == "texts":
        return isinstance(value, list) and bool(value) and all(_valid(v, "text") for v in value)
    return isinstance(value, list if kind == "list" else dict)


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0


def _plain(inline: Token) -> str:
    """The plain text of an inline token (markup dropped, line breaks as spaces)."""
    text = "".join(
        c.content if c.type in ("text", "code_inline") else " " if c.type.endswith("break") else ""
        for c in inline.children or []
    )
    return " ".join(text.split())


def _list_items(tokens: list[Token], kind: str) -> list[str]:
    """Plain text of the items of the outermost lists of one kind ("ordered" or "bullet")."""
    items: list[str] = []
    depth, outer, item_level = 0, "", -1
    current: list[str] | None = None
    for token in tokens:
        if token.type.endswith("_list_open"):
            depth += 1
            outer = token.type if depth == 1 else outer
        elif token.type.endswith("_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and outer == f"{kind}_list_open":
            current, item_level = [], token.level
        elif token.type == "list_item_close" and current is not None and token.level == item_level:
            items.append(" ".join(current))
            current = None
        elif token.type == "inline" and current is not None and token.level == item_level + 2:
            current.append(_plain(token))
    return items


def _agenda(file: _File, tokens: list[Token], heading_line: int, first_line: int) -> list[Any]:
    """Parse the Facilitatorguide's agenda table and check that its minutes add up."""
    tables: list[list[tuple[int, list[str]]]] = []  # each row: (file line, cell texts)
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open" and tables:
            row = []
            tables[-1].append((first_line + _start(token), row))
        elif token.type == "tr_close":
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_plain(token))
    columns = " | ".join(AGENDA_COLUMNS)
    agenda = next((t for t in tables if tuple(t[0][1]) == AGENDA_COLUMNS), None)
    if agenda is None:
        found = f', found "{" | ".join(tables[0][0][1])}"' if tables else ""
        line = tables[0][0][0] if tables else heading_line
        file.report(line, f'missing agenda table with the columns "{columns}"{found}')
        return []
    steps: list[AgendaStep] = []
    for line, (time, minutes, activity, how) in agenda[1:]:
        if re.fullmatch(r"\d+", minutes):
            steps.append(AgendaStep(time, int(minutes), activity, how))
        else:
            file.report(line, f'agenda minutes "{minutes}" is not a whole number')
    total, duration = sum(step.minutes for step in steps), file.data.get("duration_minutes")
    if len(steps) == len(agenda) - 1 and _valid(duration, "count") and total != duration:
        message = f"agenda minutes add up to {total}, but duration_minutes is {duration}"
        file.report(agenda[0][0], message)
    return steps


def _parse_body(file: _File, lines: list[str], first_line: int) -> dict[str, Any]:
    """Split the Markdown body into the seven sections; extract questions, actions and agenda."""
    tokens = _markdown.parse("".join(lines))
    starts = [
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and not t.level
    ]
    order = [title for _, title in SECTIONS]
    found: dict[str, tuple[int, list[Token], str]] = {}  # title -> (line, tokens, markdown)
    for i, end in zip(starts, [*starts[1:], len(tokens)], strict=True):
        title, line = tokens[i + 1].content.strip(), first_line + _start(tokens[i])
        stop = _start(tokens[end]) if end < len(tokens) else len(lines)
        source = "".join(lines[(tokens[i].map or [0, 0])[1] : stop])  # after the heading line(s)
        if title not in order:
            expected = ", ".join(f'"{t}"' for t in order)
            file.report(line, f'unknown section "{title}" (expected one of {expected})')
            continue
        if title in found:
            file.report(line, f'duplicate section "{title}"')
            continue
        later = [t for t in found if order.index(t) > order.index(title)]
        if later:
            file.report(line, f'section "{title}" is out of order: must come before "{later[0]}"')
        if not source.strip():
            file.report(line, f'empty section "{title}"')
        found[title] = (line, tokens[i + 3 : end], source)
    for index, title in enumerate(order):
        if title not in found:
            after = [found[t][0] for t in order[index + 1 :] if t in found]
            line = min(after, default=first_line + len(lines) - 1)  # where it belongs, or the end
            file.report(line, f'missing section "{title}"')
    result: dict[str, Any] = {}
    for title, kind, field in (
        ("Drøftelse", "ordered", "discussion_questions"),
        ("Opsamling", "ordered", "followup_questions"),
        ("Aktionsforslag", "bullet", "action_suggestions"),
    ):
        line, section_tokens, source = found.get(title, (0, [], ""))
        result[field] = tuple(_list_items(section_tokens, kind))
        if source.strip() and not result[field]:
            what = "numbered list of questions" if kind == "ordered" else "bullet list"
            file.report(line, f'section "{title}" has no {what}')
    if "Facilitatorguide" in found:
        line, section_tokens, _ = found["Facilitatorguide"]
        result["agenda"] = tuple(_agenda(file, section_tokens, line, first_line))
    result["sections"] = tuple(
        Section(key, title, found[title][2], render_markdown(found[title][2]))
        for key, title in SECTIONS
        if title in found
    )
    return result


def _read(file: _File, path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        file.report(1, f"cannot read file: {err}")
        return None


def _load_module(file: _File, path: Path) -> dict[str, Any] | None:
    """Check one module file; return its front matter and parsed body (None if unreadable)."""
    lines = (_read(file, path) or "").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        file.report(1, 'missing front matter: the file must start with a "---" line')
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        file.report(1, 'front matter is not closed by a "---" line')
        return None
    if not file.parse_yaml("".join(lines[1:end]), 2):
        return None
    file.check(MODULE_KEYS)
    slug = file.data.get("slug")
    if isinstance(slug, str) and not _SLUG.match(slug):
        file.report(file.line("slug"), f'slug "{slug}" must be lowercase a-z, 0-9 and "-"')
    return {**file.data, **_parse_body(file, lines[end + 1 :], end + 2)}


def _check_package_yaml(file: _File, folder: Path) -> bool:
    """Check package.yaml's keys; return True if its findings can be used to check modules."""
    if not file.check(PACKAGE_KEYS):
        return False
    if file.data["slug"] != folder.name:
        message = f'slug "{file.data["slug"]}" must equal the folder name "{folder.name}"'
        file.report(file.line("slug"), message)
    file.check(APPROACH_KEYS, "common_approach")
    keys: list[str] = []
    for i, item in enumerate(file.data["findings"]):
        if not isinstance(item, dict):
            file.report(
                file.line("findings", i), "a finding must be a mapping (key, title, summary)"
            )
            return False
        if not file.check(FINDING_KEYS, "findings", i):
            return False
        if item["key"] in keys:
            file.report(file.line("findings", i, "key"), f'duplicate finding key "{item["key"]}"')
        keys.append(item["key"])
    return True


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _load_package(folder: Path, root: Path, problems: list[Problem]) -> Package | None:
    """Check one package folder; return the Package, or None if it has any problem."""
    count = len(problems)
    meta = _File(_rel(folder / "package.yaml", root), problems)
    text = _read(meta, folder / "package.yaml")
    parsed = text is not None and meta.parse_yaml(text, 1)
    findings_ok = parsed and _check_package_yaml(meta, folder)
    modules: dict[str, tuple[_File, dict[str, Any]]] = {}
    unreadable = False
    for path in sorted(folder.glob("*.md")):
        file = _File(_rel(path, root), problems)
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
    if not _valid(data.get("modules"), "texts"):
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
        keys = fields["findings"] if _valid(fields.get("findings"), "texts") else []
        for i, key in enumerate(keys):
            if key not in findings:
                message = f'unknown finding "{key}" (package.yaml defines {", ".join(findings)})'
                file.report(file.line("findings", i), message)
    if len(problems) > count:
        return None
    built = tuple(
        Module(
            **{key: modules[slug][1][key] for key in _MODULE_FIELDS},
            position=position,
            findings=tuple(findings[key] for key in modules[slug][1]["findings"]),
            source_path=modules[slug][0].rel,
        )
        for position, slug in enumerate(order, 1)
    )
    approach = data["common_approach"]
    common_approach = CommonApproach(
        approach["title"], approach["status"], render_markdown(approach["intro"]),
        tuple(approach["principles"]),
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


def init_app(app: Flask) -> None:
    """In production, load and validate the content at start-up: bad content stops the start.

    Elsewhere it loads on first use, so ``flask content check`` can still report on bad content.
    """
    if not app.config.get("PRODUCTION"):
        return
    try:
        app.extensions[EXTENSION_KEY] = load_library(app.config["CONTENT_DIR"])
    except ContentError as err:
        app.logger.error("%s", err)
        raise


def get_library() -> Library:
    """Return the current app's Library, loading it on first use and caching it per process."""
    library = current_app.extensions.get(EXTENSION_KEY)
    if library is None:
        library = load_library(current_app.config["CONTENT_DIR"])
        current_app.extensions[EXTENSION_KEY] = library
    return library


_EXPECT = "Hvad vi forventer at se:"
_NOTICE = "Sådan opdager vi det:"


def split_action_suggestion(text: str) -> dict[str, str]:
    """Split an action suggestion (``Titel – hvad. Hvad vi forventer at se: … Sådan opdager vi
    det: …``) into the fields of an action, so a leader can start from it."""
    head, _, rest = text.partition(" – ")
    if not rest:
        head, rest = "", text
    what, _, after = rest.partition(_EXPECT)
    expectation, _, notice = after.partition(_NOTICE)
    return {
        "title": (head or what).strip().rstrip(".")[:200],
        "what": what.strip(),
        "expectation": expectation.strip(),
        "how_notice": notice.strip(),
    }


def default_package() -> Package:
    """The package schools run (today the only one)."""
    return next(iter(get_library().packages.values()))


def package_of(cycle: Any) -> Package:
    """The package a cycle's run belongs to."""
    return get_library().package(cycle.run.package_slug)


def module_of(cycle: Any) -> Module:
    """The content module a cycle runs."""
    return package_of(cycle).module(cycle.module_slug)
