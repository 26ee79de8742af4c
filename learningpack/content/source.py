"""One content file being checked: its YAML, the file line of each key, and plain value checks.

Every problem is reported as ``file:line: message``: the YAML node tree keeps the line of each
key, so a wrong value is reported where it is written, not just "somewhere in the file".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from learningpack.content.model import Problem


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_count(value: Any) -> bool:
    return is_int(value) and value > 0


def is_texts(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_text(v) for v in value)


def is_list(value: Any) -> bool:
    return isinstance(value, list)


def is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


@dataclass(frozen=True)
class Expect:
    """What a key's value must be: the check, and how a problem message says it."""

    check: Callable[[Any], bool]
    says: str


TEXT = Expect(is_text, "a non-empty string")
INT = Expect(is_int, "an integer")
COUNT = Expect(is_count, "a positive integer")
TEXTS = Expect(is_texts, "a non-empty list of strings")
LIST = Expect(is_list, "a list")
MAPPING = Expect(is_mapping, "a mapping")


@dataclass
class SourceFile:
    """One content file: reports its problems and finds the lines of YAML keys."""

    rel: str
    problems: list[Problem]
    data: Any = None
    node: Any = None
    first_line: int = 1  # file line of the YAML text's first line

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, message))

    def read(self, path: Path) -> str | None:
        """The file's text, or None (reported) if it cannot be read."""
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            self.report(1, f"cannot read file: {err}")
            return None

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

    def check(self, fields: dict[str, Expect], *where: str | int, strict: bool = False) -> bool:
        """Check the required keys of the mapping at ``where``; True if all are there and valid.

        At the top level (or anywhere, if ``strict``) a key the fields do not name is reported
        as unknown.
        """
        mapping = self.data
        for step in where:
            mapping = mapping[step]
        ok = True
        for key, expect in fields.items():
            name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*where, key))
            name = name.lstrip(".")
            if key not in mapping:
                self.report(self.line(*where) if where else 1, f'missing required key "{name}"')
                ok = False
            elif not expect.check(mapping[key]):
                message = f'"{name}" must be {expect.says}, got {mapping[key]!r:.60}'
                self.report(self.line(*where, key), message)
                ok = False
        if not where or strict:
            known = ", ".join(fields)
            for key in mapping:
                if key not in fields:
                    name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
                    inside = f" in {name.lstrip('.')} (expected {known})" if where else ""
                    self.report(self.line(*where, key), f'unknown key "{key}"{inside}')
        return ok
