"""PUF's filter forms: GET forms, so a filtered view is a link that can be bookmarked."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import Optional

from learningpack.content import Package
from learningpack.reads.overview import DEFAULT_STALLED_DAYS, STATE_FILTERS
from learningpack.web.filters import AreaPageForm, GetForm, Range, check_choice
from learningpack.web.forms import Form, free_text

MAX_DAYS = 3650


class OverviewFilterForm(GetForm):
    """The overview's filters; the query-string names are Danish (they show in the address)."""

    district = SelectField(
        _l("Område"), choices=[], validate_choice=False, default="", name="omraade"
    )
    module = SelectField(_l("Modul"), choices=[], validate_choice=False, default="", name="modul")
    state = SelectField(_l("Status"), choices=[], validate_choice=False, default="", name="status")
    stalled = BooleanField(_l("Kun skoler, der er gået i stå"), name="staa")
    days = IntegerField(
        name="dage",
        label=_l("Gået i stå: ingen aktivitet i mindst (dage)"),
        description=_l(
            "Også skoler, hvis opsamlingsmøde er mere end så mange dage forbi uden nogen "
            "opsamling. Skoler, der ikke har startet forløbet, tælles ikke som gået i stå."
        ),
        default=DEFAULT_STALLED_DAYS,
        validators=[
            Optional(),
            Range(
                min=1,
                max=MAX_DAYS,
                message=_l("Skriv et antal dage mellem 1 og %(max)d.", max=MAX_DAYS),
            ),
        ],
    )
    page = IntegerField(
        _l("Side"),
        name="side",
        default=1,
        validators=[
            Optional(),
            Range(min=1, message=_l("Sidetallet skal være 1 eller mere.")),
        ],
    )

    def __init__(self, package: Package, districts: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.district.choices = [("", str(_l("Alle områder"))), *((d, d) for d in districts)]
        self.module.choices = [
            ("", str(_l("Alle moduler"))),
            *((m.slug, f"{m.position}. {m.title}") for m in package.modules),
        ]
        self.state.choices = [
            ("", str(_l("Alle"))),
            *((k, str(v)) for k, v in STATE_FILTERS.items()),
        ]

    def validate_district(self, field: Any) -> None:
        check_choice(field, _l("Området"))

    def validate_module(self, field: Any) -> None:
        check_choice(field, _l("Modulet"))

    def validate_state(self, field: Any) -> None:
        check_choice(field, _l("Status"))


class DigestFilterForm(AreaPageForm):
    """The digest's filters; the query-string names are Danish (they show in the address)."""

    module = SelectField(_l("Modul"), choices=[], validate_choice=False, default="", name="modul")
    school = IntegerField(
        _l("Skole"),
        name="skole",
        validators=[Optional(), Range(min=1, message=_l("Skolen findes ikke."))],
    )

    def __init__(self, package: Package, districts: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.module.choices = [(m.slug, f"{m.position}. {m.title}") for m in package.modules]
        self.set_districts(districts)

    def validate_module(self, field: Any) -> None:
        check_choice(field, _l("Modulet"))


class UnlockForm(Form):
    reason = free_text(
        _l("Begrundelse"), required=_l("Skriv, hvorfor modulet åbnes uden for rækkefølgen."), rows=3
    )
