"""User-facing names of the domain's enumerations and refusal codes, through the i18n layer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from flask_babel import LazyString, format_date, get_locale, ngettext
from flask_babel import lazy_gettext as _l

from learningpack.domain.refusals import Refusal
from learningpack.models import (
    ActionStatus,
    CyclePhase,
    CycleState,
    LogKind,
    MeetingKind,
    Outcome,
    ResourceCategory,
    ResourceStatus,
    Role,
)

ROLE = {
    Role.PUF: _l("PUF (central konsulent)"),
    Role.LEADER: _l("Leder"),
    Role.TEACHER: _l("Lærer / pædagog"),
}
CYCLE_STATE = {
    CycleState.LOCKED: _l("Låst"),
    CycleState.ACTIVE: _l("I gang"),
    CycleState.COMPLETED: _l("Afsluttet"),
}
# The phases of an open module: the steps' titles (as in DESIGN §2), and "ready" after the last.
CYCLE_PHASE = {
    CyclePhase.INPUT: _l("Videnoplæg og drøftelse"),
    CyclePhase.QUESTION: _l("Teamets undring"),
    CyclePhase.ACTIONS: _l("Aktioner aftalt"),
    CyclePhase.TRYING: _l("Afprøvning og observation"),
    CyclePhase.REFLECTION: _l("Refleksion"),
    CyclePhase.FOLLOW_UP: _l("Opsamling"),
    CyclePhase.READY: _l("Klar til at afslutte"),
}
MEETING_KIND = {
    MeetingKind.INPUT: _l("Videnoplæg og drøftelse"),
    MeetingKind.FOLLOW_UP: _l("Opsamling"),
    MeetingKind.OTHER: _l("Andet møde"),
}
ACTION_STATUS = {
    ActionStatus.PLANNED: _l("Planlagt"),
    ActionStatus.IN_PROGRESS: _l("I gang"),
    ActionStatus.DONE: _l("Gennemført"),
    ActionStatus.DROPPED: _l("Droppet"),
}
OUTCOME = {
    Outcome.KEEP: _l("Fasthold"),
    Outcome.ADJUST: _l("Justér"),
    Outcome.STOP: _l("Stop"),
}
LOG_KIND = {
    LogKind.DID: _l("Hvad jeg gjorde"),
    LogKind.OBSERVATION: _l("Observation"),
}
RESOURCE_CATEGORY = {
    ResourceCategory.PARENT_MEETINGS: _l("Materialer til forældremøder"),
    ResourceCategory.PARENT_COUNCILS: _l("Inspiration til forældreråd"),
    ResourceCategory.PROCESSES: _l("Procesbeskrivelser"),
    ResourceCategory.KNOWLEDGE: _l("Relevant viden"),
}
RESOURCE_STATUS = {
    ResourceStatus.PROPOSED: _l("Venter på PUF"),
    ResourceStatus.PUBLISHED: _l("Udgivet"),
    ResourceStatus.REJECTED: _l("Afvist"),
    ResourceStatus.UNPUBLISHED: _l("Trukket tilbage"),
}

ALL: dict[str, dict[str, LazyString]] = {
    "role": {k.value: v for k, v in ROLE.items()},
    "cycle_state": {k.value: v for k, v in CYCLE_STATE.items()},
    "cycle_phase": {k.value: v for k, v in CYCLE_PHASE.items()},
    "meeting_kind": {k.value: v for k, v in MEETING_KIND.items()},
    "action_status": {k.value: v for k, v in ACTION_STATUS.items()},
    "outcome": {k.value: v for k, v in OUTCOME.items()},
    "log_kind": {k.value: v for k, v in LOG_KIND.items()},
    "resource_category": {k.value: v for k, v in RESOURCE_CATEGORY.items()},
    "resource_status": {k.value: v for k, v in RESOURCE_STATUS.items()},
}


def label(kind: str, value: object) -> str:
    """The display name of an enumeration value, e.g. label("cycle_state", "active").

    Kept per language: a page shows the same few labels in every row, and each lookup through
    the catalogue costs more than the rest of the cell."""
    key = getattr(value, "value", value)
    return _label(kind, str(key), str(get_locale() or ""))


@lru_cache(maxsize=1024)
def _label(kind: str, key: str, locale: str) -> str:
    return str(ALL[kind].get(key, key))


_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def ascii_slug(name: str, fallback: str = "") -> str:
    """A name as lower-case ASCII letters, digits and single hyphens, e.g. for a file name or
    an e-mail address: "Skolen i Ærø" → "skolen-i-aeroe"; ``fallback`` when nothing is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(_ASCII)).strip("-")
    return slug or fallback


# The domain's refusal codes (domain/refusals.py), worded with their parameters.
REFUSAL: dict[str, LazyString] = {
    # What a step of the stepper still misses (domain/cycle.py)
    "no_input_meeting": _l("Registrér mindst ét møde med dato, deltagere og noter fra drøftelsen."),
    "no_question": _l("Mindst ét team skal skrive sin undring: hvad undrer os, og hvad ser vi nu?"),
    "no_action": _l("Aftal mindst én aktion ud fra et teams undring."),
    "action_incomplete": _l("Aktionen »%(title)s« mangler: %(fields)s."),
    "no_action_to_try": _l("Der er ingen aktioner at afprøve endnu."),
    "action_not_logged": _l("Aktionen »%(title)s« har ingen logninger endnu."),
    "action_not_observed": _l("Observatøren har endnu ikke logget en observation på »%(title)s«."),
    "no_action_to_reflect_on": _l("Der er ingen aktioner at reflektere over endnu."),
    "reflection_missing": _l("Teamet »%(team)s« mangler den fælles refleksion."),
    "decision_missing": _l(
        "Refleksionen mangler en beslutning om »%(title)s«: fasthold, justér eller stop."
    ),
    "follow_up_missing": _l("Aktionen »%(title)s« mangler en opsamling."),
    "summary_missing": _l("Modulets opsamling mangler: %(field)s."),
    "no_action_to_follow_up": _l("Der er ingen aktioner at samle op på endnu."),
    # The state of a cycle (domain/cycle.py)
    "locked_cannot_complete": _l("Modulet er låst og kan ikke afsluttes."),
    "already_completed": _l("Modulet er allerede afsluttet."),
    "run_not_started": _l("Forløbet er ikke startet."),
    "waits_for": _l("Åbner, når modul %(pos)d »%(title)s« er samlet op og afsluttet."),
    "not_completed": _l("Kun et afsluttet modul kan genåbnes."),
    "next_has_records": _l(
        "Modul %(next)d har allerede registreringer, så modul %(pos)d kan ikke genåbnes."
    ),
    "not_open": _l("Modulet er ikke åbent, så der kan ikke registreres noget i det."),
    # Transitions (domain/transitions.py)
    "run_in_progress": _l("Skolen har allerede et forløb i gang med denne pakke."),
    "run_name_taken": _l(
        "Skolen har allerede haft et forløb med navnet »%(label)s«. Vælg et andet navn."
    ),
    "changed_concurrently": _l("Modulet blev ændret af en anden lige nu. Prøv igen."),
    # Reminders, holidays and the follow-up meeting (domain/calendar.py)
    "follow_up_before_start": _l(
        "Opsamlingsmødet kan ikke ligge før modulet blev åbnet (%(first)s). Vælg en senere dato."
    ),
    "follow_up_after_year": _l(
        "Opsamlingsmødet skal ligge inden for forløbets skoleår (senest %(last)s)."
    ),
    "reminder_days_range": _l("Skriv et antal dage fra %(low)d til %(high)d."),
    "holiday_name_missing": _l("Skriv ferieperiodens navn."),
    "holiday_ends_before_start": _l("Sidste feriedag kan ikke ligge før første feriedag."),
    "already_reopened": _l("Modulet er allerede genåbnet."),
    "next_got_records": _l(
        "Nu er der registreret noget i næste modul, så modulet kan ikke genåbnes."
    ),
    "puf_only": _l("Kun PUF kan åbne et modul uden for rækkefølgen."),
    "reason_required": _l("Skriv en begrundelse for at åbne modulet."),
    "not_locked": _l("Modulet er ikke låst."),
    # Recording (domain/records.py) and teams (domain/teams.py)
    "foreign_team_or_owner": _l("Team og ansvarlige skal høre til skolen."),
    "period_reversed": _l("Periodens slutdato ligger før startdatoen."),
    "foreign_author": _l("Du kan kun logge på din egen skoles aktioner."),
    "no_team_question": _l(
        "Vælg et team, der har skrevet sin undring i modulet. Aktioner aftales ud fra teamets "
        "undring."
    ),
    "observer_is_owner": _l("Observatøren skal være en kollega, der ikke selv er ansvarlig."),
    "fit_missing": _l("Skriv, hvordan det, I så, passer med det, I forventede."),
    "question_missing": _l("Skriv teamets undring."),
    "no_team_actions": _l("Teamet har ingen aktioner i modulet at reflektere over."),
    "decision_foreign_action": _l("Beslutningerne skal gælde teamets egne aktioner."),
    "second_round_needs_adjust": _l(
        "En anden runde kan kun startes, når refleksionen har besluttet at justere aktionen."
    ),
    "second_round_exists": _l("Aktionen har allerede en anden runde."),
    # Corrections (domain/corrections.py)
    "record_deleted": _l("Det er allerede slettet."),
    "not_author": _l("Du kan kun rette og slette dine egne logninger."),
    "not_leader": _l("Kun skolens ledelse kan rette og slette det."),
    "not_owner": _l("Kun aktionens ansvarlige og skolens ledelse kan rette aktionen."),
    "action_title_missing": _l("Giv aktionen en kort titel."),
    "action_has_second_round": _l(
        "Aktionen har en anden runde. Slet den anden runde først, hvis aktionen skal slettes."
    ),
    "question_has_actions": _l(
        "Teamet har aftalt aktioner ud fra undringen. Slet aktionerne først, eller ret undringen."
    ),
    "team_name_taken": _l("Skolen har allerede et team med det navn."),
    "personal_data": _l(
        "Teksten ser ud til at indeholde et CPR-nummer. Fjern det – der må ikke stå "
        "personoplysninger om børn her."
    ),
    # Accounts (domain/accounts.py)
    "link_invalid": _l("Linket er ikke gyldigt. Tjek, at du har kopieret hele linket."),
    "link_used": _l("Linket er allerede brugt. Et link virker kun én gang; bed om et nyt."),
    "link_expired": _l("Linket er udløbet. Bed om et nyt."),
    "email_taken": _l("Der findes allerede en konto med den e-mailadresse."),
    "own_account_deactivate": _l("Du kan ikke deaktivere din egen konto."),
    "deactivated_by_puf": _l("Kontoen er deaktiveret af PUF. Kun PUF kan aktivere den igen."),
    "not_pending": _l(
        "Personen har allerede taget imod invitationen, så der laves ikke et nyt link."
    ),
    "pending_reactivate": _l(
        "Personen har ikke taget imod invitationen. Send en ny invitation i stedet."
    ),
    "own_account_anonymise": _l("Du kan ikke anonymisere din egen konto."),
    "own_role": _l("Du kan ikke ændre din egen rolle."),
    "anonymised_reactivate": _l("Kontoen er anonymiseret og kan ikke genaktiveres."),
    "last_active_leader": _l("Skolen skal have mindst én aktiv leder."),
    "role_not_allowed": _l("Rollen kan ikke vælges her."),
    # Passwords (domain/passwords.py)
    "password_too_short": _l("Adgangskoden skal have mindst %(min)d tegn."),
    "password_too_long": _l("Adgangskoden må højst have %(max)d tegn."),
    "password_common": _l(
        "Adgangskoden er for almindelig og let at gætte. Vælg fx tre-fire tilfældige "
        "ord med mellemrum."
    ),
    "password_personal": _l("Adgangskoden må ikke indeholde dit navn eller din e-mailadresse."),
    "password_app_name": _l("Adgangskoden må ikke indeholde navnet på systemet."),
    # Schools and their CSV import (domain/schools.py)
    "school_name_taken": _l("Der findes allerede en skole med det navn."),
    "csv_not_utf8": _l("Filen er ikke i UTF-8. Gem den som »CSV UTF-8«."),
    "csv_no_schools": _l("Filen indeholder ingen skoler."),
    "csv_name_missing": _l("Skolens navn mangler."),
    "csv_name_too_long": _l("Navnet er for langt (højst %(max)d tegn)."),
    "csv_district_too_long": _l("Området er for langt (højst %(max)d tegn)."),
    "csv_duplicate_line": _l("Skolen står også på linje %(line)d."),
    "csv_school_exists": _l("Skolen findes allerede."),
    "csv_area_unknown": _l(
        "Området »%(area)s« findes ikke. Ret stavningen, eller opret området under Områder først."
    ),
    "area_unknown": _l("Området »%(area)s« findes ikke. Vælg et område på listen."),
    # The list of areas (domain/areas.py)
    "area_name_missing": _l("Skriv områdets navn."),
    "area_name_too_long": _l("Navnet er for langt (højst %(max)d tegn)."),
    "area_name_taken": _l("Der findes allerede et område, der hedder »%(name)s«."),
    # The knowledge bank (domain/bank.py, domain/bank_files.py)
    "title_missing": _l("Giv materialet en titel."),
    "url_invalid": _l(
        "Linket skal være en hel webadresse, der begynder med https:// eller http://."
    ),
    "resource_empty": _l("Skriv en beskrivelse, giv et link eller vedhæft en fil."),
    "file_empty": _l("Filen er tom."),
    "file_too_large": _l("Filen er for stor. Den må højst fylde %(max)d MB."),
    "file_type": _l(
        "Filen kan ikke deles: den er hverken PDF, Word (DOCX), PowerPoint (PPTX), PNG eller "
        "JPEG. Filtypen afgøres af filens indhold, ikke af navnet."
    ),
    "file_mismatch": _l(
        "Filens indhold passer ikke til navnet (%(extension)s). Gem filen i det rigtige format, "
        "og prøv igen."
    ),
    "already_published": _l("Materialet er allerede udgivet."),
    "not_a_proposal": _l("Kun et forslag, der venter, kan afvises."),
    "rejection_reason_missing": _l("Skriv, hvorfor forslaget afvises. Skolen ser begrundelsen."),
    "not_published": _l("Materialet er ikke udgivet."),
    # The local approach and sharing events (domain/sharing.py)
    "not_facilitator": _l("Kun skolens ledere kan redigere skolens lokale tilgang."),
    "not_puf": _l("Kun PUF kan oprette og redigere videndelingsarrangementer."),
    "local_approach_empty": _l("Skriv skolens lokale tilgang, før du gemmer."),
    "local_approach_unchanged": _l(
        "Teksten er den samme som version %(version)d, så der er ikke gemt en ny version."
    ),
    "event_title_missing": _l("Skriv en titel på arrangementet."),
    "example_unknown": _l("Praksiseksemplet findes ikke (længere)."),
    "example_already_marked": _l("Praksiseksemplet er allerede med i arrangementet."),
    # The half-yearly report and notes to schools (domain/reports.py, domain/notes.py)
    "quote_source_gone": _l("Opsamlingen findes ikke længere."),
    "quote_empty": _l("Skriv eksemplets tekst."),
    "note_empty": _l("Skriv en besked."),
    "note_too_long": _l("Beskeden må højst have %(max)d tegn."),
    "note_not_allowed": _l("Kun PUF og skolens ledere kan skrive her."),
    "csv_unreadable": _l(
        "Filen kan ikke læses som CSV (måske et meget langt felt eller et anførselstegn, der "
        "ikke lukkes). Gem den igen som »CSV UTF-8«."
    ),
    "control_characters": _l(
        "Teksten indeholder usynlige styretegn, som ikke kan gemmes. Skriv eller indsæt den igen."
    ),
}
# Why a sign-in through the municipality's login was refused (domain/sign_on.py and the
# protocol checks in auth/oidc.py); "unknown" has a page of its own.
SIGN_ON_REFUSAL: dict[str, LazyString] = {
    "state": _l(
        "Log ind-forsøget kunne ikke genkendes – måske var det udløbet, eller siden blev åbnet "
        "i en anden browser. Prøv igen fra login-siden."
    ),
    "cancelled": _l("Du afbrød log ind hos kommunens login. Prøv igen, når du er klar."),
    "provider_error": _l("Kommunens login kunne ikke gennemføre log ind. Prøv igen."),
    "provider_unavailable": _l(
        "Kommunens login svarer ikke lige nu. Prøv igen om lidt, eller log ind med adgangskode."
    ),
    "token_invalid": _l(
        "Svaret fra kommunens login kunne ikke godkendes, så du er ikke logget ind. Prøv igen."
    ),
    "no_subject": _l("Svaret fra kommunens login manglede din identitet. Prøv igen."),
    "no_email": _l(
        "Kommunens login oplyste ingen e-mailadresse, så din konto kunne ikke findes. Kontakt "
        "kommunens it-support."
    ),
    "email_unverified": _l(
        "Kommunens login har ikke bekræftet din e-mailadresse, så den kan ikke bruges til at "
        "finde din konto. Kontakt kommunens it-support."
    ),
    "inactive": _l(
        "Din konto i Læringspakken er deaktiveret (eller skolen er). Kontakt din leder eller PUF."
    ),
    "anonymised": _l("Kontoen er lukket og kan ikke bruges. Kontakt din leder eller PUF."),
    "role": _l("Dette login kan ikke bruges til din konto. Vælg det andet login på login-siden."),
    "linked_elsewhere": _l(
        "Din konto er allerede koblet til en anden person i kommunens login. Kontakt PUF."
    ),
    "invitation_expired": _l(
        "Din invitation er udløbet. Bed din leder (eller PUF) om at sende den igen."
    ),
}
# The parts of an action and of a module's summary that a refusal names.
ACTION_FIELD = {
    "question": _l("et team med en undring"),
    "what": _l("hvad vi gør"),
    "expectation": _l("hvorfor / hvad vi forventer at se"),
    "how_notice": _l("hvordan vi opdager det"),
    "owners": _l("team eller ansvarlige"),
    "observer": _l("observatør"),
    "observation_focus": _l("observationsfokus"),
    "period": _l("periode"),
}
SUMMARY_FIELD = {
    "learned": _l("hvad vi har lært"),
    "keep": _l("hvad vi fastholder"),
    "next": _l("næste skridt"),
}


def word(reason: Refusal) -> str:
    """A refusal from the domain as one sentence in the user's language."""
    params = dict(reason.params)
    if reason.code == "action_incomplete":
        params["fields"] = ", ".join(str(ACTION_FIELD[f]) for f in params["fields"])
    elif reason.code == "summary_missing":
        params["field"] = str(SUMMARY_FIELD[params["field"]])
    elif reason.code == "area_in_use":
        return ngettext(
            "Området »%(name)s« kan ikke fjernes, fordi %(num)d skole ligger i det. Flyt skolen "
            "til et andet område først.",
            "Området »%(name)s« kan ikke fjernes, fordi %(num)d skoler ligger i det. Flyt "
            "skolerne til et andet område først.",
            int(params["count"]),
            name=params["name"],
        )
    params = {k: format_date(v) if isinstance(v, date) else v for k, v in params.items()}
    return str(REFUSAL[reason.code]) % params


def words(reasons: Iterable[Refusal]) -> list[str]:
    """Every refusal worded, in order."""
    return [word(r) for r in reasons]
