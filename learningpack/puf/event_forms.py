"""PUF's forms for knowledge-sharing events: create one, mark and unmark practice examples."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from learningpack.models import SharingEvent
from learningpack.web.forms import Form, NoPersonalData, PlausibleDate, max_length, once_field


class EventForm(Form):
    once = once_field()  # Back + save again creates the event once
    title = StringField(
        _l("Titel"),
        validators=[
            DataRequired(_l("Skriv en titel på arrangementet.")),
            max_length(SharingEvent.title),
            NoPersonalData(),
        ],
        description=_l("Fx »Skole inspirerer skole – forældremøder der samler«."),
    )
    held_on = DateField(
        _l("Dato"),
        validators=[InputRequired(_l("Vælg arrangementets dato.")), PlausibleDate()],
    )
    place = StringField(_l("Sted"), validators=[max_length(SharingEvent.place), NoPersonalData()])


class ExampleForm(Form):
    """Mark a follow-up (from the digest) as a practice example, or take an example off."""

    item = IntegerField(
        _l("Praksiseksempel"),
        validators=[InputRequired(_l("Vælg et praksiseksempel.")), NumberRange(min=1)],
    )
