"""PUF's audit log (revisionslog): search by person, school, verb and dates; read-only."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SearchField, SelectField
from wtforms.validators import NumberRange, Optional

from learningpack.models import Role, School, User
from learningpack.output.audit_labels import verb_label
from learningpack.puf import bp
from learningpack.reads.audit_search import AuditQuery, known_verbs, search_audit_log
from learningpack.reads.audit_view import audit_rows
from learningpack.web.access import role_required
from learningpack.web.forms import Form, PlausibleDate, choices, end_not_before_start, max_length


class AuditFilterForm(Form):
    """The search form: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    person = SearchField(
        _l("Person"),
        validators=[Optional(), max_length(User.email)],
        description=_l("Navn eller e-mailadresse, eller en del af dem."),
    )
    # A name to search for, not a list: with thousands of schools a list would be the page.
    school = SearchField(
        _l("Skole"),
        validators=[Optional(), max_length(School.name)],
        description=_l("Skolens navn, eller en del af det."),
    )
    verb = SelectField(_l("Handling"), choices=[], default="")
    date_from = DateField(_l("Fra dato"), validators=[Optional(), PlausibleDate()])
    date_to = DateField(_l("Til dato"), validators=[Optional(), PlausibleDate()])
    page = IntegerField(_l("Side"), validators=[Optional(), NumberRange(min=1, max=1_000_000)])

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        return end_not_before_start(self.date_from, self.date_to) and ok

    def query(self) -> AuditQuery:
        return AuditQuery(
            person=self.person.data or "",
            school=self.school.data or "",
            verb=self.verb.data or "",
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            page=self.page.data or 1,
        )


@bp.get("/revisionslog/")
@role_required(Role.PUF)
def audit_log() -> tuple[str, int]:
    """Search the audit log: who did what, when, at which school."""
    form = AuditFilterForm(request.args)
    form.verb.choices = choices(
        [("", _l("Alle handlinger"))] + [(v, verb_label(v)) for v in known_verbs()]
    )
    valid = form.validate()
    result = search_audit_log(form.query()) if valid else None
    filters: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(page: int) -> str:
        return url_for("puf.audit_log", **filters, page=page)

    page = render_template(
        "puf/audit_log.html",
        form=form,
        result=result,
        rows=audit_rows(result.items) if result is not None else [],
        page_url=page_url,
        filtered=bool(filters),
    )
    return page, 200 if valid else 400
