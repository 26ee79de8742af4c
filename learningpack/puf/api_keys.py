"""PUF's page for API tokens: create one (shown once), see the list, revoke."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.domain.api_keys import (
    NewToken,
    create_token,
    own_token,
    revoke_token,
    user_tokens,
)
from learningpack.extensions import db
from learningpack.models import Role, utcnow
from learningpack.puf import bp
from learningpack.puf.api_key_forms import NewTokenForm
from learningpack.web.access import role_required
from learningpack.web.forms import ConfirmForm


def _page(form: NewTokenForm, new: NewToken | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "puf/api_keys.html",
            form=form,
            new=new,
            tokens=user_tokens(current_user),
            revoke_form=ConfirmForm(),
            now=utcnow(),
        ),
        status,
    )


@bp.get("/api-noegler/")
@role_required(Role.PUF)
def api_keys() -> Any:
    """My API tokens and a form for a new one."""
    return _page(NewTokenForm())


@bp.post("/api-noegler/")
@role_required(Role.PUF)
def create_api_key() -> Any:
    """Create a token and show it once (it is not stored, so it cannot be shown again)."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    new = create_token(current_user, form.name.data or "", int(form.lifetime.data or 0))
    db.session.commit()
    return _page(NewTokenForm(formdata=None), new=new, status=201)


@bp.post("/api-noegler/<int:token_id>/tilbagekald")
@role_required(Role.PUF)
def revoke_api_key(token_id: int) -> Any:
    """Revoke one of my tokens; programs using it are refused from now on."""
    token = own_token(current_user, token_id)
    if token is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if revoke_token(token, current_user):
        db.session.commit()
        flash(_("Nøglen »%(name)s« er tilbagekaldt.", name=token.name), "success")
    else:
        flash(_("Nøglen »%(name)s« var allerede tilbagekaldt.", name=token.name), "info")
    return redirect(url_for("puf.api_keys"))
