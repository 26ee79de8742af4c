"""The read-only JSON API for the municipality's reporting tools: ``/api/v1/…``.

Every endpoint but the OpenAPI description needs ``Authorization: Bearer <key>`` with a PUF
user's API key; session cookies are neither read for access nor set. Errors are JSON too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from learningpack.api.errors import error_response
from learningpack.api.openapi import openapi_document
from learningpack.api.report import report_body
from learningpack.content import default_package
from learningpack.domain.api_keys import authenticate
from learningpack.extensions import db, limiter
from learningpack.models import CycleState, School, utcnow
from learningpack.reads import progress as q
from learningpack.reads.pagination import Page, paginate
from learningpack.reads.report import build_report
from learningpack.reads.runs import days_in_module
from learningpack.reads.snapshots import local_today
from learningpack.web.access import api_token, public
from learningpack.web.fragment_cache import all_schools_stamp, cached_part
from learningpack.web.read_only import commit_write, one_write

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
HALF_YEAR = timedelta(days=182)


class BadParameter(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _rate_limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT", "600 per minute"))


def _rate_key() -> str:
    """Limit per API key (its hash prefix would do; the header's tail is as good) or address."""
    header = request.headers.get("Authorization", "")
    return header[-16:] if header else (request.remote_addr or "-")


limiter.limit(_rate_limit, key_func=_rate_key)(bp)


def unauthorized(message: str) -> Response:
    response = error_response(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="learningpack"'
    return response


@bp.before_request
def require_api_key() -> Response | None:
    """Let a request in only with a usable PUF API key in the Authorization header."""
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if not header:
        return unauthorized(_("Kræver en API-nøgle i headeren Authorization: Bearer <nøgle>."))
    if scheme.lower() != "bearer" or not secret.strip():
        return unauthorized(_("Headeren Authorization skal have formen Bearer <nøgle>."))
    with one_write():  # at most one UPDATE: when the key was last used
        user = authenticate(secret.strip())
    if user is None:
        db.session.rollback()
        return unauthorized(_("API-nøglen er ugyldig, udløbet eller tilbagekaldt."))
    commit_write()
    g.api_user = user
    return None


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter) -> Response:
    return error_response(400, error.message)


# --- query parameters ------------------------------------------------------------------------


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.strip().isdigit():
        raise BadParameter(_("Parameteren %(name)s skal være et helt tal.", name=name))
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(
            _(
                "Parameteren %(name)s skal ligge mellem %(low)d og %(high)d.",
                name=name,
                low=low,
                high=high,
            )
        )
    return value


def _choice_arg(name: str, allowed: Iterable[str]) -> str | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    options = sorted(allowed)
    if raw not in options:
        raise BadParameter(
            _(
                "Parameteren %(name)s skal være en af: %(options)s.",
                name=name,
                options=", ".join(options),
            )
        )
    return raw


def _district_arg() -> str | None:
    raw = request.args.get("district")
    if raw is None:
        return None
    if not raw.strip() or len(raw) > 120:
        raise BadParameter(_("Parameteren district skal være et områdenavn på højst 120 tegn."))
    return raw


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = date.fromisoformat(raw) if DATE_SHAPE.fullmatch(raw) else None
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        raise BadParameter(
            _("Parameteren %(name)s skal være en dato (ÅÅÅÅ-MM-DD) i årene 2000-2100.", name=name)
        )
    return value


def _page_args() -> tuple[int, int]:
    return (
        _int_arg("page", 1, 1, 100_000),
        _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


# --- representation --------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _progress(
    row: Any, titles: dict[tuple[str, str], tuple[int, str]], now: datetime
) -> dict[str, Any]:
    _position, title = titles.get(
        (row.package_slug, row.module_slug), (row.position, row.module_slug)
    )
    return {
        "module": row.module_slug,
        "position": row.position,
        "title": title,
        "state": str(row.state),
        "phase": str(row.phase) if row.state == CycleState.ACTIVE else None,
        "session_count": row.meeting_count,
        "action_count": row.action_count,
        "done_action_count": row.done_action_count,
        "log_entry_count": row.log_entry_count,
        "follow_up_count": row.follow_up_count,
        "opened_at": _time(row.opened_at),
        "completed_at": _time(row.completed_at),
        "last_activity_at": _time(row.last_activity_at),
        "days_in_module": days_in_module(row.state == CycleState.ACTIVE, row.opened_at, now),
    }


def _page_body(page: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


# --- endpoints -------------------------------------------------------------------------------


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API (no API key needed)."""
    return jsonify(openapi_document(sorted(q.module_slugs())))


@bp.get("/schools")
@api_token
def schools() -> Response:
    """Every school, in Danish alphabetical order; optionally one district."""
    district = _district_arg()
    page_number, per_page = _page_args()
    page = paginate(q.schools(district), page_number, per_page, clamp=False)
    items = [{"id": r.id, "name": r.name, "district": r.district} for r in page.items]
    return jsonify(_page_body(page, items))


@bp.get("/schools/<int:school_id>")
@api_token
def school(school_id: int) -> Response:
    """One school with its progress in each module of its newest run."""
    found = db.session.get(School, school_id)
    if found is None:
        return error_response(404, _("Skolen findes ikke."))
    rows = q.school_progress(found.id)
    titles = q.module_titles()
    now = utcnow()
    run = None
    if rows:
        run = {"package": rows[0].package_slug, "year_label": rows[0].year_label}
    return jsonify(
        {
            "id": found.id,
            "name": found.name,
            "district": found.district,
            "run": run,
            "modules": [_progress(row, titles, now) for row in rows],
        }
    )


def _kept_json(key: tuple[Hashable, ...], body: Callable[[], dict[str, Any]]) -> Response:
    """A body read across all schools, kept per process while no school changes and within
    the minute (web/fragment_cache.all_schools_stamp, read before the body is made): a
    reporting tool that asks again and again costs two index look-ups, not a page of rows."""
    kept = (request.endpoint, str(get_locale()), id(default_package()), *all_schools_stamp())
    # Made as jsonify makes it (compact, or indented when debugging), kept as text.
    text = cached_part((*kept, *key), lambda: jsonify(body()).get_data(as_text=True))
    return current_app.response_class(str(text), mimetype="application/json")


@bp.get("/progress")
@api_token
def progress() -> Response:
    """Every school × module of the schools' newest runs, filtered and paginated."""
    district = _district_arg()
    module = _choice_arg("module", q.module_slugs())
    state = _choice_arg("state", q.STATES)
    page_number, per_page = _page_args()

    def body() -> dict[str, Any]:
        page = q.progress_page(district, module, state, page_number, per_page)
        titles = q.module_titles()
        now = utcnow()
        items = [
            {
                "school_id": row.school_id,
                "school_name": row.school_name,
                "district": row.district,
                "year_label": row.year_label,
                **_progress(row, titles, now),
            }
            for row in page.items
        ]
        return _page_body(page, items)

    return _kept_json((district, module, state, page_number, per_page), body)


@bp.get("/summary")
@api_token
def summary() -> Response:
    """Counts per module (locked, active by phase, completed, actions) and per district."""
    district = _district_arg()
    return _kept_json((district,), lambda: q.summary(district))


@bp.get("/report")
@api_token
def report() -> Response:
    """The half-yearly report's numbers for a period (``from``, ``to``) and district."""
    end = _date_arg("to") or local_today()
    start = _date_arg("from") or end - HALF_YEAR
    if start > end:
        start, end = end, start
    figures = build_report(default_package(), start, end, _district_arg() or "", with_weeks=False)
    return jsonify(report_body(figures))
