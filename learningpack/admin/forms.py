"""PUF's school forms: one school, and a CSV import of many."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from learningpack.web.forms import Form


class SchoolForm(Form):
    name = StringField(
        _l("Skolens navn"),
        validators=[DataRequired(_l("Skriv skolens navn.")), Length(max=200)],
    )
    district = StringField(
        _l("Område"),
        validators=[Optional(), Length(max=120)],
        description=_l("Fx Nord, Syd, Vest, Midt eller Øst."),
    )


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
