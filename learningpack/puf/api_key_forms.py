"""PUF's form for a new API key."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from learningpack.domain.api_keys import LIFETIMES_DAYS
from learningpack.web.forms import Form, NoPersonalData, choices, once_field

LIFETIME_LABELS = {
    30: _l("30 dage"),
    90: _l("90 dage"),
    365: _l("1 år"),
}


class NewApiKeyForm(Form):
    once = once_field()  # Back + create again makes one key
    name = StringField(
        _l("Navn på nøglen"),
        validators=[
            DataRequired(_l("Giv nøglen et navn, så du kan kende den igen.")),
            Length(max=100),
            NoPersonalData(),
        ],
        description=_l("Fx det system, der skal bruge den: »Ledelsesinformation, halvårsrapport«."),
    )
    lifetime = RadioField(
        _l("Gyldig i"),
        choices=choices([(str(days), LIFETIME_LABELS[days]) for days in LIFETIMES_DAYS]),
        default="365",
        validators=[DataRequired(_l("Vælg, hvor længe nøglen skal virke."))],
    )
