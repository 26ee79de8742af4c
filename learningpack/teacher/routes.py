"""The teacher's pages: my actions (owned, of my team, or observed by me) and logging what
happened or what I observed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from learningpack.content import Package, default_package, module_of
from learningpack.domain import records
from learningpack.domain.access import can_log_on
from learningpack.domain.cycle import ensure_open
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import Action, Role
from learningpack.output.labels import ACTION_STATUS
from learningpack.reads.cycles import KEPT_PER_PAGE, ActionCard, OwnEntry, my_actions
from learningpack.reads.teacher_page import working_on
from learningpack.teacher import bp
from learningpack.teacher.forms import LogEntryForm, ObservationForm
from learningpack.web.access import action_or_404, require, role_required
from learningpack.web.fragment_cache import kept_whole_page, staff_page_key
from learningpack.web.refusals import flash_refused
from learningpack.web.templating import date_formatter


def _loggable_action(action_id: int) -> Action:
    action = action_or_404(current_user, action_id)
    require(can_log_on(current_user, action))
    return action


def _back(action: Action) -> Response:
    return redirect(url_for("teacher.my_actions_page") + f"#aktion-{action.id}")


def _refused(error: CycleRefused, action: Action) -> Response:
    """Undo the request's changes, say why the domain refused, and go back to the card."""
    flash_refused(error)
    return _back(action)


@dataclass(frozen=True)
class CardView:
    """What one card on "my actions" shows, with its texts already in the user's language."""

    card: ActionCard
    log_url: str
    period: str
    logged: str
    log_label: str
    observes: bool
    """The user is the action's observer: the button logs an observation."""
    origin: str = ""
    """For an action kept from a completed module: which module it comes from."""
    edit_url: str = ""
    """Where the user corrects what the action says (empty: they may not)."""
    entries: tuple[EntryView, ...] = ()
    """The user's own log entries on the action, to correct or delete."""


@dataclass(frozen=True)
class EntryView:
    """One of the user's own log entries on a card, with its links."""

    entry: OwnEntry
    when: str
    edit_url: str
    delete_url: str


def _id_url(endpoint: str, name: str = "action_id") -> Callable[[int], str]:
    """A URL builder for an endpoint whose one variable is ``action_id`` (or ``name``): url_for
    once, then the id put in by string (url_for per card was a tenth of the page's time)."""
    marker = 987654321
    values: dict[str, Any] = {name: marker}
    template = url_for(endpoint, **values)
    head, tail = template.split(str(marker))
    return lambda action_id: f"{head}{action_id}{tail}"


def _card_views(cards: list[ActionCard], user_id: int) -> list[CardView]:
    # Babel's gettext looks the catalogue up through several context locals on every call; with
    # 20 cards × 4 texts that was the page's largest cost, so the catalogue is fetched once.
    catalogue = get_translations()
    log_on = catalogue.ugettext("på %(title)s")
    latest = catalogue.ugettext("senest %(date)s")
    log_url = _id_url("teacher.log_entry")
    datefmt = date_formatter()
    from_module = catalogue.ugettext("Fra modul %(pos)d, %(title)s")
    package = default_package()
    text_url = _id_url("teacher.edit_action_texts")
    edit_url, delete_url = (_id_url(f"teacher.{e}_log", "entry_id") for e in ("edit", "delete"))
    views = []
    for card in cards:
        action = card.action
        count = catalogue.ungettext("%(num)d logning", "%(num)d logninger", card.log_count)
        logged = count % {"num": card.log_count}
        if card.last_logged_on:
            logged += " · " + latest % {"date": datefmt(card.last_logged_on)}
        period = ""
        if action.period_start:
            start, end = action.period_start, action.period_end
            period = f"{datefmt(start, 'short')}–{datefmt(end, 'short')}"
        views.append(
            CardView(
                card=card,
                log_url=log_url(action.id),
                period=period,
                logged=logged,
                log_label=log_on % {"title": action.title},
                observes=action.observer_id == user_id,
                origin=_origin(from_module, package, action) if card.kept else "",
                edit_url=text_url(action.id) if card.edits_text else "",
                entries=tuple(
                    EntryView(e, datefmt(e.happened_on), edit_url(e.id), delete_url(e.id))
                    for e in card.own_entries
                ),
            )
        )
    return views


def _origin(template: str, package: Package, action: Action) -> str:
    module = package.module(action.cycle.module_slug)
    return template % {"pos": module.position, "title": module.title}


@bp.get("/")
@role_required(Role.TEACHER, Role.LEADER)
def my_actions_page() -> str:
    """The actions I own or my team owns, in the school's open modules, and the newest few my
    team keeps from completed modules (the rest on their own pages)."""
    # Teachers and leaders always have a school (check constraint school_for_staff). The
    # versions come with the user, before the page is rendered: a page is never older than the
    # key it is kept under (web/fragment_cache.py).
    return kept_whole_page(
        staff_page_key("my_actions"),
        lambda: render_template("teacher/my_actions.html", body=Markup(_my_actions_body())),
    )


def _my_actions_body() -> str:
    mine = my_actions(current_user)
    views = _card_views(mine.cards + mine.kept.items, current_user.id)
    return render_template(
        "teacher/_my_actions_body.html",
        cards=views[: len(mine.cards)],
        kept=views[len(mine.cards) :],
        kept_total=mine.kept.total,
        working_on=working_on(current_user),
        status_labels={status.value: str(name) for status, name in ACTION_STATUS.items()},
    )


@bp.get("/fastholdt")
@role_required(Role.TEACHER, Role.LEADER)
def kept_page() -> str:
    """Every action my team keeps from completed modules, a page at a time, newest module first."""
    kept = my_actions(
        current_user,
        kept_page=request.args.get("side", 1, type=int) or 1,
        kept_per_page=KEPT_PER_PAGE,
        open_modules=False,
    ).kept
    return render_template(
        "teacher/kept.html",
        kept=_card_views(kept.items, current_user.id),
        kept_total=kept.total,
        page=kept.page,
        pages=kept.pages,
    )


@bp.route("/<int:action_id>/log", methods=["GET", "POST"])
@role_required(Role.TEACHER, Role.LEADER)
def log_entry(action_id: int) -> Any:
    """Log what we did when we tried the action, or, as its observer, what I saw (quick,
    phone-sized)."""
    action = _loggable_action(action_id)
    try:
        ensure_open(action.cycle)
    except CycleRefused as error:
        return _refused(error, action)
    observes = action.observer_id == current_user.id
    form = ObservationForm() if observes else LogEntryForm()
    if form.validate_on_submit():
        if not claim_submission(form, current_user):
            db.session.rollback()
            flash(_("Formularen var allerede sendt, så den er kun gemt én gang."), "info")
            return _back(action)
        try:
            records.add_log_entry(
                action,
                author=current_user,
                happened_on=form.happened_on.data,
                text=form.text.data or "",
                observation=form.observation.data or "",
            )
        except CycleRefused as error:
            flash_refused(error)
        else:
            db.session.commit()
            flash(
                _("Din observation er gemt. Tak!") if observes else _("Din logning er gemt. Tak!"),
                "success",
            )
            return _back(action)
    module = module_of(action.cycle)
    page = render_template(
        "teacher/log_form.html", form=form, action=action, module=module, observes=observes
    )
    return page, 400 if form.errors else 200
