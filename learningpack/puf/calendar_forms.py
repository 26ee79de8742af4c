"""PUF's forms for reminders: the default number of days, and the school holidays."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from learningpack.models.notices import REMINDER_DAYS_MAX, REMINDER_DAYS_MIN, HolidayPeriod
from learningpack.web.forms import (
    Form,
    PlausibleDate,
    baseline_field,
    end_not_before_start,
    max_length,
    once_field,
)


class ReminderDaysForm(Form):
    baseline = baseline_field()
    reminder_days = IntegerField(
        _l("Dage uden logning før en påmindelse"),
        validators=[
            InputRequired(_l("Skriv et antal dage.")),
            NumberRange(
                min=REMINDER_DAYS_MIN,
                max=REMINDER_DAYS_MAX,
                message=_l(
                    "Skriv et antal dage fra %(low)d til %(high)d.",
                    low=REMINDER_DAYS_MIN,
                    high=REMINDER_DAYS_MAX,
                ),
            ),
        ],
        description=_l(
            "Gælder for alle skoler, der ikke har valgt deres eget antal. Fra 1 til 60."
        ),
        render_kw={"inputmode": "numeric"},
    )


class HolidayForm(Form):
    name = StringField(
        _l("Ferie"),
        validators=[
            DataRequired(_l("Skriv ferieperiodens navn, fx »Efterårsferie«.")),
            max_length(HolidayPeriod.name),
        ],
    )
    first_day = DateField(
        _l("Første feriedag"),
        validators=[InputRequired(_l("Vælg første feriedag.")), PlausibleDate()],
    )
    last_day = DateField(
        _l("Sidste feriedag"),
        validators=[InputRequired(_l("Vælg sidste feriedag.")), PlausibleDate()],
    )

    def validate(self, extra_validators: object = None) -> bool:
        ok = super().validate(extra_validators)  # type: ignore[arg-type]
        return end_not_before_start(self.first_day, self.last_day) and ok


class NewHolidayForm(HolidayForm):
    once = once_field()


class EditHolidayForm(HolidayForm):
    baseline = baseline_field()
