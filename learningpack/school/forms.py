"""The leader's forms: start the run, sessions, actions, follow-up, summary, local notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired

from learningpack.models import Action, Cycle, LocalApproachVersion, Meeting, Run
from learningpack.output.labels import MEETING_KIND, OUTCOME
from learningpack.web.forms import (
    Form,
    HappenedDate,
    MultiCheckboxField,
    NoPersonalData,
    PlausibleDate,
    baseline_field,
    check_school_year,
    choices,
    end_not_before_start,
    fingerprint,
    free_text,
    max_length,
    once_field,
)


class StartRunForm(Form):
    year_label = StringField(
        _l("Skoleår eller navn på forløbet"),
        validators=[
            DataRequired(_l("Skriv fx skoleåret, 2026/27.")),
            max_length(Run.year_label),
            NoPersonalData(),
        ],
        description=_l("Fx 2026/27. Forløbet strækker sig typisk over et skoleår eller mere."),
    )
    once = once_field()


class MeetingForm(Form):
    once = once_field()
    held_on = DateField(
        _l("Dato for mødet"),
        validators=[
            InputRequired(_l("Vælg den dato, mødet blev holdt.")),
            PlausibleDate(),
            HappenedDate(),
        ],
    )
    kind = RadioField(
        _l("Slags møde"),
        choices=choices(MEETING_KIND),
        default="input",
        validators=[DataRequired(_l("Vælg, hvilken slags møde det var."))],
    )
    participants = free_text(
        _l("Hvem deltog"),
        required=_l("Skriv, hvem der deltog, fx »hele personalet, 24 personer«."),
        rows=2,
        description=_l("Grupper og antal – fx »indskolingens team, 8 lærere og pædagoger«."),
    )
    notes = free_text(
        _l("Noter fra drøftelsen"),
        required=_l("Skriv de vigtigste pointer fra drøftelsen."),
        rows=6,
    )
    decisions = free_text(_l("Beslutninger"), rows=3)


class MeetingEditForm(MeetingForm):
    """Correcting a meeting: no one-time token, a stale-save baseline instead."""

    once = None
    baseline = baseline_field()


def meeting_fingerprint(meeting: Meeting) -> str:
    """What the meeting form edits, as it is saved now."""
    return fingerprint(
        meeting.held_on, meeting.kind, meeting.participants, meeting.notes, meeting.decisions
    )


class ActionForm(Form):
    once = once_field()
    baseline = baseline_field()
    title = StringField(
        _l("Aktionens titel"),
        validators=[
            DataRequired(_l("Giv aktionen en kort titel.")),
            max_length(Action.title),
            NoPersonalData(),
        ],
    )
    what = free_text(_l("Hvad gør vi"), required=_l("Beskriv, hvad I konkret vil gøre."))
    expectation = free_text(
        _l("Hvorfor – og hvad forventer vi at se"),
        required=_l("Skriv, hvorfor I gør det, og hvad I forventer at se."),
    )
    how_notice = free_text(
        _l("Hvordan opdager vi det"),
        required=_l("Skriv, hvordan I vil lægge mærke til, om det virker."),
    )
    team_id = SelectField(
        _l("Team"),
        coerce=str,
        choices=[],
        validators=[DataRequired(_l("Vælg teamet, hvis undring aktionen bygger på."))],
        description=_l("Aktionen aftales ud fra teamets undring i modulet."),
    )
    owner_ids = MultiCheckboxField(_l("Ansvarlige"), coerce=int, choices=[])
    observer_id = SelectField(
        _l("Observatør"),
        coerce=str,
        choices=[],
        validators=[DataRequired(_l("Vælg en kollega, der observerer."))],
        description=_l("En kollega, der ikke selv er ansvarlig for aktionen."),
    )
    observation_focus = free_text(
        _l("Observationsfokus – hvad ser observatøren efter?"),
        required=_l("Skriv, hvad observatøren konkret skal se efter."),
        rows=2,
    )
    period_start = DateField(
        _l("Periode fra"),
        validators=[InputRequired(_l("Vælg, hvornår aktionen starter.")), PlausibleDate()],
    )
    period_end = DateField(
        _l("Periode til"),
        validators=[InputRequired(_l("Vælg, hvornår aktionen slutter.")), PlausibleDate()],
    )

    def __init__(self, *args: Any, school_year: tuple[date, date] | None = None, **kwargs: Any):
        """``school_year``: the run's, which the period must lie in."""
        super().__init__(*args, **kwargs)
        self.school_year = school_year

    def set_choices(self, teams: list[Any], staff: list[Any]) -> None:
        self.team_id.choices = choices([("", _l("Vælg team"))] + [(t.id, t.name) for t in teams])
        self.owner_ids.choices = choices([(u.id, u.name) for u in staff])
        self.observer_id.choices = choices(
            [("", _l("Vælg observatør"))] + [(u.id, u.name) for u in staff]
        )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        ok = end_not_before_start(self.period_start, self.period_end) and ok
        ok = check_school_year([self.period_start, self.period_end], self.school_year) and ok
        if self.observer_id.data and self.observer_id.data in {
            str(i) for i in self.owner_ids.data or []
        }:
            self.observer_id.errors = [
                *self.observer_id.errors,
                str(_l("Observatøren skal være en kollega, der ikke selv er ansvarlig.")),
            ]
            ok = False
        return ok


def action_fingerprint(action: Action) -> str:
    """What the action form edits, as it is saved now."""
    return fingerprint(
        action.title,
        action.what,
        action.expectation,
        action.how_notice,
        action.team_id,
        sorted(u.id for u in action.owners),
        action.observer_id,
        action.observation_focus,
        action.period_start,
        action.period_end,
    )


def follow_up_fingerprint(action: Action) -> str:
    follow_up = action.follow_up
    if follow_up is None:
        return fingerprint(None)
    return fingerprint(follow_up.outcome, follow_up.learning, follow_up.fit)


def summary_fingerprint(cycle: Cycle) -> str:
    return fingerprint(cycle.summary_learned, cycle.summary_keep, cycle.summary_next)


def adaptation_fingerprint(cycle: Cycle) -> str:
    return fingerprint(cycle.local_notes, cycle.local_questions)


class FollowUpForm(Form):
    baseline = baseline_field()
    outcome = RadioField(
        _l("Hvad gør vi med aktionen nu"),
        choices=choices(OUTCOME),
        validators=[DataRequired(_l("Vælg fasthold, justér eller stop."))],
    )
    fit = free_text(
        _l("Hvordan passer det, vi så, med det, vi forventede?"),
        required=_l("Skriv, hvordan det, I så, passer med det, I forventede."),
        rows=4,
    )
    learning = free_text(
        _l("Hvad lærte vi"), required=_l("Skriv, hvad I lærte af aktionen."), rows=5
    )


class SummaryForm(Form):
    baseline = baseline_field()
    learned = free_text(
        _l("Hvad har vi lært"), required=_l("Skriv, hvad I har lært i modulet."), rows=5
    )
    keep = free_text(
        _l("Hvad fastholder vi"),
        required=_l("Skriv, hvad I vil fastholde i jeres praksis."),
        rows=4,
    )
    next_steps = free_text(_l("Næste skridt"), required=_l("Skriv jeres næste skridt."), rows=4)


class LocalAdaptationForm(Form):
    baseline = baseline_field()
    notes = free_text(
        _l("Skolens lokale noter"),
        rows=6,
        description=_l("Fx hvordan modulet passer til jeres skole, og hvad I vil lægge vægt på."),
    )
    questions = free_text(
        _l("Skolens egne drøftelsesspørgsmål"),
        rows=5,
        description=_l("Ét spørgsmål pr. linje. De vises sammen med modulets spørgsmål."),
    )


class LocalApproachForm(Form):
    """The school's local approach: saved as a new version each time."""

    text = free_text(
        _l("Skolens lokale tilgang til forældresamarbejde"),
        required=_l("Skriv skolens lokale tilgang, før du gemmer."),
        max_length=20000,
        rows=16,
        description=_l(
            "Hvad betyder den fælles tilgang hos jer? Skriv fx jeres værdier, hvad forældrene kan "
            "forvente af skolen, og hvad skolen forventer af forældrene. Markdown kan bruges."
        ),
    )
    note = StringField(
        _l("Hvad er ændret (valgfrit)"),
        validators=[max_length(LocalApproachVersion.note), NoPersonalData()],
        description=_l("Fx »Efter drøftelsen i skolebestyrelsen i marts«."),
    )
