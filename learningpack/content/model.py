"""What the content is once loaded: immutable objects, and the problems found on the way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


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
class Reflection:
    """Reflection questions on one principle of the common approach: for staff, for the board."""

    staff: tuple[str, ...]
    board: tuple[str, ...]


@dataclass(frozen=True)
class CommonApproach:
    title: str
    status: str
    intro_html: str
    principles: tuple[str, ...]
    reflections: tuple[Reflection, ...] = ()
    """One per principle, in the same order (empty when the content gives none)."""

    @property
    def is_draft(self) -> bool:
        """The approach is still a draft (its status says "Udkast")."""
        return self.status.strip().lower().startswith(("udkast", "draft"))

    @property
    def principles_with_reflection(self) -> tuple[tuple[str, Reflection | None], ...]:
        """Each principle with its reflection questions (None where the content has none)."""
        return tuple(
            (p, self.reflections[i] if i < len(self.reflections) else None)
            for i, p in enumerate(self.principles)
        )


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
