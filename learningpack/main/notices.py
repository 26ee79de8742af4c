"""The user's own notices (/beskeder): the list, open one, mark one or all read."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.domain import notices
from learningpack.extensions import db
from learningpack.main import bp
from learningpack.models import Notice, Role
from learningpack.reads.notices import notices_page
from learningpack.web.access import role_required
from learningpack.web.forms import ConfirmForm

EVERYONE = (Role.LEADER, Role.TEACHER, Role.PUF)


def _own(notice_id: int) -> Notice:
    """One of the user's own notices; anyone else's answers 404, as if it did not exist."""
    notice = notices.own_notice(current_user.id, notice_id)
    if notice is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return notice


def _back() -> Response:
    page = request.args.get("side", 1, type=int)
    return redirect(url_for("main.notices_list", side=page if page and page > 1 else None))


@bp.get("/beskeder")
@role_required(*EVERYONE)
def notices_list() -> str:
    """My notices, the newest first, with the unread ones marked."""
    page = notices_page(current_user.id, request.args.get("side", 1, type=int) or 1)
    return render_template("main/notices.html", page=page, confirm=ConfirmForm())


@bp.post("/beskeder/<int:notice_id>/aabn")
@role_required(*EVERYONE)
def open_notice(notice_id: int) -> Response:
    """Open a notice: it is marked read, and the user goes to the page it is about."""
    notice = _own(notice_id)
    notices.mark_read(notice)
    db.session.commit()
    if not notices.is_internal_url(notice.url):  # never stored so; checked again on the way out
        return redirect(url_for("main.notices_list"))
    return redirect(notice.url)


@bp.post("/beskeder/<int:notice_id>/laest")
@role_required(*EVERYONE)
def mark_notice_read(notice_id: int) -> Response:
    """Mark one notice read and stay on the list."""
    notices.mark_read(_own(notice_id))
    db.session.commit()
    return _back()


@bp.post("/beskeder/alle-laest")
@role_required(*EVERYONE)
def mark_all_notices_read() -> Any:
    """Mark every notice of mine read."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = notices.mark_all_read(current_user.id)
    db.session.commit()
    if count:
        flash(_("Alle beskeder er markeret som læst."), "success")
    return redirect(url_for("main.notices_list"))
