"""Page models of a school's run: the school page and one module's page.

Each holds every decision its page shows, so the templates hold no rules: they show what is
here. The school's staff and PUF see the same pages, built by the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from learningpack.content import Module, Package, default_package, get_library, package_of
from learningpack.domain import cycle as rules
from learningpack.domain.access import can_export_school, can_facilitate, can_log_on
from learningpack.domain.refusals import Refusal
from learningpack.models import (
    Action,
    Cycle,
    CyclePhase,
    CycleState,
    Role,
    Run,
    School,
    Team,
    User,
)
from learningpack.reads.cycles import current_run
from learningpack.reads.pagination import danish_key
from learningpack.reads.sharing import links_local_approach

# Where on the module page each missing thing is fixed: a section, or the record it names.
_SECTION = {
    "no_input_meeting": "moeder",
    "no_question": "undringer",
    "no_action": "aktioner",
    "no_action_to_try": "aktioner",
    "no_action_to_reflect_on": "aktioner",
    "no_action_to_follow_up": "aktioner",
    "summary_missing": "opsamling",
}


# How many actions each team shows on the module page (and PUF's drill-down) before the rest
# are a link away: a school's module can hold hundreds (DESIGN.md §8, page-sized pages).
FOLD = 5
DRILLDOWN_FOLD = 2


@dataclass(frozen=True)
class ActionGroup:
    """One team's actions in a module: the first few shown, the rest behind a link."""

    team_id: int | None
    name: str
    shown: tuple[Action, ...]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)


def fold_actions(
    actions: list[Action], per_team: int = FOLD, expand: int | None = None
) -> tuple[ActionGroup, ...]:
    """The actions per team (teams in Danish order, actions without a team last), each team's
    first ``per_team`` shown; all of them for the team ``expand`` (0: the actions without one)."""
    by_team: dict[int | None, list[Action]] = {}
    for action in actions:
        by_team.setdefault(action.team_id, []).append(action)
    return in_team_order(
        [
            team_group(team_id, items if (team_id or 0) == expand else items[:per_team], len(items))
            for team_id, items in by_team.items()
        ]
    )


def team_group(team_id: int | None, shown: Sequence[Action], total: int) -> ActionGroup:
    """One team's group of its ``total`` actions, ``shown`` (at least one) of them."""
    name = shown[0].team.name if shown[0].team is not None else ""
    return ActionGroup(team_id=team_id, name=name, shown=tuple(shown), total=total)


def in_team_order(groups: Iterable[ActionGroup]) -> tuple[ActionGroup, ...]:
    """Teams in Danish order, the actions without a team last."""
    return tuple(sorted(groups, key=lambda g: (g.team_id is None, danish_key(g.name))))


def _folded(cycle: Cycle, action: Action) -> bool:
    """The action is behind its team's "show all" link on the module page."""
    same_team = [a.id for a in cycle.actions if a.team_id == action.team_id]
    return same_team.index(action.id) >= FOLD


def fix_anchor(cycle: Cycle, reason: Refusal) -> str:
    """The anchor on the module page of the place that fixes what a step is missing."""
    title, team = reason.params.get("title"), reason.params.get("team")
    if title is not None:
        action = next((a for a in cycle.actions if a.title == title), None)
        if action is not None:
            if _folded(cycle, action):
                return f"aktioner-team-{action.team_id or 0}"
            return f"aktion-{action.id}"
    if team is not None:
        action = next((a for a in cycle.actions if a.team and a.team.name == team), None)
        if action is not None:
            return f"refleksion-{action.team_id}"
    return _SECTION.get(reason.code, "aktioner")


@dataclass(frozen=True)
class PufOpening:
    """PUF opened the module before its turn: when, and the reason it gave."""

    opened_at: datetime | None
    reason: str


def puf_opening(cycle: Cycle) -> PufOpening | None:
    """How PUF opened the module out of order, if it did (the school sees it on its pages)."""
    if not cycle.unlock_reason or cycle.state == CycleState.LOCKED:
        return None
    return PufOpening(cycle.opened_at, cycle.unlock_reason)


@dataclass(frozen=True)
class StepView:
    """One step of the stepper with each missing thing and the anchor that fixes it."""

    status: rules.StepStatus
    missing: tuple[tuple[Refusal, str], ...]


@dataclass(frozen=True)
class ModuleView:
    """One module of a school's run as a viewer sees it."""

    school: School
    package: Package
    module: Module
    cycle: Cycle
    is_locked: bool
    is_active: bool
    is_completed: bool
    editable: bool
    """The viewer may record in the module now (a leader of the school, module open)."""
    can_reopen: bool
    reopen_refusals: tuple[Refusal, ...]
    """Why the leader cannot reopen the module (empty when they can, when it is not completed,
    or for a viewer who does not facilitate it)."""
    loggable: frozenset[int]
    """Ids of the actions the viewer may log on now."""
    steps: tuple[StepView, ...]
    current_step: CyclePhase | None
    teams: tuple[Team, ...]
    """The teams the question section lists: for the leader who records, every team of the
    school (each may state its question); for others, the teams that have one."""
    lock_reason: Refusal | None
    local_questions: tuple[str, ...]
    is_puf: bool
    offers_unlock: bool
    """PUF may open the locked module out of order."""
    may_propose: bool
    """The viewer may propose the school's practice (follow-ups, summary) to the bank."""
    links_local_approach: bool = False
    """The module is where the school writes its local approach (module 5): link to it."""
    puf_opening: PufOpening | None = None
    action_groups: tuple[ActionGroup, ...] = ()
    """The actions per team, each team's first few shown (all for the team asked for)."""


def module_view(cycle: Cycle, viewer: User, expand_team: int | None = None) -> ModuleView:
    """Everything the module page decides, for this viewer."""
    package = package_of(cycle)
    school = cycle.run.school
    facilitates = can_facilitate(viewer, school.id)
    active = cycle.state == CycleState.ACTIVE
    completed = cycle.state == CycleState.COMPLETED
    statuses = tuple(rules.step_statuses(cycle)) if active else ()
    steps = tuple(
        StepView(s, tuple((m, fix_anchor(cycle, m)) for m in s.missing)) for s in statuses
    )
    refusals = tuple(rules.reopen_refusals(cycle)) if completed and facilitates else ()
    is_puf = viewer.role == Role.PUF
    groups = fold_actions(cycle.actions, FOLD, expand_team)
    shown = [a for g in groups for a in g.shown]
    return ModuleView(
        school=school,
        package=package,
        module=package.module(cycle.module_slug),
        cycle=cycle,
        is_locked=cycle.state == CycleState.LOCKED,
        is_active=active,
        is_completed=completed,
        editable=active and facilitates,
        can_reopen=completed and facilitates and not refusals,
        reopen_refusals=refusals,
        loggable=frozenset(a.id for a in shown if active and can_log_on(viewer, a)),
        steps=steps,
        current_step=next((s.phase for s in statuses if not s.done), None),
        teams=_teams(cycle, school, active and facilitates),
        lock_reason=rules.lock_reason(cycle, package),
        local_questions=tuple(q.strip() for q in cycle.local_questions.splitlines() if q.strip()),
        is_puf=is_puf,
        offers_unlock=is_puf and cycle.state == CycleState.LOCKED,
        may_propose=facilitates and cycle.state != CycleState.LOCKED,
        links_local_approach=links_local_approach(package.module(cycle.module_slug)),
        puf_opening=puf_opening(cycle),
        action_groups=groups,
    )


def _teams(cycle: Cycle, school: School, records: bool) -> tuple[Team, ...]:
    found = list(school.teams) if records else [q.team for q in cycle.questions]
    return tuple(sorted(found, key=lambda t: danish_key(t.name)))


@dataclass(frozen=True)
class ModuleRow:
    """One module on the school page."""

    cycle: Cycle
    module: Module
    lock_reason: Refusal | None
    is_completed: bool
    puf_opening: PufOpening | None = None


@dataclass(frozen=True)
class SchoolView:
    """The school's newest run with every module's state, as a viewer sees it."""

    school: School
    run: Run | None
    package: Package
    rows: tuple[ModuleRow, ...]
    may_start: bool
    """The viewer may start a (new) run now."""
    may_export: bool
    is_puf: bool


def school_view(school: School, viewer: User) -> SchoolView:
    """Everything the school page decides, for this viewer."""
    run = current_run(school.id)
    package = get_library().package(run.package_slug) if run else default_package()
    rows = tuple(
        ModuleRow(
            cycle=cycle,
            module=package.module(cycle.module_slug),
            lock_reason=rules.lock_reason(cycle, package),
            is_completed=cycle.state == CycleState.COMPLETED,
            puf_opening=puf_opening(cycle),
        )
        for cycle in (run.cycles if run is not None else [])
    )
    return SchoolView(
        school=school,
        run=run,
        package=package,
        rows=rows,
        may_start=rules.may_start_run(run) and can_facilitate(viewer, school.id),
        may_export=can_export_school(viewer, school.id),
        is_puf=viewer.role == Role.PUF,
    )


@dataclass(frozen=True)
class DrilldownModule:
    """One module of a school's newest run on PUF's drill-down."""

    cycle: Cycle
    module: Module | None
    state_key: str
    """The overview's key: the phase of an open module, else its state (locked, completed)."""
    is_locked: bool
    is_active: bool
    lock_reason: Refusal | None
    puf_opening: PufOpening | None = None
    action_groups: tuple[ActionGroup, ...] = ()
    """The actions per team, each team's first few (the rest on the module page)."""


@dataclass(frozen=True)
class EarlierRun:
    """A school's earlier run, listed with how many of its modules were completed."""

    run: Run
    completed: int
    total: int


def drilldown_modules(
    run: Run, package: Package, groups: Mapping[int, tuple[ActionGroup, ...]]
) -> tuple[DrilldownModule, ...]:
    """Every module of the run with the state PUF's drill-down shows, and its ``groups`` of
    actions by cycle id (reads/drilldown.action_groups)."""
    modules = {m.slug: m for m in package.modules}
    return tuple(
        DrilldownModule(
            cycle=c,
            module=modules.get(c.module_slug),
            state_key=str(c.phase if c.state == CycleState.ACTIVE else c.state),
            is_locked=c.state == CycleState.LOCKED,
            is_active=c.state == CycleState.ACTIVE,
            lock_reason=rules.lock_reason(c, package),
            puf_opening=puf_opening(c),
            action_groups=groups.get(c.id, ()),
        )
        for c in run.cycles
    )


def earlier_runs(runs: list[Run]) -> tuple[EarlierRun, ...]:
    """Earlier runs with their count of completed modules."""
    return tuple(
        EarlierRun(
            run=r,
            completed=sum(1 for c in r.cycles if c.state == CycleState.COMPLETED),
            total=len(r.cycles),
        )
        for r in runs
    )
