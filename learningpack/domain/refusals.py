"""Why the domain says no: codes with parameters, worded for the user by the web layer.

The domain never holds a sentence in any language; ``output/labels.py`` words each code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """One reason, e.g. ``Refusal("follow_up_missing", {"title": "Forældrekaffe"})``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


def refusal(code: str, **params: Any) -> Refusal:
    """A refusal with its parameters given by name."""
    return Refusal(code, params)


class CycleRefused(Exception):
    """A transition or a change the rules do not allow; ``refusals`` say why."""

    def __init__(self, refusals: list[Refusal] | tuple[Refusal, ...]) -> None:
        super().__init__("; ".join(r.code for r in refusals))
        self.refusals = tuple(refusals)

    @property
    def codes(self) -> list[str]:
        """The refusals' codes, in order."""
        return [r.code for r in self.refusals]


def refuse(code: str, **params: Any) -> CycleRefused:
    """The exception for one refusal: ``raise refuse("not_open")``."""
    return CycleRefused([Refusal(code, params)])
