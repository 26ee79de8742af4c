"""Why the domain says no: codes with parameters, worded for the user by the web layer.

The domain never holds a sentence in any language; ``output/labels.py`` words each code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self


@dataclass(frozen=True)
class Refusal:
    """One reason, e.g. ``Refusal("follow_up_missing", {"title": "Forældrekaffe"})``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


def refusal(code: str, **params: Any) -> Refusal:
    """A refusal with its parameters given by name."""
    return Refusal(code, params)


class Refused(Exception):
    """The domain said no; ``refusals`` say why. Each area raises its own subclass."""

    def __init__(self, refusals: list[Refusal] | tuple[Refusal, ...]) -> None:
        super().__init__("; ".join(r.code for r in refusals))
        self.refusals = tuple(refusals)

    @classmethod
    def one(cls, code: str, **params: Any) -> Self:
        """The exception for one refusal: ``raise AccountRefused.one("own_role")``."""
        return cls([Refusal(code, params)])

    @property
    def codes(self) -> list[str]:
        """The refusals' codes, in order."""
        return [r.code for r in self.refusals]


class CycleRefused(Refused):
    """A transition or a change to a module the rules do not allow."""


def refuse(code: str, **params: Any) -> CycleRefused:
    """The exception for one refusal of the cycle's rules: ``raise refuse("not_open")``."""
    return CycleRefused.one(code, **params)


class ReportRefused(Refused):
    """A report draft, a practice example or a note to a school that cannot be saved."""
