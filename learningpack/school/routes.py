"""The leader's facilitation of the package at their school (teachers read along): the school's
run, one module's page, starting a run, completing and reopening a module.

Recording inside a module (meetings, actions, follow-ups, summary) is in ``actions.py``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.content import default_package, package_of
from learningpack.domain import notes, transitions
from learningpack.domain.access import can_facilitate
from learningpack.domain.refusals import CycleRefused, Refusal, Refused
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import Cycle, Role
from learningpack.reads.module import module_view, school_view
from learningpack.reads.notes import thread
from learningpack.reads.sharing import invitations
from learningpack.school import bp
from learningpack.school.forms import StartRunForm
from learningpack.web.access import cycle_or_404, require, role_required
from learningpack.web.forms import ConfirmForm
from learningpack.web.fragment_cache import kept_whole_page, staff_page_key
from learningpack.web.module_page import fresh_page, kept_module_page
from learningpack.web.notes import NoteForm
from learningpack.web.refusals import flash_refused

STAFF = (Role.LEADER, Role.TEACHER)


def school_page(
    start_form: StartRunForm | None = None, note_form: NoteForm | None = None
) -> tuple[str, int]:
    """The school's run with every module's state; for its leaders, the notes with PUF."""
    view = school_view(current_user.school, current_user)
    form = (start_form or StartRunForm()) if view.may_start else None
    is_leader = current_user.role == Role.LEADER
    page = render_template(
        "school/school.html",
        view=view,
        start_form=form,
        invitations=invitations(current_user.school_id),
        notes=thread(current_user.school_id, view.package.slug) if is_leader else None,
        note_form=(note_form or NoteForm()) if is_leader and view.run is not None else None,
    )
    failed = (form is not None and form.errors) or (note_form is not None and note_form.errors)
    return page, 400 if failed else 200


@bp.post("/beskeder")
@role_required(Role.LEADER)
def answer_note() -> Any:
    """A leader answers PUF (or writes first): the note joins the run's thread."""
    form = NoteForm()
    if not form.validate_on_submit():
        return school_page(note_form=form)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så beskeden er kun sendt én gang."), "info")
        return redirect(url_for("school.home") + "#noter")
    try:
        notes.write_note(
            current_user.school_id, default_package().slug, form.text.data or "", current_user
        )
    except Refused as error:
        flash_refused(error)
        return redirect(url_for("school.home") + "#noter")
    db.session.commit()
    flash(_("Beskeden er sendt til PUF."), "success")
    return redirect(url_for("school.home") + "#noter")


def module_page(
    cycle: Cycle, *, status: int = 200, refusal: tuple[Refusal, ...] = ()
) -> tuple[str, int]:
    """One module's page rendered now; ``refusal`` says why completing it was refused;
    ``?team=<id>`` lists all of that team's actions (the others show their first few)."""
    view = module_view(cycle, current_user, request.args.get("team", type=int))
    return fresh_page(view, refusal), status


def my_cycle(slug: str) -> Cycle:
    """The module's cycle in the user's school's newest run, or 404."""
    return cycle_or_404(current_user, current_user.school_id, slug)


def leader_cycle(slug: str) -> Cycle:
    """As :func:`my_cycle`, for a leader who facilitates the school's run (else 403)."""
    cycle = my_cycle(slug)
    require(can_facilitate(current_user, cycle.run.school_id))
    return cycle


def to_module(cycle: Cycle, anchor: str = "") -> Response:
    """A redirect to the module's page, at an anchor."""
    target = url_for("school.module", slug=cycle.module_slug)
    return redirect(f"{target}#{anchor}" if anchor else target)


@bp.get("/")
@role_required(*STAFF)
def home() -> str:
    """The school's run: every module with its state, and why a locked one is locked. Kept
    while nothing it shows changes: the notes with PUF and the school's invitations to events
    are covered by the school's versions too (models/page_versions.py)."""
    return kept_whole_page(staff_page_key("school"), lambda: school_page()[0])


@bp.post("/start")
@role_required(Role.LEADER)
def start() -> Any:
    """Start the school's run of the package: module 1 opens."""
    form = StartRunForm()
    if not school_view(current_user.school, current_user).may_start:  # e.g. a stale second tab
        flash(_("Skolen har allerede et forløb i gang med denne pakke."), "info")
        return redirect(url_for("school.home"))
    if not form.validate_on_submit():
        return school_page(form)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så den er kun gemt én gang."), "info")
        return redirect(url_for("school.home"))
    try:
        transitions.start_run(
            current_user.school_id, default_package(), form.year_label.data or "", current_user
        )
    except CycleRefused as error:
        flash_refused(error)
        return redirect(url_for("school.home"))
    db.session.commit()
    flash(_("Forløbet er startet. Modul 1 er åbent."), "success")
    return redirect(url_for("school.module", slug=default_package().first_module.slug))


@bp.get("/modul/<slug>")
@role_required(*STAFF)
def module(slug: str) -> Any:
    """One module of the school's run: the page kept while nothing it shows changes (the
    versions come with the user, before the page is rendered: web/fragment_cache.py). The
    local date is in the key: a kept page is not carried over midnight."""
    package = default_package()
    try:
        content = package.module(slug)
    except KeyError:
        abort(404)
    team = request.args.get("team", type=int)
    key = staff_page_key("module", slug)
    return kept_module_page(key, content, lambda: module_view(my_cycle(slug), current_user, team))


@bp.post("/modul/<slug>/afslut")
@role_required(Role.LEADER)
def complete(slug: str) -> Any:
    """Complete the module when every condition holds; the next one opens."""
    cycle = leader_cycle(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        opened = transitions.complete_cycle(cycle, current_user)
    except CycleRefused as error:
        db.session.rollback()
        return module_page(my_cycle(slug), status=409, refusal=error.refusals)
    db.session.commit()
    if opened is None:
        flash(_("Modulet er afsluttet, og hele forløbet er gennemført. Tillykke!"), "success")
        return redirect(url_for("school.home"))
    title = package_of(opened).module(opened.module_slug).title
    flash(
        _(
            "Modulet er afsluttet. Næste modul er modul %(pos)d »%(title)s«.",
            pos=opened.position,
            title=title,
        ),
        "success",
    )
    return redirect(url_for("school.module", slug=opened.module_slug))


@bp.post("/modul/<slug>/genaabn")
@role_required(Role.LEADER)
def reopen(slug: str) -> Any:
    """Reopen a completed module while the next one has nothing recorded."""
    cycle = leader_cycle(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        transitions.reopen_cycle(cycle, current_user)
    except CycleRefused as error:
        flash_refused(error)
    else:
        db.session.commit()
        flash(_("Modulet er genåbnet."), "success")
    return to_module(cycle)
