"""Form building blocks shared by the blueprints."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from learningpack.privacy import NoPersonalData


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


class ConfirmForm(FlaskForm):
    """A button-only form: just the CSRF token."""


def end_not_before_start(start_field: Field, end_field: Field) -> bool:
    """Add an error to the end field if the period ends before it starts."""
    start: date | None = start_field.data
    end: date | None = end_field.data
    if start and end and end < start:
        end_field.errors = [*end_field.errors, str(_l("Slutdatoen skal ligge efter startdatoen."))]
        return False
    return True
