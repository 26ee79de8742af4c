"""Forms for progress over time, the half-yearly report and notes to schools."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import DataRequired, Optional, ValidationError

from learningpack.domain.reports import MAX_QUOTE
from learningpack.web.filters import GetForm
from learningpack.web.forms import (
    Form,
    PlausibleDate,
    end_not_before_start,
    free_text,
    once_field,
)

HALF_YEAR = timedelta(days=182)


def _districts(form: Any, districts: list[str]) -> None:
    form.district.choices = [("", str(_l("Alle områder"))), *((d, d) for d in districts)]


def _known_district(field: Any) -> None:
    if field.data and field.data not in {value for value, _label in field.choices}:
        raise ValidationError(str(_l("Området »%(value)s« findes ikke.", value=field.data)))


class PeriodForm(GetForm):
    """The progress chart's period and area (GET: a chart is a link that can be bookmarked)."""

    date_from = DateField(_l("Fra dato"), name="fra", validators=[Optional(), PlausibleDate()])
    date_to = DateField(_l("Til dato"), name="til", validators=[Optional(), PlausibleDate()])
    district = SelectField(
        _l("Område"), choices=[], validate_choice=False, default="", name="omraade"
    )

    def __init__(self, districts: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _districts(self, districts)

    def validate_district(self, field: Any) -> None:
        _known_district(field)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        return end_not_before_start(self.date_from, self.date_to) and ok

    def period(self, today: date) -> tuple[date, date]:
        """The chosen period; by default the last half-year up to today."""
        end = self.known("date_to") or today
        start = self.known("date_from") or end - HALF_YEAR
        return (start, end) if start <= end else (end - HALF_YEAR, end)


class ReportForm(Form):
    """A report's period, area and whether stalled schools are named."""

    once = once_field()  # Back + save again makes the draft once
    date_from = DateField(
        _l("Periodens første dag"),
        validators=[DataRequired(_l("Vælg periodens første dag.")), PlausibleDate()],
    )
    date_to = DateField(
        _l("Periodens sidste dag"),
        validators=[DataRequired(_l("Vælg periodens sidste dag.")), PlausibleDate()],
    )
    district = SelectField(_l("Område"), choices=[], validate_choice=False, default="")
    name_stalled = BooleanField(
        _l("Nævn skoler, der er gået i stå, ved navn"),
        description=_l("Ellers viser rapporten kun antallet."),
    )

    def __init__(self, districts: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _districts(self, districts)

    def validate_district(self, field: Any) -> None:
        _known_district(field)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        return end_not_before_start(self.date_from, self.date_to) and ok


class QuoteForm(Form):
    text = free_text(
        _l("Eksemplets tekst"),
        required=_l("Skriv eksemplets tekst."),
        max_length=MAX_QUOTE,
        rows=4,
        description=_l("Ret teksten, så den ikke nævner personer. Den står sådan i rapporten."),
    )
