"""PUF's view across all schools: overview, learnings digest, drill-down (downloads: exports)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_translations, to_user_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from learningpack.content import Package, default_package
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.transitions import unlock_out_of_order
from learningpack.extensions import db
from learningpack.models import Role, School
from learningpack.output.charts import Bar, Series, stacked_bars, swatch
from learningpack.output.labels import ACTION_STATUS, OUTCOME
from learningpack.output.school_export import download_response
from learningpack.puf import bp
from learningpack.puf.forms import DigestFilterForm, OverviewFilterForm, UnlockForm
from learningpack.reads import digest as digests
from learningpack.reads.drilldown import action_groups, load_school_runs
from learningpack.reads.history import TimelineEntry, standing, timeline
from learningpack.reads.module import drilldown_modules, earlier_runs, module_view
from learningpack.reads.notes import thread
from learningpack.reads.overview import STATE_ORDER, Filters, Overview, state_label
from learningpack.reads.overview_query import build_overview, district_list
from learningpack.web.access import cycle_or_404, role_required, school_or_404
from learningpack.web.fragment_cache import (
    all_schools_key,
    kept_unless_refused,
    kept_whole_page,
    page_key,
)
from learningpack.web.module_page import fresh_page
from learningpack.web.notes import NoteForm
from learningpack.web.read_only import writes_on_get
from learningpack.web.refusals import flash_refused

# Colours of the chart's segments, from "not started" (white) to "completed" (green). Text on
# each segment and each segment against white meet WCAG's contrast minimums.
SEGMENT_COLOURS = {
    "not_started": ("#ffffff", "#1c2430", "#4a5562"),
    "locked": ("#c9d1db", "#1c2430", ""),
    "input": ("#f3c45a", "#1c2430", ""),
    "question": ("#e6a640", "#1c2430", ""),
    "actions": ("#d9822b", "#1c2430", ""),
    "trying": ("#3f7fbf", "#ffffff", ""),
    "reflection": ("#2d5f9a", "#ffffff", ""),
    "follow_up": ("#1d3f72", "#ffffff", ""),
    "ready": ("#5b3a8c", "#ffffff", ""),
    "completed": ("#17542f", "#ffffff", ""),
}


def local_date(value: Any) -> Any:
    return to_user_timezone(value).date() if value is not None else None


# ---------------------------------------------------------------------------------------------
# Overview


def overview_filters(package: Package, districts: list[str]) -> tuple[OverviewFilterForm, Filters]:
    form = OverviewFilterForm(package, districts, formdata=request.args)
    form.validate()
    slug = form.known("module")
    module = package.module(slug).position if slug else None
    filters = Filters(
        district=form.known("district") or "",
        module=module,
        module_slug=slug or "",
        state=form.known("state") or "",
        stalled=bool(form.stalled.data),
        days=form.known("days") or form.days.default,
        page=form.known("page") or 1,
    )
    return form, filters


def _chart(package: Package, overview: Overview) -> tuple[Any, list[Series]]:
    series = [Series(key, state_label(key), *SEGMENT_COLOURS[key]) for key in STATE_ORDER]
    bars = [
        Bar(
            f"{t.position}. {package.module_at(t.position).title}",
            [t.by_state[key] for key in STATE_ORDER],
        )
        for t in overview.module_totals
    ]
    svg = stacked_bars(
        "status-chart",
        _("Skolernes status pr. modul"),
        _(
            "Vandrette søjler, én pr. modul, delt efter hvor mange af de %(num)d skoler der er "
            "ikke startet, låst, i gang i hver fase eller afsluttet. Tallene står i tabellen.",
            num=overview.total,
        ),
        series,
        bars,
    )
    return svg, series


def _cell_patterns() -> dict[str, dict[bool, str]]:
    """The cells' plural messages as patterns, looked up once per page: ``{n == 1: pattern}``.

    The overview shows 250 cells; a catalogue look-up for each was a good part of its time.
    """
    t = get_translations()
    return {
        "cell_actions": {
            n == 1: t.ungettext("%(num)d aktion", "%(num)d aktioner", n) for n in (1, 2)
        },
        "cell_done": {n == 1: t.ugettext("%(num)d gennemført") for n in (1, 2)},
        "cell_sessions": {n == 1: t.ungettext("%(num)d møde", "%(num)d møder", n) for n in (1, 2)},
    }


@bp.get("/")
@role_required(Role.PUF)
def overview() -> tuple[str, int]:
    """Every school × every module with its state, totals, chart and filters: kept while no
    school changed (web/fragment_cache.all_schools_key; the filters are in the path)."""
    return kept_unless_refused(all_schools_key("puf_overview"), _overview_page)


def _overview_page() -> tuple[str, int]:
    package = default_package()
    districts = district_list()
    form, filters = overview_filters(package, districts[0])
    result = build_overview(package, filters, districts=districts)
    chart, series = _chart(package, result)
    page = render_template(
        "puf/overview.html",
        form=form,
        filters=filters,
        overview=result,
        package=package,
        chart=chart,
        series=series,
        swatch=swatch,
        state_order=STATE_ORDER,
        # Translated once per page, not once per cell (250 cells).
        labels={key: state_label(key) for key in STATE_ORDER},
        **_cell_patterns(),
        total_schools=result.all_schools,
    )
    return page, 400 if form.errors else 200


# ---------------------------------------------------------------------------------------------
# Learnings digest


def _districts() -> list[str]:
    """Every district, in Danish order (kept: reads/overview_query.district_list)."""
    return district_list().names


def digest_filters(package: Package) -> tuple[DigestFilterForm, str, str, int]:
    form = DigestFilterForm(package, _districts(), formdata=request.args)
    form.validate()
    slug = form.known("module") or package.first_module.slug
    return form, slug, form.known("district") or "", form.known("page") or 1


@bp.get("/laering")
@role_required(Role.PUF)
def digest() -> tuple[str, int]:
    """What schools learned in one module: follow-ups and module summaries, school by school
    (each school's first few follow-ups; ``?skole=`` shows one school's all). Kept while no
    school changed (web/fragment_cache.all_schools_key; the filters are in the path)."""
    return kept_unless_refused(all_schools_key("puf_digest"), _digest_page)


def _digest_page() -> tuple[str, int]:
    package = default_package()
    form, slug, district, page = digest_filters(package)
    school_id = form.known("school")
    result = digests.build_digest(package, slug, district, page, school_id=school_id)
    args = {"modul": slug, "omraade": district}
    page_html = render_template(
        "puf/digest.html",
        form=form,
        module=package.module(slug),
        district=district,
        digest=result,
        one_school=school_id is not None,
        args={k: v for k, v in args.items() if v},
    )
    return page_html, 400 if form.errors else 200


# ---------------------------------------------------------------------------------------------
# One school


# The timeline's place in a kept drill-down: the snapshots it shows are written by the daily
# snapshot command, not by the school, so it is put in per request (read with the key).
_TIMELINE_SLOT = f"timeline-{secrets.token_hex(16)}"


@bp.get("/skoler/<int:school_id>")
@role_required(Role.PUF)
def school(school_id: int) -> str:
    """One school, read-only: its run and every module's sessions, actions, logs and summary.

    Kept while the school's versions are the same (web/fragment_cache); the timeline is read
    with them and put in per request."""
    found = standing(school_id)
    if found is None:
        abort(404)
    return kept_whole_page(
        page_key("puf_school", school_id, found.versions),
        lambda: school_page(school_id, timeline_html=Markup(_TIMELINE_SLOT)),
        live=((_TIMELINE_SLOT, lambda: _timeline(found.timeline)),),
    )


def _timeline(entries: list[TimelineEntry]) -> str:
    return render_template(
        "puf/_timeline.html", timeline=entries, package=default_package(), state_label=state_label
    )


def school_page(
    school_id: int, note_form: NoteForm | None = None, timeline_html: Markup | None = None
) -> str:
    """The drill-down, with its timeline (or the marker ``timeline_html``) and the thread of
    notes (``note_form`` re-rendered)."""
    package = default_package()
    runs = load_school_runs(school_id, package)
    run = runs[0] if runs else None
    school = run.school if run is not None else school_or_404(current_user, school_id)
    return render_template(
        "puf/school.html",
        school=school,
        run=run,
        cycles=drilldown_modules(run, package, action_groups(run.cycles)) if run else (),
        earlier_runs=earlier_runs(runs[1:]),
        package=package,
        state_label=state_label,
        status_labels={status.value: str(name) for status, name in ACTION_STATUS.items()},
        outcome_labels={outcome.value: str(name) for outcome, name in OUTCOME.items()},
        timeline=timeline_html or Markup(_timeline(timeline(school.id))),
        notes=thread(school.id, package.slug),
        note_form=note_form or NoteForm(),
    )


def _school_cycle_or_404(school_id: int, slug: str) -> tuple[School, Any]:
    school = school_or_404(current_user, school_id)
    return school, cycle_or_404(current_user, school.id, slug)


def _module_page(cycle: Any, form: UnlockForm | None, status: int = 200) -> tuple[str, int]:
    """A school's module page as PUF sees it (read-only; unlock offered for a locked one)."""
    view = module_view(cycle, current_user, request.args.get("team", type=int))
    unlock_form = (form or UnlockForm()) if view.offers_unlock else None
    return fresh_page(view, unlock_form=unlock_form), status


@bp.get("/skoler/<int:school_id>/modul/<slug>")
@role_required(Role.PUF)
def module(school_id: int, slug: str) -> Any:
    """One module of a school's run, read-only; a locked one can be opened with a reason."""
    _school, cycle = _school_cycle_or_404(school_id, slug)
    return _module_page(cycle, None)


@bp.post("/skoler/<int:school_id>/modul/<slug>/aabn")
@role_required(Role.PUF)
def unlock(school_id: int, slug: str) -> Any:
    """Open a locked module out of order; the reason goes to the audit log."""
    school, cycle = _school_cycle_or_404(school_id, slug)
    form = UnlockForm()
    if not form.validate_on_submit():
        return _module_page(cycle, form, status=400)
    try:
        unlock_out_of_order(cycle, current_user, form.reason.data or "")
    except CycleRefused as error:
        flash_refused(error)
        return redirect(url_for("puf.module", school_id=school.id, slug=slug))
    db.session.commit()
    flash(
        _(
            "Modulet er åbnet for %(school)s. Begrundelsen er gemt i revisionsloggen.",
            school=school.name,
        ),
        "success",
    )
    return redirect(url_for("puf.module", school_id=school.id, slug=slug))


@bp.get("/skoler/<int:school_id>/data-eksport")
@writes_on_get  # the export is audited
@role_required(Role.PUF)
def school_data_export(school_id: int) -> Response:
    """PUF downloads one school's data."""
    response = download_response(school_or_404(current_user, school_id), current_user)
    db.session.commit()
    return response
