"""User-facing names of the domain's enumerations, through the i18n layer."""

from __future__ import annotations

import re

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from learningpack.models import (
    ActionStatus,
    CyclePhase,
    CycleState,
    MeetingKind,
    Outcome,
    ResourceCategory,
    Role,
)

ROLE = {
    Role.PUF: _l("PUF (central konsulent)"),
    Role.LEADER: _l("Leder"),
    Role.TEACHER: _l("Lærer / pædagog"),
}
CYCLE_STATE = {
    CycleState.LOCKED: _l("Låst"),
    CycleState.ACTIVE: _l("I gang"),
    CycleState.COMPLETED: _l("Afsluttet"),
}
# The phases of an open module: the steps' titles (as in DESIGN §2), and "ready" after the last.
CYCLE_PHASE = {
    CyclePhase.INPUT: _l("Videnoplæg og drøftelse"),
    CyclePhase.ACTIONS: _l("Aktioner aftalt"),
    CyclePhase.TRYING: _l("Afprøvning"),
    CyclePhase.FOLLOW_UP: _l("Opsamling"),
    CyclePhase.READY: _l("Klar til at afslutte"),
}
MEETING_KIND = {
    MeetingKind.INPUT: _l("Videnoplæg og drøftelse"),
    MeetingKind.FOLLOW_UP: _l("Opsamling"),
    MeetingKind.OTHER: _l("Andet møde"),
}
ACTION_STATUS = {
    ActionStatus.PLANNED: _l("Planlagt"),
    ActionStatus.IN_PROGRESS: _l("I gang"),
    ActionStatus.DONE: _l("Gennemført"),
    ActionStatus.DROPPED: _l("Droppet"),
}
OUTCOME = {
    Outcome.KEEP: _l("Fasthold"),
    Outcome.ADJUST: _l("Justér"),
    Outcome.STOP: _l("Stop"),
}
RESOURCE_CATEGORY = {
    ResourceCategory.PARENT_MEETINGS: _l("Materialer til forældremøder"),
    ResourceCategory.PARENT_COUNCILS: _l("Inspiration til forældreråd"),
    ResourceCategory.PROCESSES: _l("Procesbeskrivelser"),
    ResourceCategory.KNOWLEDGE: _l("Relevant viden"),
}

ALL: dict[str, dict[str, LazyString]] = {
    "role": {k.value: v for k, v in ROLE.items()},
    "cycle_state": {k.value: v for k, v in CYCLE_STATE.items()},
    "cycle_phase": {k.value: v for k, v in CYCLE_PHASE.items()},
    "meeting_kind": {k.value: v for k, v in MEETING_KIND.items()},
    "action_status": {k.value: v for k, v in ACTION_STATUS.items()},
    "outcome": {k.value: v for k, v in OUTCOME.items()},
    "resource_category": {k.value: v for k, v in RESOURCE_CATEGORY.items()},
}


def label(kind: str, value: object) -> str:
    """The display name of an enumeration value, e.g. label("cycle_state", "active")."""
    names = ALL[kind]
    key = getattr(value, "value", value)
    return str(names.get(str(key), key))


_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def ascii_slug(name: str, fallback: str = "") -> str:
    """A name as lower-case ASCII letters, digits and single hyphens, e.g. for a file name or
    an e-mail address: "Skolen i Ærø" → "skolen-i-aeroe"; ``fallback`` when nothing is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(_ASCII)).strip("-")
    return slug or fallback
