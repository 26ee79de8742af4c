"""Forms for inviting staff, changing roles and managing teams (and PUF's school forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from learningpack.forms import Form, MultiCheckboxField, choices
from learningpack.models import Role

ROLE_CHOICES = choices([(Role.TEACHER, _l("Lærer / pædagog")), (Role.LEADER, _l("Leder"))])


class InviteForm(Form):
    name = StringField(
        _l("Navn"),
        validators=[DataRequired(_l("Skriv personens navn.")), Length(max=200)],
        description=_l("Personen kan rette navnet, når invitationen tages imod."),
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Skriv personens e-mailadresse.")),
            Email(
                _l("Skriv en gyldig e-mailadresse, fx navn@aarhus.dk."), check_deliverability=False
            ),
            Length(max=254),
        ],
    )


class StaffInviteForm(InviteForm):
    role = RadioField(
        _l("Rolle"),
        choices=ROLE_CHOICES,
        default=Role.TEACHER.value,
        validators=[DataRequired(_l("Vælg en rolle."))],
    )


class RoleForm(Form):
    role = RadioField(
        _l("Rolle"), choices=ROLE_CHOICES, validators=[DataRequired(_l("Vælg en rolle."))]
    )


class TeamForm(Form):
    name = StringField(
        _l("Teamets navn"),
        validators=[DataRequired(_l("Skriv teamets navn.")), Length(max=120)],
    )
    members = MultiCheckboxField(_l("Medlemmer"), coerce=int, validators=[Optional()])


class SchoolForm(Form):
    name = StringField(
        _l("Skolens navn"),
        validators=[DataRequired(_l("Skriv skolens navn.")), Length(max=200)],
    )
    district = StringField(
        _l("Område"),
        validators=[Optional(), Length(max=120)],
        description=_l("Fx Nord, Syd, Vest, Midt eller Øst."),
    )


class ImportForm(Form):
    file = FileField(
        _l("CSV-fil"),
        validators=[FileRequired(_l("Vælg en CSV-fil."))],
        description=_l(
            "Én skole pr. linje: navn;område. UTF-8, med semikolon eller komma mellem "
            "kolonnerne. En overskriftslinje springes over."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
