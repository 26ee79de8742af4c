"""Page models of what a school's work carries outside the staff room: the parent-meeting
handout, the board brief and the whole-year report (pages, PDFs and the board's PPTX deck).

Only what may leave the building is here: the module's shared texts, the school's actions (what
was chosen and why), follow-ups and summaries. Never staff names (owners, facilitators,
participants, log authors) and never log entries (they may tell about single children).
Each read is a fixed number of queries: the cycles' records come from ``load_cycle_records``.
"""

from __future__ import annotations

from dataclasses import dataclass

from learningpack.content import Module, Package, Section, get_library
from learningpack.models import Action, Cycle, CycleState, Run, School
from learningpack.reads.cycles import load_cycle_records

# The module section for parents, and the one for the school board. The board's own section is
# new in the content; while a module has none, the board brief uses the parents' section.
PARENTS_SECTION = "parents"
BOARD_SECTION = "board"


def board_section(module: Module) -> Section:
    """The module's text for the school board: its ``board`` section, else its ``parents`` one."""
    try:
        return module.section(BOARD_SECTION)
    except KeyError:
        return module.section(PARENTS_SECTION)


@dataclass(frozen=True)
class Choice:
    """One action as it is told outside the staff room: what, why, and how it went."""

    title: str
    what: str
    why: str
    how_notice: str
    team: str
    outcome: str
    """The follow-up's outcome (keep, adjust, stop), empty before the follow-up."""
    learning: str

    @classmethod
    def of(cls, action: Action) -> Choice:
        follow_up = action.follow_up
        return cls(
            title=action.title,
            what=action.what,
            why=action.expectation,
            how_notice=action.how_notice,
            team=action.team.name if action.team is not None else "",
            outcome=str(follow_up.outcome) if follow_up is not None else "",
            learning=follow_up.learning if follow_up is not None else "",
        )


@dataclass(frozen=True)
class ModuleStory:
    """One module of a school's run, told for parents, the board, PUF or another school."""

    school: School
    package: Package
    module: Module
    cycle: Cycle
    choices: tuple[Choice, ...]
    learned: str
    keep: str
    next_steps: str
    meeting_count: int
    is_completed: bool

    @property
    def parents(self) -> Section:
        return self.module.section(PARENTS_SECTION)

    @property
    def board(self) -> Section:
        return board_section(self.module)

    @property
    def learnings(self) -> tuple[Choice, ...]:
        """The actions that have a follow-up: what the staff saw and decided."""
        return tuple(c for c in self.choices if c.outcome)


def _story(cycle: Cycle, package: Package) -> ModuleStory:
    return ModuleStory(
        school=cycle.run.school,
        package=package,
        module=package.module(cycle.module_slug),
        cycle=cycle,
        choices=tuple(Choice.of(a) for a in cycle.actions),
        learned=cycle.summary_learned,
        keep=cycle.summary_keep,
        next_steps=cycle.summary_next,
        meeting_count=len(cycle.meetings),
        is_completed=cycle.state == CycleState.COMPLETED,
    )


def module_story(cycle: Cycle) -> ModuleStory:
    """One module of the school's run (the cycle's records loaded by ``school_cycle``)."""
    return _story(cycle, get_library().package(cycle.run.package_slug))


@dataclass(frozen=True)
class YearReport:
    """A school's whole run: every module that is open or done, with its story."""

    school: School
    run: Run
    package: Package
    modules: tuple[ModuleStory, ...]
    """Modules the school has reached (open or completed), in the package's order."""
    locked: tuple[Module, ...]
    """Modules not reached yet."""

    @property
    def completed_count(self) -> int:
        return sum(1 for m in self.modules if m.is_completed)

    @property
    def action_count(self) -> int:
        return sum(len(m.choices) for m in self.modules)


def year_report(run: Run) -> YearReport:
    """The run's report: its cycles' records in four queries, whatever the size."""
    package = get_library().package(run.package_slug)
    cycles = list(run.cycles)
    load_cycle_records(cycles)
    reached = [c for c in cycles if c.state != CycleState.LOCKED]
    return YearReport(
        school=run.school,
        run=run,
        package=package,
        modules=tuple(_story(c, package) for c in reached),
        locked=tuple(package.module(c.module_slug) for c in cycles if c.state == CycleState.LOCKED),
    )
