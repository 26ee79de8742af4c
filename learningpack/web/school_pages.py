"""The school's module page, shown to its staff (school area) and to PUF (read-only)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from learningpack.content import package_of
from learningpack.domain import cycle as rules
from learningpack.domain.access import can_facilitate, can_log_on
from learningpack.models import Cycle, CycleState, Role, School, User
from learningpack.web.forms import ConfirmForm


def module_page(
    school: School,
    cycle: Cycle,
    viewer: User,
    *,
    status: int = 200,
    refusal: list[str] | None = None,
    unlock_form: Any = None,
) -> Any:
    """One module: its content, the stepper, sessions, actions and follow-up."""
    package = package_of(cycle)
    module = package.module(cycle.module_slug)
    editable = cycle.state == CycleState.ACTIVE and can_facilitate(viewer, school.id)
    steps = rules.step_statuses(cycle) if cycle.state == CycleState.ACTIVE else []
    can_reopen = (
        cycle.state == CycleState.COMPLETED
        and can_facilitate(viewer, school.id)
        and not rules.reopen_refusals(cycle)
    )
    local_questions = [q.strip() for q in cycle.local_questions.splitlines() if q.strip()]
    page = render_template(
        "school/module.html",
        school=school,
        package=package,
        module=module,
        cycle=cycle,
        steps=steps,
        current_step=next((s.step for s in steps if not s.done), None),
        editable=editable,
        can_reopen=can_reopen,
        refusal=refusal or [],
        lock_reason=rules.lock_reason(cycle, package),
        local_questions=local_questions,
        loggable={a.id for a in cycle.actions if can_log_on(viewer, a)},
        confirm=ConfirmForm(),
        unlock_form=unlock_form,
        can_adapt=editable,
        is_puf=viewer.role == Role.PUF,
    )
    return page, status
