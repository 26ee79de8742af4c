"""The teacher's quick forms: an owner's log entry and the observer's observation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import InputRequired

from learningpack.domain.dates import local_today
from learningpack.web.forms import Form, HappenedDate, PlausibleDate, free_text, once_field


class LogEntryForm(Form):
    once = once_field()
    happened_on = DateField(
        _l("Hvornår"),
        default=local_today,
        validators=[InputRequired(_l("Vælg datoen.")), PlausibleDate(), HappenedDate()],
    )
    text = free_text(
        _l("Hvad skete der"), required=_l("Skriv kort, hvad I gjorde, og hvad der skete."), rows=4
    )
    observation = free_text(_l("Hvad lagde vi mærke til"), rows=3)


class ObservationForm(LogEntryForm):
    """The observer's entry: what I saw, with the action's observation focus in mind."""

    text = free_text(
        _l("Hvad så jeg"),
        required=_l("Skriv kort, hvad du så – med observationsfokus for øje."),
        rows=4,
    )
    observation = free_text(_l("Hvad undrede mig"), rows=3)
