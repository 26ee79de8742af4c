"""The leader's forms for the follow-up meeting's date and the school's reminder days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField
from wtforms.validators import NumberRange, Optional

from learningpack.models.notices import REMINDER_DAYS_MAX, REMINDER_DAYS_MIN
from learningpack.web.forms import Form, PlausibleDate, baseline_field

DAYS_MESSAGE = _l(
    "Skriv et antal dage fra %(low)d til %(high)d.", low=REMINDER_DAYS_MIN, high=REMINDER_DAYS_MAX
)


class FollowUpDateForm(Form):
    baseline = baseline_field()
    follow_up_on = DateField(
        _l("Dato for opsamlingsmødet"),
        validators=[Optional(), PlausibleDate()],
        description=_l(
            "Mødet, hvor I samler op på modulets aktioner. "
            "Lad feltet stå tomt for at fjerne datoen."
        ),
    )


class SchoolReminderForm(Form):
    baseline = baseline_field()
    reminder_days = IntegerField(
        _l("Dage uden logning før en påmindelse"),
        validators=[
            Optional(),
            NumberRange(min=REMINDER_DAYS_MIN, max=REMINDER_DAYS_MAX, message=DAYS_MESSAGE),
        ],
        render_kw={"inputmode": "numeric"},
    )
