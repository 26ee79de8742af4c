"""One national demo school's run: where it is in the package, and the rows that got it there.

A plan puts the school somewhere realistic (not started, module 1–5 open at some phase, all done,
maybe stalled); ``add_run`` then writes its run, cycles, meetings, actions, log entries and
follow-ups through the bulk writer, as far as the plan goes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from learningpack.content import Package
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogEntry,
    LogKind,
    Meeting,
    MeetingKind,
    Outcome,
    Reflection,
    Run,
    TeamQuestion,
    action_owner,
)
from learningpack.ops.bulk import BulkIds, BulkRows

YEAR_LABEL = "2026/27"
LOG_TEXTS = (
    ("Afprøvet på forældremødet i 2. klasse.", "Forældrene talte mere med hinanden."),
    ("Sendt ud i fredagsbrevet.", "Flere svarede end sidst."),
    ("Prøvet i to klasser i mellemtrinnet.", "God stemning, men svært at nå alle."),
    ("Gennemført ved skole-hjem-samtalerne.", "Forældrene spurgte ind til fællesskabet."),
    ("Talt om i teamet bagefter.", "Vi justerer tidspunktet næste gang."),
)
LEARNINGS = (
    "Små, faste greb virker bedre end store arrangementer.",
    "Forældrene tager godt imod konkrete forventninger.",
    "Dialog i små grupper giver flere stemmer end plenum.",
    "Det kræver en fast ansvarlig i teamet, ellers glider det.",
    "Korte beskeder bliver læst; lange nyhedsbreve gør ikke.",
    "Forældrerådet kan bære en del af arbejdet, når rammen er klar.",
    "Tolkning og billeder hjælper forældre med et andet sprog.",
    "Det virker bedst, når eleverne selv er med til at invitere.",
)
OUTCOMES = (Outcome.KEEP, Outcome.KEEP, Outcome.ADJUST, Outcome.STOP)
# Where the schools are: not started, module 1–5 open, or every module completed.
PROGRESS_WEIGHTS = {0: 7, 1: 27, 2: 29, 3: 21, 4: 9, 5: 5, 6: 2}
# What the open module has reached, and how many of a full module's actions it has so far.
PHASE_WEIGHTS = {
    CyclePhase.INPUT: (8, 0.0),
    CyclePhase.QUESTION: (5, 0.0),
    CyclePhase.ACTIONS: (7, 0.0),
    CyclePhase.TRYING: (42, 0.6),
    CyclePhase.REFLECTION: (12, 0.8),
    CyclePhase.FOLLOW_UP: (18, 0.9),
    CyclePhase.READY: (8, 1.0),
}
STEP = list(PHASE_WEIGHTS)  # the phases in the stepper's order
QUESTIONS = (
    ("Hvorfor kommer så få forældre til forældremøderne?", "9 af 24 familier kom sidst."),
    ("Hvem taler vi aldrig med – og hvorfor?", "4 familier har ikke svaret på Aula i år."),
    ("Hvordan kan forældrene støtte fællesskabet?", "2 af 3 klasser har intet forældreråd."),
)
OBSERVED = (
    "To forældre talte hele tiden; fem sagde intet.",
    "Flere fædre end sidst; de blev til kaffen bagefter.",
    "Forældrene med tolk spurgte mest ind til klassen.",
)
STALLED_SHARE = 0.15


@dataclass
class NationalResult:
    schools: int = 0
    users: int = 0
    actions: int = 0
    log_entries: int = 0
    follow_ups: int = 0
    meetings: int = 0
    seconds: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _choice(rng: random.Random, weights: dict[Any, Any]) -> Any:
    keys = list(weights)
    values = [w[0] if isinstance(w, tuple) else w for w in weights.values()]
    return rng.choices(keys, weights=values)[0]


def _split(total: int, weights: list[float]) -> list[int]:
    """total split in proportion to weights, as whole numbers that add up to total."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [int(total * w / whole) for w in weights]
    for index in sorted(range(len(weights)), key=lambda i: -weights[i])[: total - sum(shares)]:
        shares[index] += 1
    return shares


@dataclass
class Plan:
    """One school's place in the package: its open module, that module's phase, its pace."""

    position: int  # 0 = not started, 1–5 open module, 6 = all completed
    phase: CyclePhase | None
    idle_days: int
    days_in_open: int
    weight: float


def plan_school(rng: random.Random, modules: int) -> Plan:
    position = min(_choice(rng, PROGRESS_WEIGHTS), modules + 1)
    phase = _choice(rng, PHASE_WEIGHTS) if 1 <= position <= modules else None
    stalled = rng.random() < STALLED_SHARE
    idle = rng.randint(21, 120) if stalled else rng.randint(0, 12)
    in_open = idle + rng.randint(5, 40)
    completed = min(position - 1, modules) if position else 0
    share = PHASE_WEIGHTS[phase][1] if phase else 0.0
    return Plan(position, phase, idle, in_open, weight=completed + share)


def add_run(
    rows: BulkRows, ids: BulkIds, rng: random.Random, result: NationalResult, package: Package,
    ideas: list[list[dict[str, str]]], plan: Plan, now: datetime, today: date,
    school_id: int, leader_id: int, team_ids: list[int], members: tuple[list[int], ...],
    actions: int,
) -> None:  # fmt: skip
    """One school's run: completed modules, the open one at its phase, the rest locked."""
    modules = package.modules
    open_since = today - timedelta(days=plan.days_in_open)
    completed = min(plan.position - 1, len(modules))
    # Each completed module took 35–70 days; the run started before the first one.
    spans = [rng.randint(35, 70) for _ in range(completed)]
    start = open_since - timedelta(days=sum(spans) + rng.randint(1, 10))
    run_id = ids.take(Run)
    all_done = completed == len(modules)
    rows.add(Run.__table__, {
        "id": run_id, "school_id": school_id, "package_slug": package.slug,
        "year_label": YEAR_LABEL, "started_at": at(start, 9), "started_by_id": leader_id,
        "completed_at": at(open_since) if all_done else None,
    })  # fmt: skip
    phase_share = PHASE_WEIGHTS[plan.phase][1] if plan.phase else 0.0
    weights = [1.0] * completed + ([phase_share] if not all_done else [])
    per_cycle = _split(actions, weights) + [0] * len(modules)
    begin = start
    for position, module in enumerate(modules, start=1):
        cycle_id = ids.take(Cycle)
        base = {
            "id": cycle_id, "run_id": run_id, "module_slug": module.slug, "position": position,
            "local_notes": "", "local_questions": "", "summary_learned": "", "summary_keep": "",
            "summary_next": "", "opened_by_id": None, "completed_by_id": None,
            "opened_at": None, "completed_at": None, "last_activity_at": None,
            "state": CycleState.LOCKED.value,
        }  # fmt: skip
        # The cycle row goes in before its sessions and actions: a chunk may be flushed
        # between any two rows, and children need their parent in the database.
        work: tuple[CyclePhase, date, date] | None = None
        if position <= completed:
            end = begin + timedelta(days=spans[position - 1])
            base.update(state=CycleState.COMPLETED.value, opened_at=at(begin, 8),
                        opened_by_id=leader_id, completed_at=at(end, 15),
                        completed_by_id=leader_id, last_activity_at=at(end, 15),
                        **_summary())  # fmt: skip
            work = (CyclePhase.READY, begin, end)
            begin = end
        elif position == completed + 1 and plan.phase is not None:
            last = today - timedelta(days=plan.idle_days)
            base.update(state=CycleState.ACTIVE.value, opened_at=at(open_since, 8),
                        opened_by_id=leader_id, last_activity_at=at(last, 14))  # fmt: skip
            if plan.phase == CyclePhase.READY:
                base.update(_summary())
            work = (plan.phase, open_since, last)
        rows.add(Cycle.__table__, base)
        if work is not None:
            phase, first, last_day = work
            _cycle_work(rows, ids, rng, result, ideas[position - 1], cycle_id,
                        per_cycle[position - 1], phase, first, last_day, leader_id,
                        team_ids, members)  # fmt: skip


def _summary() -> dict[str, str]:
    return {
        "summary_learned": "Forældrene tager godt imod konkrete forventninger.",
        "summary_keep": "Vi fastholder dialog i små grupper på forældremøder.",
        "summary_next": "Vi deler erfaringerne på tværs af teams.",
    }


def _days(rng: random.Random, first: date, last: date) -> Iterator[date]:
    span = max(0, (last - first).days)
    while True:
        yield first + timedelta(days=rng.randint(0, span))


def _cycle_work(
    rows: BulkRows, ids: BulkIds, rng: random.Random, result: NationalResult,
    ideas: list[dict[str, str]], cycle_id: int, actions: int, phase: CyclePhase,
    first: date, last: date, leader_id: int, team_ids: list[int],
    members: tuple[list[int], ...],
) -> None:  # fmt: skip
    """Sessions, actions, log entries and follow-ups of one cycle, as far as its phase goes."""
    if phase == CyclePhase.INPUT:
        return
    days = _days(rng, first, last)
    sessions = [(MeetingKind.INPUT, first)]
    if phase in (CyclePhase.FOLLOW_UP, CyclePhase.READY):
        sessions.append((MeetingKind.FOLLOW_UP, last))
    for kind, held_on in sessions:
        rows.add(Meeting.__table__, {
            "id": ids.take(Meeting), "cycle_id": cycle_id, "held_on": held_on,
            "kind": kind.value, "facilitator_id": leader_id,
            "participants": "Hele personalegruppen", "notes": "Drøftelse i teams af egen praksis.",
            "decisions": "", "created_at": at(held_on, 16),
        })  # fmt: skip
        result.meetings += 1
    reached = STEP.index(phase)
    used_teams = sorted({number % len(team_ids) for number in range(actions)})
    if reached >= STEP.index(CyclePhase.ACTIONS):
        for team in used_teams or [0]:
            question, baseline = QUESTIONS[rng.randrange(len(QUESTIONS))]
            rows.add(TeamQuestion.__table__, {
                "id": ids.take(TeamQuestion), "cycle_id": cycle_id, "team_id": team_ids[team],
                "question": question, "baseline": baseline, "recorded_by_id": leader_id,
                "recorded_at": at(first, 17),
            })  # fmt: skip
    # In the reflection phase the last team has not reflected yet; later every team has.
    reflected = set(used_teams[:-1] if phase == CyclePhase.REFLECTION else used_teams)
    if reached < STEP.index(CyclePhase.REFLECTION):
        reflected = set()
    for team in sorted(reflected):
        rows.add(Reflection.__table__, {
            "id": ids.take(Reflection), "cycle_id": cycle_id, "team_id": team_ids[team],
            "held_on": last, "participants": "Teamets lærere og observatøren",
            "seen": "Vi prøvede aktionen; observatøren så, hvem der deltog.",
            "fit": "Flere kom, som ventet, men de samme talte.", "change": "Mindre grupper.",
            "recorded_by_id": leader_id, "recorded_at": at(last, 15),
        })  # fmt: skip
    untried_left = phase == CyclePhase.TRYING
    without_follow_up_left = phase == CyclePhase.FOLLOW_UP
    # The first action the reflection adjusted: the cycle's last action is its second round.
    adjusted: tuple[int, int] | None = None
    for number in range(actions):
        action_id = ids.take(Action)
        team = number % len(team_ids)
        idea = ideas[number % len(ideas)]
        second = adjusted is not None and number == actions - 1
        if adjusted is not None and second:
            team = adjusted[1]
        decision = rng.choice(OUTCOMES) if team in reflected else None
        if second:
            decision = Outcome.KEEP
        created = at(first, 17)
        rows.add(Action.__table__, {
            "id": action_id, "cycle_id": cycle_id, "team_id": team_ids[team],
            "title": f"{idea['title']} ({number + 1}{', anden runde' if second else ''})"[:200],
            "what": idea["what"] or "Aktionen.",
            "expectation": idea["expectation"] or "Flere forældre deltager.",
            "how_notice": idea["how_notice"] or "Vi tæller og spørger.",
            "period_start": first + timedelta(days=7), "period_end": first + timedelta(days=49),
            "status": ActionStatus.PLANNED.value, "created_by_id": leader_id,
            "created_at": created, "updated_at": created,
            "observer_id": members[(team + 1) % len(members)][0],
            "observation_focus": "Hvem deltager, og hvem står uden for?",
            "reflection_decision": decision.value if decision else None,
            "parent_action_id": adjusted[0] if adjusted and second else None,
        })  # fmt: skip
        if decision == Outcome.ADJUST and adjusted is None and number < actions - 1:
            adjusted = (action_id, team)
        rows.add(action_owner, {"action_id": action_id, "user_id": members[team][0]})
        result.actions += 1
        if phase == CyclePhase.TRYING:
            logs = 0 if (untried_left or rng.random() < 0.4) else rng.randint(1, 2)
            observations = rng.randint(0, 1)
            untried_left = False
        else:
            logs, observations = rng.choice((1, 1, 2, 2, 3)), rng.choice((1, 1, 2))
        for entry_kind, count in ((LogKind.DID, logs), (LogKind.OBSERVATION, observations)):
            for _ in range(count):
                happened = next(days)
                text_, observation = LOG_TEXTS[rng.randrange(len(LOG_TEXTS))]
                if entry_kind == LogKind.OBSERVATION:
                    text_ = OBSERVED[rng.randrange(len(OBSERVED))]
                writer = team if entry_kind == LogKind.DID else (team + 1) % len(members)
                author = members[writer][0]
                rows.add(LogEntry.__table__, {
                    "id": ids.take(LogEntry), "action_id": action_id, "author_id": author,
                    "happened_on": happened, "text": text_, "observation": observation,
                    "kind": entry_kind.value, "created_at": at(happened, 15),
                })  # fmt: skip
                result.log_entries += 1
        follow = phase == CyclePhase.READY or (
            phase == CyclePhase.FOLLOW_UP and not without_follow_up_left and rng.random() < 0.6
        )
        without_follow_up_left = False
        if follow:
            rows.add(FollowUp.__table__, {
                "id": ids.take(FollowUp), "action_id": action_id,
                "outcome": (decision or rng.choice(OUTCOMES)).value,
                "learning": LEARNINGS[rng.randrange(len(LEARNINGS))],
                "fit": "Vi så flere forældre, som vi forventede; observatøren så, at de stille "
                "forældre stadig var stille.",
                "recorded_by_id": leader_id, "recorded_at": at(last, 15),
            })  # fmt: skip
            result.follow_ups += 1
