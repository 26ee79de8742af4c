"""Forms for inviting staff, changing roles and managing teams."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

from learningpack.models import Role
from learningpack.web.forms import Form, MultiCheckboxField, choices
from learningpack.web.people import InviteForm

ROLE_CHOICES = choices([(Role.TEACHER, _l("Lærer / pædagog")), (Role.LEADER, _l("Leder"))])


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
