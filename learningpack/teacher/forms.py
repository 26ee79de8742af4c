"""The teacher's quick forms: a log entry and an action's status."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, InputRequired

from learningpack.output.labels import ACTION_STATUS
from learningpack.web.forms import Form, PlausibleDate, choices, free_text, once_field


class LogEntryForm(Form):
    once = once_field()
    happened_on = DateField(
        _l("Hvornår"),
        default=date.today,
        validators=[InputRequired(_l("Vælg datoen.")), PlausibleDate()],
    )
    text = free_text(
        _l("Hvad skete der"), required=_l("Skriv kort, hvad I gjorde, og hvad der skete."), rows=4
    )
    observation = free_text(_l("Hvad lagde vi mærke til"), rows=3)


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=choices(ACTION_STATUS), validators=[DataRequired()])
