"""Forms for the own account page, invitations, resets and two-factor sign-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, PasswordField, RadioField, StringField
from wtforms.form import BaseForm
from wtforms.validators import DataRequired, Email, EqualTo, Length, StopValidation

from learningpack.domain.passwords import MIN_LENGTH, password_problems
from learningpack.output.labels import words
from learningpack.web.forms import Form, StopLength, choices

NEW_PASSWORD_HINT = _l(
    "Mindst %(min)d tegn. Brug gerne tre-fire tilfældige ord med mellemrum. Ikke dit navn, din "
    "e-mail eller en almindelig adgangskode.",
    min=MIN_LENGTH,
)


class PasswordPolicy:
    """A WTForms validator: the domain's password policy, with the user's own e-mail and name
    from the form (fields ``email`` and ``name``) or from the form's ``user_email`` /
    ``user_name``; every problem worded."""

    def __init__(self, email_field: str = "email", name_field: str = "name") -> None:
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form: BaseForm, field: Field) -> None:
        email = _value(form, self.email_field) or getattr(form, "user_email", "")
        name = _value(form, self.name_field) or getattr(form, "user_name", "")
        problems = password_problems(field.data or "", email=email, name=name)
        if problems:
            raise StopValidation(" ".join(words(problems)))


def _value(form: BaseForm, name: str) -> str:
    data = getattr(getattr(form, name, None), "data", None)
    return data if isinstance(data, str) else ""


def new_password_field() -> PasswordField:
    return PasswordField(
        _l("Ny adgangskode"),
        validators=[DataRequired(_l("Vælg en adgangskode.")), PasswordPolicy()],
        description=NEW_PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Gentag den nye adgangskode"),
        validators=[
            DataRequired(_l("Skriv den nye adgangskode igen.")),
            EqualTo("password", message=_l("De to adgangskoder er ikke ens.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Nuværende adgangskode"),
        validators=[DataRequired(_l("Skriv din nuværende adgangskode.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field()
    confirm = confirm_field()


class ResetPasswordForm(Form):
    password = new_password_field()
    confirm = confirm_field()


class AcceptInvitationForm(Form):
    name = StringField(
        _l("Dit navn"),
        validators=[DataRequired(_l("Skriv dit navn.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = new_password_field()
    confirm = confirm_field()


class PreferencesForm(Form):
    locale = RadioField(
        _l("Sprog"),
        choices=choices([("da", "Dansk"), ("en", "English")]),
        validators=[DataRequired(_l("Vælg et sprog."))],
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Skriv din e-mailadresse.")),
            StopLength(max=254, message=_l("Højst %(max)d tegn.", max=254)),
            Email(
                _l("Skriv en gyldig e-mailadresse, fx navn@aarhus.dk."), check_deliverability=False
            ),
        ],
        render_kw={"autocomplete": "email"},
    )


class CodeForm(Form):
    code = StringField(
        _l("Kode"),
        validators=[DataRequired(_l("Skriv koden fra din app.")), Length(max=20)],
        description=_l(
            "Seks cifre fra din godkendelsesapp. Har du ikke telefonen, kan du bruge en af dine "
            "gendannelseskoder."
        ),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class TotpSetupForm(Form):
    code = StringField(
        _l("Kode fra appen"),
        validators=[DataRequired(_l("Skriv koden fra din app.")), Length(max=20)],
        description=_l("Skriv de seks cifre, appen viser nu, for at bekræfte."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TotpDisableForm(Form):
    current_password = PasswordField(
        _l("Nuværende adgangskode"),
        validators=[DataRequired(_l("Skriv din nuværende adgangskode.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
