"""The teacher's quick forms: an owner's log entry and the observer's observation, correcting
them, and correcting what an action one carries out says."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired

from learningpack.domain.dates import local_today
from learningpack.models import Action, LogEntry
from learningpack.web.forms import (
    Form,
    HappenedDate,
    NoPersonalData,
    PlausibleDate,
    baseline_field,
    fingerprint,
    free_text,
    max_length,
    once_field,
)


class LogEntryForm(Form):
    once = once_field()
    happened_on = DateField(
        _l("Hvornår"),
        default=local_today,
        validators=[InputRequired(_l("Vælg datoen.")), PlausibleDate(), HappenedDate()],
    )
    text = free_text(
        _l("Hvad skete der"), required=_l("Skriv kort, hvad I gjorde, og hvad der skete."), rows=4
    )
    observation = free_text(_l("Hvad lagde vi mærke til"), rows=3)


class ObservationForm(LogEntryForm):
    """The observer's entry: what I saw, with the action's observation focus in mind."""

    text = free_text(
        _l("Hvad så jeg"),
        required=_l("Skriv kort, hvad du så – med observationsfokus for øje."),
        rows=4,
    )
    observation = free_text(_l("Hvad undrede mig"), rows=3)


class LogEntryEditForm(LogEntryForm):
    """Correcting one's own log entry: no one-time token, a stale-save baseline instead."""

    once = None
    baseline = baseline_field()


class ObservationEditForm(ObservationForm):
    once = None
    baseline = baseline_field()


def log_entry_fingerprint(entry: LogEntry) -> str:
    """What the log entry form edits, as it is saved now."""
    return fingerprint(entry.happened_on, entry.text, entry.observation)


class ActionTextForm(Form):
    """What an action says, as its owners may correct it (who and when stay the leader's)."""

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


def action_text_fingerprint(action: Action) -> str:
    return fingerprint(action.title, action.what, action.expectation, action.how_notice)
