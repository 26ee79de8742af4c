"""A school proposes: a link or material, or its own practice from a follow-up or a summary."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.bank import bp
from learningpack.bank.forms import ResourceForm
from learningpack.bank.routes import upload_dir
from learningpack.content import Package, default_package
from learningpack.domain import bank
from learningpack.domain.bank_files import MAX_FILE_BYTES
from learningpack.domain.refusals import Refused
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import Role
from learningpack.output.labels import words
from learningpack.reads.bank import Prefill, from_action, from_summary
from learningpack.web.access import action_or_404, cycle_or_404, role_required, valid_slug
from learningpack.web.uploads import accepts_upload

# The file and the form around it (text fields, boundaries).
UPLOAD_REQUEST_LIMIT = MAX_FILE_BYTES + 1024 * 1024
# Which field a refusal of the domain belongs to on the form.
_FIELD_OF = {
    "title_missing": "title",
    "url_invalid": "link",
    "resource_empty": "body",
    "file_empty": "upload",
    "file_too_large": "upload",
    "file_type": "upload",
    "file_mismatch": "upload",
}


def refused_into(form: ResourceForm, error: Refused) -> None:
    """Roll back and show the domain's reasons on the fields they concern."""
    db.session.rollback()
    for reason, text in zip(error.refusals, words(error.refusals), strict=True):
        name = _FIELD_OF.get(reason.code) or str(reason.params.get("field", "body"))
        target = getattr(form, name, form.body)
        target.errors = [*target.errors, text]


def _prefill(package: Package) -> Prefill | None:
    """The school's practice a proposal starts from (``?aktion=`` or ``?modul=``), if asked."""
    action_id = request.args.get("aktion", type=int)
    if action_id is not None:
        action = action_or_404(current_user, action_id)
        module = package.module(action.cycle.module_slug)
        return from_action(action, tuple(f.key for f in module.findings))
    slug = request.args.get("modul", "")
    if slug and valid_slug(slug):
        cycle = cycle_or_404(current_user, current_user.school_id, slug)
        module = package.module(slug)
        title = _("Erfaringer fra modulet »%(title)s«", title=module.title)
        return from_summary(cycle, title, tuple(f.key for f in module.findings))
    return None


def form_page(template: str, form: ResourceForm, **context: Any) -> tuple[str, int]:
    page = render_template(template, form=form, **context)
    return page, 400 if form.errors else 200


@bp.route("/foreslaa", methods=["GET", "POST"])
@role_required(Role.LEADER)
@accepts_upload(UPLOAD_REQUEST_LIMIT)
def propose() -> Any:
    """Propose a link or material, or the school's practice, to the bank (PUF publishes it)."""
    package = default_package()
    form = ResourceForm(package)
    prefill = _prefill(package) if request.method == "GET" else None
    if prefill is not None:
        form.title.data, form.body.data = prefill.title, prefill.body
        form.modules.data, form.findings.data = [prefill.module], list(prefill.findings)
    if not form.validate_on_submit():
        return form_page("bank/propose.html", form, from_practice=prefill is not None)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så forslaget er kun sendt én gang."), "info")
        return redirect(url_for("bank.our_proposals"))
    try:
        bank.propose(
            form.draft(),
            school_id=current_user.school_id,
            actor=current_user,
            upload_dir=upload_dir(),
        )
    except Refused as error:
        refused_into(form, error)
        return form_page("bank/propose.html", form, from_practice=False)
    db.session.commit()
    flash(_("Tak! Forslaget er sendt til PUF, som ser det igennem og udgiver det."), "success")
    return redirect(url_for("bank.our_proposals"))
