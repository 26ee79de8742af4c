"""PUF curates the bank: the list of proposals, edit, publish, reject with a reason, unpublish,
and material from outside added directly. Every change is audited by the domain."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.bank import bp
from learningpack.bank.forms import (
    CURATION_STATES,
    CuratedResourceForm,
    CurationFilterForm,
    EditResourceForm,
    RejectForm,
)
from learningpack.bank.propose import UPLOAD_REQUEST_LIMIT, form_page, refused_into
from learningpack.bank.routes import upload_dir
from learningpack.content import default_package
from learningpack.domain import bank
from learningpack.domain.refusals import Refused
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import Resource, ResourceStatus, Role
from learningpack.reads.bank import curation_list, names, status_counts
from learningpack.web.access import role_required
from learningpack.web.forms import ConfirmForm
from learningpack.web.refusals import flash_refused
from learningpack.web.uploads import accepts_upload


def any_resource_or_404(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    return resource


def to_resource(resource: Resource) -> Response:
    return redirect(url_for("bank.resource", resource_id=resource.id))


@bp.get("/kuratering")
@role_required(Role.PUF)
def curation() -> tuple[str, int]:
    """PUF's list of the bank's resources, proposals first."""
    form = CurationFilterForm(request.args)
    valid = form.validate()
    status = form.status.data if valid else ResourceStatus.PROPOSED.value
    chosen = None if status == "all" else ResourceStatus(status)
    result = curation_list(chosen, form.q.data or "" if valid else "", form.side.data or 1)
    filters: dict[str, Any] = {k: v for k, v in request.args.items() if k != "side" and v}

    def page_url(page: int) -> str:
        return url_for("bank.curation", **filters, side=page)

    module_names, finding_names = names(default_package())
    page = render_template(
        "bank/curation.html",
        form=form,
        result=result,
        page_url=page_url,
        counts=status_counts(),
        states=CURATION_STATES,
        module_names=module_names,
        finding_names=finding_names,
    )
    return page, 200 if valid else 400


@bp.route("/ny", methods=["GET", "POST"])
@role_required(Role.PUF)
@accepts_upload(UPLOAD_REQUEST_LIMIT)
def add() -> Any:
    """PUF adds material directly (e.g. from a parent organisation); it is published at once."""
    form = CuratedResourceForm(default_package())
    if not form.validate_on_submit():
        return form_page("bank/edit.html", form, resource=None)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(
            _("Formularen var allerede sendt, så materialet er kun lagt i banken én gang."), "info"
        )
        return redirect(url_for("bank.curation"))
    try:
        added = bank.add_external(form.curated_draft(), actor=current_user, upload_dir=upload_dir())
    except Refused as error:
        refused_into(form, error)
        return form_page("bank/edit.html", form, resource=None)
    db.session.commit()
    flash(_("Materialet er lagt i videndelingsbanken."), "success")
    return to_resource(added)


@bp.route("/<int:resource_id>/rediger", methods=["GET", "POST"])
@role_required(Role.PUF)
@accepts_upload(UPLOAD_REQUEST_LIMIT)
def edit(resource_id: int) -> Any:
    """PUF edits a resource in any state."""
    resource = any_resource_or_404(resource_id)
    data = {
        "title": resource.title,
        "category": str(resource.category),
        "body": resource.body,
        "link": resource.link,
        "source_name": resource.source_name,
        "modules": resource.module_slugs,
        "findings": resource.finding_keys,
    }
    form = EditResourceForm(default_package(), data=data)
    if not form.validate_on_submit():
        return form_page("bank/edit.html", form, resource=resource)
    try:
        bank.edit(resource, form.curated_draft(), actor=current_user, upload_dir=upload_dir())
    except Refused as error:
        refused_into(form, error)
        return form_page("bank/edit.html", form, resource=resource)
    db.session.commit()
    flash(_("Ændringerne er gemt."), "success")
    return to_resource(resource)


def _change(resource_id: int, change: Any, done: str) -> Response:
    resource = any_resource_or_404(resource_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(resource)
    except Refused as error:
        flash_refused(error)
    else:
        db.session.commit()
        flash(done, "success")
    return to_resource(resource)


@bp.post("/<int:resource_id>/udgiv")
@role_required(Role.PUF)
def publish(resource_id: int) -> Response:
    """Publish: every school can now find the resource."""
    return _change(
        resource_id,
        lambda r: bank.publish(r, actor=current_user),
        _("Materialet er udgivet. Alle skoler kan nu finde det."),
    )


@bp.post("/<int:resource_id>/tilbagetraek")
@role_required(Role.PUF)
def unpublish(resource_id: int) -> Response:
    """Take a published resource out of the bank."""
    return _change(
        resource_id,
        lambda r: bank.unpublish(r, actor=current_user),
        _("Materialet er trukket tilbage fra banken."),
    )


@bp.route("/<int:resource_id>/afvis", methods=["GET", "POST"])
@role_required(Role.PUF)
def reject(resource_id: int) -> Any:
    """Reject a proposal with a reason the school sees on its list of proposals."""
    resource = any_resource_or_404(resource_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            bank.reject(resource, reason=form.reason.data or "", actor=current_user)
        except Refused as error:
            flash_refused(error)
            return to_resource(resource)
        db.session.commit()
        flash(_("Forslaget er afvist. Skolen kan se begrundelsen."), "success")
        return redirect(url_for("bank.curation"))
    page = render_template("bank/reject.html", form=form, resource=resource)
    return page, 400 if form.errors else 200
