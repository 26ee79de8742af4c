"""Filter forms read from the query string (GET): a filtered view is a link that can be
bookmarked. Shared by the areas' own filter forms (PUF's overview and digest, the school list)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from learningpack.web.forms import Form


class GetForm(Form):
    """A filter form read from the query string: no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    def known(self, name: str) -> Any:
        """A field's value if it validated, else its default (so a bad filter is ignored)."""
        f = self[name]
        return f.default if f.errors else f.data


class Range(NumberRange):
    """NumberRange that leaves a value that is not a number to the field's own message."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None:
            super().__call__(form, field)


def check_choice(field: Any, what: Any) -> None:
    if field.data and field.data not in {value for value, _label in field.choices}:
        raise ValidationError(
            str(_l("%(what)s »%(value)s« findes ikke.", what=what, value=field.data))
        )


class AreaPageForm(GetForm):
    """A list's area filter and page number (``?omraade=&side=``); ``set_districts`` first."""

    district = SelectField(
        _l("Område"), choices=[], validate_choice=False, default="", name="omraade"
    )
    page = IntegerField(
        _l("Side"),
        name="side",
        default=1,
        validators=[Optional(), Range(min=1, message=_l("Sidetallet skal være 1 eller mere."))],
    )

    def set_districts(self, districts: list[str]) -> None:
        self.district.choices = [("", str(_l("Alle områder"))), *((d, d) for d in districts)]

    def validate_district(self, field: Any) -> None:
        check_choice(field, _l("Området"))
