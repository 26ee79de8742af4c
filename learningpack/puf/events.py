"""PUF's knowledge-sharing events (videndelingsarrangement, seed solution 4): create an event,
mark practice examples from the schools' follow-ups, print the programme, and give each chosen
school a five-minute presentation filled from its records."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.content import default_package
from learningpack.domain.refusals import Refused
from learningpack.domain.sharing import create_event, mark_example, unmark_example
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import Role, SharingEvent
from learningpack.output.pdf import attachment, pdf_response
from learningpack.output.slides import PPTX_MIMETYPE, event_pitch
from learningpack.puf import bp
from learningpack.puf.event_forms import EventForm, ExampleForm
from learningpack.reads.sharing import event_or_none, event_page, events
from learningpack.web.access import role_required, school_or_404
from learningpack.web.refusals import flash_refused


def _event(event_id: int) -> SharingEvent:
    event = event_or_none(event_id)
    if event is None:
        abort(404)
    return event


def _list(form: EventForm, status: int = 200) -> tuple[str, int]:
    return render_template("puf/events.html", events=events(), form=form), status


@bp.get("/arrangementer")
@role_required(Role.PUF)
def events_page() -> tuple[str, int]:
    """Every knowledge-sharing event, and a form for a new one."""
    return _list(EventForm())


@bp.post("/arrangementer")
@role_required(Role.PUF)
def new_event() -> Any:
    """Create an event."""
    form = EventForm()
    if not form.validate_on_submit():
        return _list(form, 400)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så arrangementet er kun oprettet én gang."), "info")
        return redirect(url_for("puf.events_page"))
    try:
        event = create_event(
            title=form.title.data or "",
            held_on=form.held_on.data,
            place=form.place.data or "",
            actor=current_user,
        )
    except Refused as error:
        flash_refused(error)
        return _list(form, 400)
    db.session.commit()
    flash(_("Arrangementet er oprettet. Vælg nu praksiseksempler."), "success")
    return redirect(url_for("puf.event", event_id=event.id))


def _event_page(event: SharingEvent, status: int = 200) -> tuple[str, int]:
    package = default_package()
    module = request.args.get("modul", "")
    page = event_page(event, package, module)
    return render_template("puf/event.html", page=page, package=package, form=ExampleForm()), status


@bp.get("/arrangementer/<int:event_id>")
@role_required(Role.PUF)
def event(event_id: int) -> tuple[str, int]:
    """One event: its practice examples and the schools' follow-ups to choose from."""
    return _event_page(_event(event_id))


def _changed(event: SharingEvent, change: Any, done: str) -> Any:
    form = ExampleForm()
    if not form.validate_on_submit():
        flash(_("Vælg et praksiseksempel."), "error")
        return _event_page(event, 400)
    try:
        change(form.item.data)
    except Refused as error:
        flash_refused(error)
    else:
        db.session.commit()
        flash(done, "success")
    target = url_for("puf.event", event_id=event.id, modul=request.args.get("modul") or None)
    return redirect(target)


@bp.post("/arrangementer/<int:event_id>/eksempler")
@role_required(Role.PUF)
def mark(event_id: int) -> Any:
    """Mark a follow-up as a practice example for the event."""
    event = _event(event_id)
    return _changed(
        event,
        lambda item: mark_example(event, item, current_user),
        _("Praksiseksemplet er med i arrangementet."),
    )


@bp.post("/arrangementer/<int:event_id>/fjern")
@role_required(Role.PUF)
def unmark(event_id: int) -> Any:
    """Take a practice example off the event."""
    event = _event(event_id)
    return _changed(
        event,
        lambda item: unmark_example(event, item, current_user),
        _("Praksiseksemplet er taget ud af arrangementet."),
    )


def _programme(event: SharingEvent, for_pdf: bool) -> str:
    return render_template(
        "puf/event_programme.html",
        page=event_page(event, default_package()),
        package=default_package(),
        for_pdf=for_pdf,
        back_url=url_for("puf.event", event_id=event.id),
        pdf_url=url_for("puf.event_programme_pdf", event_id=event.id),
    )


@bp.get("/arrangementer/<int:event_id>/program")
@role_required(Role.PUF)
def event_programme(event_id: int) -> str:
    """The event's programme as a print page."""
    return _programme(_event(event_id), for_pdf=False)


@bp.get("/arrangementer/<int:event_id>/program.pdf")
@role_required(Role.PUF)
def event_programme_pdf(event_id: int) -> Response:
    """The event's programme as a PDF."""
    event = _event(event_id)
    return pdf_response(_programme(event, for_pdf=True), f"program-{event.id}.pdf")


@bp.get("/arrangementer/<int:event_id>/skoler/<int:school_id>/oplaeg.pptx")
@role_required(Role.PUF)
def pitch(event_id: int, school_id: int) -> Response:
    """A chosen school's five-minute presentation, filled from its records."""
    event = _event(event_id)
    school = school_or_404(current_user, school_id)
    found = event_pitch(event, school.id)
    if found is None:
        abort(404)
    return attachment(found[0], PPTX_MIMETYPE, found[1])
