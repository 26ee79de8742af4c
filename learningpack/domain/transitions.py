"""Transitions of a run's cycles: start a run, complete, reopen, and PUF's unlock out of order.

Functions here change the models and ``flush``; the caller (a view or the CLI) commits.
Refusals raise :class:`CycleRefused` with codes. Every transition first locks the cycle row(s)
it changes (``cycle_lock.lock_cycle``) and checks its conditions after, inside the lock; the
state changes stay conditional UPDATEs as a second guard. One unfinished run per school and
package is kept by the database (the partial unique index ``uq_run_one_unfinished``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from learningpack.content import Package
from learningpack.domain.cycle import (
    next_cycle,
    nothing_recorded,
    reopen_refusals,
    unmet_conditions,
)
from learningpack.domain.cycle_lock import lock_cycle
from learningpack.domain.privacy import guard_free_text
from learningpack.domain.refusals import CycleRefused, refuse
from learningpack.domain.school_progress import refresh_run
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, Role, Run, User, utcnow
from learningpack.models.audit import record

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult


def start_run(school_id: int, package: Package, year_label: str, actor: User) -> Run:
    """Start the school's run of a package: one cycle per module, the first one open."""
    existing = db.session.scalar(
        select(Run).where(
            Run.school_id == school_id,
            Run.package_slug == package.slug,
            Run.completed_at.is_(None),
        )
    )
    if existing is not None:
        raise refuse("run_in_progress")
    label = year_label.strip()
    same_name = db.session.scalar(
        select(Run.id).where(
            Run.school_id == school_id, Run.package_slug == package.slug, Run.year_label == label
        )
    )
    if same_name is not None:
        raise refuse("run_name_taken", label=label)
    now = utcnow()
    run = Run(
        school_id=school_id,
        package_slug=package.slug,
        year_label=label,
        started_at=now,
        started_by_id=actor.id,
    )
    for module in package.modules:
        cycle = Cycle(module_slug=module.slug, position=module.position, state=CycleState.LOCKED)
        if module.position == 1:
            cycle.state = CycleState.ACTIVE
            cycle.opened_at = now
            cycle.opened_by_id = actor.id
            cycle.last_activity_at = now
        run.cycles.append(cycle)
    try:
        with db.session.begin_nested():  # a concurrent start: the partial unique index says no
            db.session.add(run)
            db.session.flush()
    except IntegrityError as error:
        raise refuse("run_in_progress") from error
    record(
        "run_started",
        actor=actor,
        obj=run,
        school_id=school_id,
        package=package.slug,
        year=run.year_label,
    )
    refresh_run(run)
    return run


def complete_cycle(cycle: Cycle, actor: User) -> Cycle | None:
    """Complete an active cycle whose conditions all hold, and open the next one.

    One transition only, however many press at once: the state change is a conditional UPDATE
    (``WHERE state = 'active'``), so a second, concurrent attempt changes no row and is refused.
    Returns the cycle that opened, or None when the run is complete.
    """
    lock_cycle(cycle)
    reasons = unmet_conditions(cycle)
    if reasons:
        raise CycleRefused(reasons)
    now = utcnow()
    try:
        changed = _rowcount(
            update(Cycle)
            .where(Cycle.id == cycle.id, Cycle.state == CycleState.ACTIVE)
            .values(
                state=CycleState.COMPLETED,
                completed_at=now,
                completed_by_id=actor.id,
                last_activity_at=now,
            )
        )
    except OperationalError as error:  # SQLite: another writer holds the database
        raise refuse("changed_concurrently") from error
    if changed != 1:
        raise refuse("already_completed")

    run = cycle.run
    following = db.session.scalar(
        select(Cycle)
        .where(
            Cycle.run_id == run.id,
            Cycle.position > cycle.position,
            Cycle.state != CycleState.COMPLETED,  # one completed out of order is not "next"
        )
        .order_by(Cycle.position)
        .limit(1)
    )
    opened: Cycle | None = None
    if following is not None:
        db.session.execute(
            update(Cycle)
            .where(Cycle.id == following.id, Cycle.state == CycleState.LOCKED)
            .values(
                state=CycleState.ACTIVE, opened_at=now, opened_by_id=actor.id, last_activity_at=now
            )
            .execution_options(synchronize_session=False)
        )
        opened = following
    elif all(c.state == CycleState.COMPLETED or c.id == cycle.id for c in run.cycles):
        run.completed_at = now
    record(
        "cycle_completed", actor=actor, obj=cycle, school_id=run.school_id, module=cycle.module_slug
    )
    refresh_run(run)
    db.session.expire(cycle)
    if opened is not None:
        db.session.expire(opened)
    return opened


def reopen_cycle(cycle: Cycle, actor: User) -> None:
    """Reopen a completed cycle, allowed only while the next one has nothing recorded.

    The next module is locked again only when it was opened by this cycle's completion (same
    moment); one that PUF opened out of order stays open. Both changes are conditional UPDATEs,
    so a concurrent recording in the next module or a second reopen makes this one refuse.
    """
    lock_cycle(cycle)
    following = next_cycle(cycle)
    if following is not None:
        lock_cycle(following)  # in position order, like every caller
    reasons = reopen_refusals(cycle)
    if reasons:
        raise CycleRefused(reasons)
    try:
        reopened = _rowcount(
            update(Cycle)
            .where(Cycle.id == cycle.id, Cycle.state == CycleState.COMPLETED)
            .values(
                state=CycleState.ACTIVE,
                completed_at=None,
                completed_by_id=None,
                last_activity_at=utcnow(),
            )
        )
        if reopened != 1:
            raise refuse("already_reopened")
        if (
            following is not None
            and following.state == CycleState.ACTIVE
            and following.opened_at == cycle.completed_at
        ):
            relocked = _rowcount(
                update(Cycle)
                .where(Cycle.id == following.id, Cycle.state == CycleState.ACTIVE)
                .where(nothing_recorded())
                .values(state=CycleState.LOCKED, opened_at=None, opened_by_id=None)
            )
            if relocked != 1:  # the caller rolls back, so the reopening above is undone too
                raise refuse("next_got_records")
    except OperationalError as error:  # SQLite: another writer holds the database
        raise refuse("changed_concurrently") from error
    cycle.run.completed_at = None
    record(
        "cycle_reopened",
        actor=actor,
        obj=cycle,
        school_id=cycle.run.school_id,
        module=cycle.module_slug,
    )
    refresh_run(cycle.run)
    db.session.expire(cycle)
    if following is not None:
        db.session.expire(following)


def _rowcount(statement: Any) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast("CursorResult[Any]", result).rowcount


def unlock_out_of_order(cycle: Cycle, actor: User, reason: str) -> None:
    """PUF opens a locked module before its turn; the reason goes to the audit log."""
    if actor.role != Role.PUF:
        raise refuse("puf_only")
    if not reason.strip():
        raise refuse("reason_required")
    guard_free_text(reason=reason)
    lock_cycle(cycle)
    if cycle.state != CycleState.LOCKED:
        raise refuse("not_locked")
    now = utcnow()
    cycle.state = CycleState.ACTIVE
    cycle.opened_at = now
    cycle.opened_by_id = actor.id
    cycle.unlock_reason = reason.strip()
    cycle.last_activity_at = now
    record(
        "cycle_unlocked_override",
        actor=actor,
        obj=cycle,
        school_id=cycle.run.school_id,
        module=cycle.module_slug,
        reason=reason.strip(),
    )
    refresh_run(cycle.run)
