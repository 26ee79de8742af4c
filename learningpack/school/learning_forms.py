"""The leader's forms for the action-learning records: a team's question (undring), the team's
reflection with a decision on each action, and a second round of an adjusted action."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired

from learningpack.models import Action, Cycle, Team
from learningpack.web.forms import (
    Form,
    HappenedDate,
    NoPersonalData,
    PlausibleDate,
    baseline_field,
    check_school_year,
    end_not_before_start,
    fingerprint,
    free_text,
    max_length,
    once_field,
)


class QuestionForm(Form):
    baseline = baseline_field()
    question = free_text(
        _l("Hvad undrer os i vores egen praksis?"),
        required=_l("Skriv teamets undring – fx »Hvorfor kommer så få forældre til møderne?«."),
        rows=3,
    )
    seen_now = free_text(
        _l("Hvad ser vi nu?"),
        rows=3,
        description=_l(
            "En kort status med et tal, hvor det passer – fx »3 af 24 familier kom til sidste "
            "forældremøde«."
        ),
    )


def question_fingerprint(cycle: Cycle, team: Team) -> str:
    found = cycle.question_of(team.id)
    return fingerprint(None) if found is None else fingerprint(found.question, found.baseline)


class ReflectionForm(Form):
    held_on = DateField(
        _l("Dato for refleksionen"),
        validators=[
            InputRequired(_l("Vælg den dato, I holdt refleksionen.")),
            PlausibleDate(),
            HappenedDate(),
        ],
    )
    participants = free_text(
        _l("Hvem deltog"),
        required=_l("Skriv, hvem der deltog – fx »teamets tre lærere og observatøren«."),
        rows=2,
    )
    seen = free_text(
        _l("Hvad gjorde vi, og hvad så observatøren?"),
        required=_l("Skriv, hvad I gjorde, og hvad observatøren så."),
        rows=4,
    )
    fit = free_text(
        _l("Hvordan passer det med det, vi forventede?"),
        required=_l("Skriv, hvordan det, I så, passer med det, I forventede."),
        rows=3,
    )
    change = free_text(
        _l("Hvad ændrer vi?"),
        required=_l("Skriv, hvad I ændrer – eller at I fortsætter uændret."),
        rows=3,
    )


class SecondRoundForm(Form):
    once = once_field()
    title = StringField(
        _l("Aktionens titel"),
        validators=[
            DataRequired(_l("Giv aktionen en kort titel.")),
            max_length(Action.title),
            NoPersonalData(),
        ],
    )
    what = free_text(_l("Hvad gør vi nu"), required=_l("Beskriv, hvad I gør i anden runde."))
    expectation = free_text(
        _l("Hvad forventer vi at se"),
        required=_l("Skriv, hvad I forventer at se i anden runde."),
    )
    how_notice = free_text(
        _l("Hvordan opdager vi det"),
        required=_l("Skriv, hvordan I vil lægge mærke til, om det virker."),
    )
    observation_focus = free_text(
        _l("Observationsfokus"),
        required=_l("Skriv, hvad observatøren skal se efter."),
        rows=2,
    )
    period_start = DateField(
        _l("Periode fra"),
        validators=[InputRequired(_l("Vælg, hvornår anden runde starter.")), PlausibleDate()],
    )
    period_end = DateField(
        _l("Periode til"),
        validators=[InputRequired(_l("Vælg, hvornår anden runde slutter.")), PlausibleDate()],
    )

    def __init__(self, *args: Any, school_year: tuple[date, date] | None = None, **kwargs: Any):
        """``school_year``: the run's, which the period must lie in."""
        super().__init__(*args, **kwargs)
        self.school_year = school_year

    def validate(self, extra_validators: object = None) -> bool:
        ok = super().validate(extra_validators)  # type: ignore[arg-type]
        ok = end_not_before_start(self.period_start, self.period_end) and ok
        return check_school_year([self.period_start, self.period_end], self.school_year) and ok
