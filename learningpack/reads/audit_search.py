"""Searching the audit log: by person, school, verb and date range; one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, String, cast, func, or_, select
from sqlalchemy.orm import joinedload

from learningpack.domain.audit_privacy import audit_hash
from learningpack.extensions import db
from learningpack.models import AuditEvent, User
from learningpack.reads.pagination import Page, paginate_query

PAGE_SIZE = 50
LOCAL = ZoneInfo("Europe/Copenhagen")

# The verbs the app writes, in words. Unknown verbs (from a newer part of the app) show as-is.
VERB_LABELS: dict[str, LazyString] = {
    "login": _l("Logget ind"),
    "login_failed": _l("Mislykket login"),
    "login_throttled": _l("Login blokeret efter for mange forsøg"),
    "logout": _l("Logget ud"),
    "access_denied": _l("Adgang nægtet"),
    "access_probe": _l("Forsøg på at åbne en anden skoles data"),
    "role_changed": _l("Rolle ændret"),
    "cycle_unlocked_override": _l("Modul åbnet uden for rækkefølgen"),
    "school_exported": _l("Skolens data eksporteret"),
    "run_started": _l("Forløb startet"),
    "cycle_completed": _l("Modul afsluttet"),
    "cycle_reopened": _l("Modul genåbnet"),
    "resource_proposed": _l("Materiale foreslået til videndelingsbanken"),
    "resource_added": _l("Materiale lagt i videndelingsbanken af PUF"),
    "resource_edited": _l("Materiale i videndelingsbanken redigeret"),
    "resource_published": _l("Materiale udgivet i videndelingsbanken"),
    "resource_rejected": _l("Forslag til videndelingsbanken afvist"),
    "resource_unpublished": _l("Materiale trukket tilbage fra videndelingsbanken"),
    "oidc_login": _l("Logget ind med kommunens login"),
    "oidc_linked": _l("Kommunens login koblet til kontoen"),
    "oidc_refused": _l("Log ind med kommunens login afvist"),
    "invitation_accepted": _l("Invitation taget imod"),
    "sign_in_setting_changed": _l("Skolens indstilling for log ind ændret"),
    "record_edited": _l("Registrering rettet"),
    "record_deleted": _l("Registrering slettet"),
}
# Reasons in the log's details (failed and refused sign-ins), in words.
REASON_LABELS: dict[str, LazyString] = {
    "credentials": _l("e-mail og adgangskode passede ikke"),
    "inactive": _l("kontoen eller skolen er deaktiveret"),
    "code": _l("koden passede ikke"),
    "password_off": _l("adgangskode slået fra for konti med kommunens login"),
    "state": _l("ukendt eller udløbet log ind-forsøg (state)"),
    "cancelled": _l("afbrudt hos udbyderen"),
    "provider_error": _l("fejl hos udbyderen"),
    "provider_unavailable": _l("udbyderen svarede ikke"),
    "token_invalid": _l("ID-token afvist"),
    "no_subject": _l("ingen identitet (sub)"),
    "no_email": _l("ingen e-mail"),
    "email_unverified": _l("e-mail ikke bekræftet"),
    "unknown": _l("ingen invitation"),
    "anonymised": _l("kontoen er anonymiseret"),
    "role": _l("udbyderen gælder ikke rollen"),
    "linked_elsewhere": _l("kontoen er koblet til en anden person"),
    "invitation_expired": _l("invitationen er udløbet"),
}


OBJECT_LABELS: dict[str, LazyString] = {
    "User": _l("Bruger"),
    "School": _l("Skole"),
    "Run": _l("Forløb"),
    "Cycle": _l("Modul"),
    "Action": _l("Aktion"),
    "Meeting": _l("Møde"),
    "LogEntry": _l("Logindlæg"),
    "FollowUp": _l("Opsamling på aktion"),
    "TeamQuestion": _l("Teamets undring"),
    "Reflection": _l("Refleksion"),
    "Team": _l("Team"),
    "Resource": _l("Materiale"),
}
DETAIL_LABELS: dict[str, LazyString] = {
    "email": _l("e-mail"),
    "reason": _l("begrundelse"),
    "path": _l("side"),
    "method": _l("metode"),
    "module": _l("modul"),
    "package": _l("pakke"),
    "year": _l("forløb"),
    "address": _l("adresse"),
    "size": _l("bytes"),
    "title": _l("titel"),
    "fields": _l("ændrede felter"),
    "provider": _l("udbyder"),
    "mfa": _l("totrin hos udbyderen"),
    "error": _l("fejl"),
    "password_off_for_linked": _l("adgangskode slået fra"),
    "email_hash": _l("e-mail (nøglehash)"),
    "count": _l("antal"),
    "kind": _l("slags registrering"),
    "cycle_id": _l("modul (id)"),
}


def object_label(kind: str) -> str:
    label = OBJECT_LABELS.get(kind)
    return str(label) if label is not None else kind


def verb_label(verb: str) -> str:
    label = VERB_LABELS.get(verb)
    return str(label) if label is not None else verb


@dataclass(frozen=True)
class AuditQuery:
    person: str = ""
    school_id: int | None = None
    verb: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def local_day_start(day: date) -> datetime:
    """Midnight in Denmark on that day, in UTC (the log stores UTC)."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    person = query.person.strip().lower()
    if person:
        pattern = _like(person)
        matching_users = select(User.id).where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
        conditions.append(
            or_(
                AuditEvent.actor_id.in_(matching_users),
                # Failed logins of unknown addresses have no actor: the address is in the detail,
                # or (throttled logins) its keyed hash, found by the exact address.
                func.lower(cast(AuditEvent.detail, String)).like(pattern, escape="\\"),
                func.lower(cast(AuditEvent.detail, String)).like(f"%{audit_hash(person)}%"),
            )
        )
    if query.school_id is not None:
        conditions.append(AuditEvent.school_id == query.school_id)
    if query.verb:
        conditions.append(AuditEvent.verb == query.verb)
    if query.date_from is not None:
        conditions.append(AuditEvent.at >= local_day_start(query.date_from))
    if query.date_to is not None:
        conditions.append(AuditEvent.at < local_day_start(query.date_to + timedelta(days=1)))
    return conditions


def search_audit_log(query: AuditQuery) -> Page[AuditEvent]:
    """One page of matching events, newest first, with the total (two queries)."""
    statement = (
        select(AuditEvent)
        .where(*_conditions(query))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.school))
    )
    return paginate_query(statement, query.page, PAGE_SIZE)


def known_verbs() -> list[str]:
    """Every verb in the log or in our labels, for the filter."""
    present = set(db.session.scalars(select(AuditEvent.verb).distinct()))
    return sorted(present | set(VERB_LABELS), key=verb_label)


def detail_items(event: AuditEvent) -> list[tuple[str, Any]]:
    """The event's details for display (the log never holds secrets)."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    return sorted(
        (str(DETAIL_LABELS.get(str(k), k)), _detail_value(str(k), v)) for k, v in detail.items()
    )


def _detail_value(key: str, value: Any) -> Any:
    if key == "reason" and str(value) in REASON_LABELS:
        return str(REASON_LABELS[str(value)])
    if isinstance(value, bool):
        return str(_l("ja") if value else _l("nej"))
    return value
