"""Form building blocks shared by the blueprints."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date
from typing import Any, ClassVar

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.orm import InstrumentedAttribute
from wtforms import (
    Field,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.form import BaseForm
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from learningpack.domain.dates import (
    DateProblem,
    earliest_happened,
    happened_problem,
    period_problem,
)
from learningpack.domain.privacy import contains_cpr, has_control_characters

FREE_TEXT_HINT = _l("Skriv ikke børns navne, CPR-numre eller oplysninger om helbred.")
CPR_MESSAGE = _l(
    "Teksten ser ud til at indeholde et CPR-nummer. Fjern det – der må ikke stå "
    "personoplysninger om børn her."
)


class NoPersonalData:
    """WTForms validator that refuses text holding a CPR-shaped number (the friendly message;
    the domain's writes refuse it too)."""

    field_flags: ClassVar[dict[str, bool]] = {"free_text": True}

    def __call__(self, form: BaseForm, field: Field) -> None:
        value: Any = field.data
        if isinstance(value, str) and contains_cpr(value):
            raise ValidationError(str(CPR_MESSAGE))


# WTForms ships no Danish catalogue: its built-in messages are mapped to our own msgids, which
# the i18n layer then shows in the user's language. WTForms formats the placeholders itself.
_WTFORMS_MESSAGES = {
    "This field is required.": _l("Udfyld feltet."),
    "Not a valid date value.": _l("Skriv en gyldig dato."),
    "Not a valid datetime value.": _l("Skriv en gyldig dato og tid."),
    "Not a valid choice.": _l("Vælg en af mulighederne på listen."),
    "Invalid Choice: could not coerce.": _l("Vælg en af mulighederne på listen."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Vælg blandt mulighederne på listen."
    ),
    # The value is an internal id: say what happened instead of showing it.
    "'%(value)s' is not a valid choice for this field.": _l(
        "En af de valgte findes ikke længere på listen. Vælg igen."
    ),
    "'%(value)s' are not valid choices for this field.": _l(
        "Nogle af de valgte findes ikke længere på listen. Vælg igen."
    ),
    "Field cannot be longer than %(max)d characters.": _l("Højst %(max)d tegn."),
    "Field must be at least %(min)d characters long.": _l("Mindst %(min)d tegn."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Mellem %(min)d og %(max)d tegn."
    ),
    "Invalid email address.": _l("Skriv en gyldig e-mailadresse."),
    "Not a valid integer value.": _l("Skriv et helt tal."),
}


class _Messages:
    """WTForms' translations hook, answering from our own catalogue."""

    def gettext(self, string: str) -> str:
        message = _WTFORMS_MESSAGES.get(string)
        return str(message) if message is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


CONTROL_MESSAGE = _l(
    "Teksten indeholder usynlige styretegn, som ikke kan gemmes. Skriv eller indsæt den igen."
)


def _texts(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list | tuple):
        return [item for item in data if isinstance(item, str)]
    return []


class Form(FlaskForm):
    """The base of every form here: CSRF from Flask-WTF, messages in the user's language.

    Every text a user sends is checked for control characters, whatever the field, and every
    text field (names of teams, schools, invitees… not only the free texts) for a CPR number.
    """

    class Meta:
        def get_translations(self, form: Any) -> _Messages:
            return _Messages()

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Any:
            # A number field holds only a number: one that came back as text (a hand-made
            # query string) is shown empty, as the browser itself would, not as invalid HTML.
            number = isinstance(field.widget, widgets.NumberInput) and "value" not in render_kw
            if number and not _is_number(str(field._value())):
                render_kw = {**render_kw, "value": ""}
            return super().render_field(field, render_kw)  # type: ignore[misc]

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            raw = field.raw_data or []
            if any(has_control_characters(text) for text in _texts(raw)):
                field.errors = [*field.errors, str(CONTROL_MESSAGE)]
                ok = False
            if _holds_cpr(field) and str(CPR_MESSAGE) not in field.errors:
                field.errors = [*field.errors, str(CPR_MESSAGE)]
                ok = False
        return ok

    def hidden_tag(self, *fields: Any) -> Markup:
        """The hidden fields (CSRF, one-time token, baseline) without ids: a page with several
        forms would otherwise repeat ``id="csrf_token"``, which HTML forbids."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in fields or self]
        hidden = [f for f in chosen if f is not None and isinstance(f.widget, widgets.HiddenInput)]
        return Markup("\n".join(str(f(id=False)) for f in hidden))

    def submitted_content(self) -> str:
        """Where the form was sent and the values in it, for spotting the same values sent
        again with a new token (see ``claim_submission``)."""
        values = {
            field.name: [str(getattr(v, "filename", v)) for v in field.raw_data or []]
            for field in self
            if field.short_name not in _NOT_CONTENT
        }
        return json.dumps([request.path, values], ensure_ascii=False, sort_keys=True)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == ""
    return text.strip() == text and text.lower() not in {"nan", "inf", "-inf", "infinity"}


def _holds_cpr(field: Field) -> bool:
    """A text field (not a password or hidden field) whose value holds a CPR number."""
    if not isinstance(field, StringField) or isinstance(field, PasswordField | HiddenField):
        return False
    return isinstance(field.data, str) and contains_cpr(field.data)


def column_length(column: InstrumentedAttribute[Any]) -> int:
    """The maximum length of a String column, so form limits follow the schema."""
    length = getattr(column.property.columns[0].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{column} has no length")
    return length


def max_length(column: InstrumentedAttribute[Any]) -> Length:
    """A Length validator matching the column's size."""
    size = column_length(column)
    return Length(max=size, message=_l("Højst %(max)d tegn.", max=size))


class StopLength(Length):
    """A Length that ends the field's validation when it fails: put first, it keeps over-long
    input from slower validators (the e-mail parser walks its input character by character)."""

    def __call__(self, form: Any, field: Field) -> None:
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from error


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class PlausibleDate:
    """A date between 2000 and 2100: a typo such as 0202 or 20266 is refused with a message."""

    def __call__(self, form: Any, field: Field) -> None:
        value = field.data
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise StopValidation(
                str(
                    _l(
                        "Skriv en dato mellem år %(first)d og %(last)d.",
                        first=EARLIEST_YEAR,
                        last=LATEST_YEAR,
                    )
                )
            )


def _datefmt(day: date) -> str:
    from learningpack.web.templating import datefmt  # it imports this module

    return datefmt(day)


class HappenedDate:
    """The date of something that happened: not in the future, not more than a year ago."""

    def __call__(self, form: Any, field: Field) -> None:
        value = field.data
        if value is None:
            return
        problem = happened_problem(value)
        if problem is DateProblem.FUTURE:
            raise StopValidation(str(_l("Datoen ligger i fremtiden. Vælg i dag eller en dag før.")))
        if problem is DateProblem.TOO_OLD:
            raise StopValidation(
                str(
                    _l(
                        "Datoen ligger mere end et år tilbage. Vælg en dato fra %(first)s "
                        "til i dag.",
                        first=_datefmt(earliest_happened()),
                    )
                )
            )


def check_school_year(fields: list[Field], year: tuple[date, date] | None) -> bool:
    """Add an error to each date field outside the run's school year; True if none is."""
    ok = True
    for field in fields:
        if year is None or field.data is None or field.errors:
            continue
        problem = period_problem(field.data, year)
        if problem is not None:
            message = _l(
                "Vælg en dato i forløbets skoleår, fra %(first)s til %(last)s.",
                first=_datefmt(year[0]),
                last=_datefmt(year[1]),
            )
            field.errors = [*field.errors, str(message)]
            ok = False
    return ok


# ---------------------------------------------------------------------------------------------
# Submitted once, and not over someone else's newer change


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


MISSING_TOKEN_MESSAGE = _l(
    "Formularen manglede sit skjulte kontrolfelt, så den er ikke gemt. Tjek det, du har "
    "skrevet, og gem igen."
)


class _Token:
    """A creating form must carry its token, and it must look like one of ours."""

    def __call__(self, form: Any, field: Field) -> None:
        # Refused, the form comes back with a fresh token, so saving it again works.
        if not field.raw_data or not field.raw_data[0]:
            field.data = new_form_token()
            raise ValidationError(str(MISSING_TOKEN_MESSAGE))
        if not (16 <= len(field.raw_data[0]) <= 64):
            field.data = new_form_token()
            raise ValidationError(str(_l("Formularen var ufuldstændig. Send den igen.")))


def once_field() -> HiddenField:
    """A hidden one-time token: the same form sent twice is saved once (see submissions.py)."""
    return HiddenField(_l("Formular"), default=new_form_token, validators=[_Token()])


# Not part of what a user sends: the tokens and the stale-save fingerprint.
_NOT_CONTENT = frozenset({"once", "csrf_token", "baseline"})


def baseline_field() -> HiddenField:
    """A hidden fingerprint of what the form showed when it was loaded (see ``is_stale``)."""
    return HiddenField(_l("Ændret af en anden"), validators=[Length(max=64)])


def fingerprint(*values: Any) -> str:
    """A short, stable fingerprint of the saved values a form edits."""
    encoded = json.dumps([v if v is None else str(v) for v in values], ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


STALE_MESSAGE = _l(
    "En anden har ændret det her, efter du åbnede formularen, så dine ændringer er ikke gemt. "
    "Det, du skrev, står herunder. Se den nyeste udgave på modulsiden, eller gem igen for at "
    "skrive dit over."
)


def is_stale(form: Any, current: str) -> bool:
    """Whether the saved values changed since the form was loaded.

    The form is then marked: an error saying so, and the baseline moved to the current values,
    so the user can look and deliberately save again. A form posted without a baseline (not
    from our page) is not checked.
    """
    field = form.baseline
    if not field.raw_data or field.raw_data[0] == current:
        return False
    field.errors = [*field.errors, str(STALE_MESSAGE)]
    field.data = current
    return True


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (friendlier than a multi-select on a phone)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def free_text(
    label: Any,
    *,
    required: Any = None,
    max_length: int = 5000,
    rows: int = 4,
    description: Any = "",
) -> TextAreaField:
    """A guarded free-text field: optional or required (with the given message), CPR refused."""
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    validators += [
        Length(max=max_length, message=_l("Højst %(max)d tegn.", max=max_length)),
        NoPersonalData(),
    ]
    return TextAreaField(
        label, validators=validators, description=description, render_kw={"rows": rows}
    )


def choices(pairs: Any) -> list[SelectChoice]:
    """Form choices from (value, label) pairs or a mapping of enum members to labels."""
    items = pairs.items() if hasattr(pairs, "items") else pairs
    return [SelectChoice(str(getattr(value, "value", value)), label) for value, label in items]


class ConfirmForm(Form):
    """A button-only form: just the CSRF token."""


def end_not_before_start(start_field: Field, end_field: Field) -> bool:
    """Add an error to the end field if the period ends before it starts."""
    start: date | None = start_field.data
    end: date | None = end_field.data
    if start and end and end < start:
        end_field.errors = [*end_field.errors, str(_l("Slutdatoen skal ligge efter startdatoen."))]
        return False
    return True
