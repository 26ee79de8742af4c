"""PUF's school forms: one school, and a CSV import of many."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from learningpack.web.filters import AreaPageForm
from learningpack.web.forms import Form, baseline_field, once_field


class SchoolForm(Form):
    name = StringField(
        _l("Skolens navn"),
        validators=[DataRequired(_l("Skriv skolens navn.")), Length(max=200)],
    )
    # The domain checks the area against the list (and words an unknown one).
    district = SelectField(
        _l("Område"),
        choices=[],
        validate_choice=False,
        validators=[Optional(), Length(max=120)],
        description=_l("Områderne er PUF's liste; den rettes under Områder."),
    )

    def __init__(self, areas: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        offered = [("", str(_l("Intet område"))), *((a, a) for a in areas)]
        current = (self.district.data or "").strip()
        if current and current not in areas:  # keep what was there (or sent) on the page
            offered.append((current, current))
        self.district.choices = offered


class NewAreaForm(Form):
    name = StringField(
        _l("Nyt område"),
        validators=[DataRequired(_l("Skriv områdets navn.")), Length(max=120)],
    )
    once = once_field()


class RenameAreaForm(Form):
    name = StringField(
        _l("Områdets navn"),
        validators=[DataRequired(_l("Skriv områdets navn.")), Length(max=120)],
        description=_l("Skolerne i området følger med over i det nye navn."),
    )
    baseline = baseline_field()


class ImportForm(Form):
    file = FileField(
        _l("CSV-fil"),
        validators=[FileRequired(_l("Vælg en CSV-fil."))],
        description=_l(
            "Én skole pr. linje: navn;område. UTF-8, med semikolon eller komma mellem "
            "kolonnerne. En overskriftslinje springes over."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )


class SchoolListForm(AreaPageForm):
    """The school list's search: a GET form, its names Danish (they show in the address)."""

    search = SearchField(
        _l("Søg efter skole"),
        name="soeg",
        validators=[Optional(), Length(max=200)],
        description=_l("Skolens navn, eller en del af det."),
    )
