"""Finding and reading the bank: search, one resource, its file, and a school's own proposals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import abort, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from learningpack.bank import bp
from learningpack.bank.forms import SearchForm
from learningpack.content import default_package
from learningpack.domain.bank import count_use
from learningpack.domain.bank_files import KINDS, MAX_FILE_MB, stored_path
from learningpack.models import Resource, Role
from learningpack.reads.bank import (
    bank_offers,
    names,
    resource_view,
    school_proposals,
    search_published,
    visible_resource,
)
from learningpack.web.access import role_required
from learningpack.web.errors import render_error
from learningpack.web.forms import ConfirmForm
from learningpack.web.read_only import commit_write, one_write

EVERYONE = (Role.LEADER, Role.TEACHER, Role.PUF)
STAFF = (Role.LEADER, Role.TEACHER)


def upload_dir() -> Path:
    return Path(current_app.config["BANK_UPLOAD_DIR"])


def resource_or_404(resource_id: int) -> Resource:
    """A resource the user may open (published; the own school's; any for PUF), else 404."""
    resource = visible_resource(resource_id, current_user)
    if resource is None:
        abort(404)
    return resource


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """A body over the upload limit: say so in words of files, not of text."""
    return render_error(
        413, _("Filen er for stor. Den må højst fylde %(max)d MB.", max=MAX_FILE_MB)
    )


@bp.get("/")
@role_required(*EVERYONE)
def search() -> tuple[str, int]:
    """Search and filter the published resources: Danish words, category, module, finding."""
    package = default_package()
    form = SearchForm(request.args, package)
    valid = form.validate()
    result = search_published(form.query()) if valid else None
    filters: dict[str, Any] = {k: v for k, v in request.args.items() if k != "side" and v}

    def page_url(page: int) -> str:
        return url_for("bank.search", **filters, side=page)

    module_names, finding_names = names(package)
    page = render_template(
        "bank/search.html",
        form=form,
        result=result,
        page_url=page_url,
        filtered=bool(filters),
        offers=bank_offers(current_user),
        module_names=module_names,
        finding_names=finding_names,
    )
    return page, 200 if valid else 400


@bp.get("/<int:resource_id>")
@role_required(*EVERYONE)
def resource(resource_id: int) -> str:
    """One resource: its text, link and file; PUF's curation buttons."""
    found = resource_or_404(resource_id)
    view = resource_view(found, current_user, default_package())
    if view.counts_use:
        with one_write():
            count_use(found.id)
        commit_write()
    return render_template("bank/resource.html", view=view, confirm=ConfirmForm())


@bp.get("/<int:resource_id>/fil")
@role_required(*EVERYONE)
def download(resource_id: int) -> Response:
    """The resource's file, always as a download (never shown in the browser)."""
    found = resource_or_404(resource_id)
    path = stored_path(upload_dir(), found.file_key or "")
    kind = KINDS.get(found.file_type)
    if path is None or kind is None:
        abort(404)
    if resource_view(found, current_user, default_package()).counts_use:
        with one_write():
            count_use(found.id)
        commit_write()
    # Read whole (at most 10 MB): no file handle is left open whoever reads the response.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=kind.mimetype,
        as_attachment=True,
        download_name=found.file_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/vores-forslag")
@role_required(*STAFF)
def our_proposals() -> str:
    """What the school has proposed, and what PUF did with it (with the reason of a rejection)."""
    page = request.args.get("side", 1, type=int) or 1
    result = school_proposals(current_user.school_id, max(1, min(page, 100_000)))
    module_names, finding_names = names(default_package())

    def page_url(number: int) -> str:
        return url_for("bank.our_proposals", side=number)

    return render_template(
        "bank/proposals.html",
        result=result,
        page_url=page_url,
        module_names=module_names,
        finding_names=finding_names,
    )
