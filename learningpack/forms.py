"""Form building blocks shared by the blueprints."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from learningpack.privacy import NoPersonalData

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


class Form(FlaskForm):
    """The base of every form here: CSRF from Flask-WTF, messages in the user's language."""

    class Meta:
        def get_translations(self, form: Any) -> _Messages:
            return _Messages()


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
