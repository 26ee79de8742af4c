"""PUF's page for API keys: create one (shown once), see the list, revoke."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.domain import api_keys as keys
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import Role, utcnow
from learningpack.puf import bp
from learningpack.puf.api_key_forms import NewApiKeyForm
from learningpack.web.access import role_required
from learningpack.web.forms import ConfirmForm


def _page(form: NewApiKeyForm, new: keys.NewApiKey | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "puf/api_keys.html",
            form=form,
            new=new,
            api_keys=keys.user_api_keys(current_user),
            revoke_form=ConfirmForm(),
            now=utcnow(),
        ),
        status,
    )


@bp.get("/api-noegler/")
@role_required(Role.PUF)
def api_keys() -> Any:
    """My API keys and a form for a new one."""
    return _page(NewApiKeyForm())


@bp.post("/api-noegler/")
@role_required(Role.PUF)
def create_api_key() -> Any:
    """Create an API key and show it once (it is not stored, so it cannot be shown again)."""
    form = NewApiKeyForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    if not claim_submission(form, current_user):  # Back + create again: one key
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så nøglen er kun oprettet én gang."), "info")
        return redirect(url_for("puf.api_keys"))
    new = keys.create_api_key(current_user, form.name.data or "", int(form.lifetime.data or 0))
    db.session.commit()
    return _page(NewApiKeyForm(formdata=None), new=new, status=201)


@bp.post("/api-noegler/<int:token_id>/tilbagekald")
@role_required(Role.PUF)
def revoke_api_key(token_id: int) -> Any:
    """Revoke one of my API keys; programs using it are refused from now on."""
    key = keys.own_api_key(current_user, token_id)
    if key is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if keys.revoke_api_key(key, current_user):
        db.session.commit()
        flash(_("Nøglen »%(name)s« er tilbagekaldt.", name=key.name), "success")
    else:
        flash(_("Nøglen »%(name)s« var allerede tilbagekaldt.", name=key.name), "info")
    return redirect(url_for("puf.api_keys"))
