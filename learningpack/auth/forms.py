from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from learningpack.web.forms import Form, StopLength


class LoginForm(Form):
    # A text field with an e-mail keyboard: "username" (for password managers) is not allowed
    # on type=email.
    email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Skriv din e-mailadresse.")),
            StopLength(max=254, message=_l("Højst %(max)d tegn.", max=254)),
            Email(
                _l("Skriv en gyldig e-mailadresse, fx navn@aarhus.dk."), check_deliverability=False
            ),
        ],
        render_kw={
            "autocomplete": "username",
            "inputmode": "email",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[DataRequired(_l("Skriv din adgangskode.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = StringField()


class LanguageForm(Form):
    """Only the CSRF token; the language comes from the URL."""


class SignInSettingsForm(Form):
    """The school's choice for staff who sign in through the municipality's login."""

    password_off = BooleanField(
        _l("Medarbejdere med kommunens login kan ikke logge ind med adgangskode")
    )
