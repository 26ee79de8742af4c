"""The audit log in words: event kinds, objects, detail fields and their coded values.

Adding a new event kind's name is one line in ``VERB_LABELS``; a kind (or field) without a line
still shows, as its code made readable (»record_deleted« → »Record deleted«), never an error.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

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
    "user_invited": _l("Person inviteret"),
    "invitation_renewed": _l("Nyt invitationslink lavet"),
    "record_edited": _l("Registrering rettet"),
    "record_deleted": _l("Registrering slettet"),
    "reminder_days_default": _l("Standard for påmindelser ændret"),
    "holiday_deleted": _l("Skoleferie slettet"),
    "user_deactivated": _l("Konto deaktiveret"),
    "user_reactivated": _l("Konto genaktiveret"),
    "user_anonymised": _l("Konto anonymiseret"),
    "password_reset_requested": _l("Nulstilling af adgangskode bestilt"),
    "password_reset": _l("Adgangskode nulstillet"),
    "password_changed": _l("Adgangskode skiftet"),
    "totp_enabled": _l("Totrinsbekræftelse slået til"),
    "totp_disabled": _l("Totrinsbekræftelse slået fra"),
    "recovery_code_used": _l("Reservekode brugt"),
    "api_token_created": _l("API-nøgle oprettet"),
    "api_token_revoked": _l("API-nøgle tilbagekaldt"),
    "school_created": _l("Skole oprettet"),
    "school_updated": _l("Skole ændret"),
    "school_deactivated": _l("Skole deaktiveret"),
    "school_reactivated": _l("Skole genaktiveret"),
    "schools_imported": _l("Skoler importeret fra CSV"),
    "area_created": _l("Område oprettet"),
    "area_renamed": _l("Område omdøbt"),
    "area_removed": _l("Område fjernet"),
    "team_saved": _l("Team gemt"),
    "local_approach_saved": _l("Lokal tilgang gemt"),
    "event_created": _l("Videndelingsarrangement oprettet"),
    "event_example_marked": _l("Praksiseksempel sat på et arrangement"),
    "event_example_unmarked": _l("Praksiseksempel taget af et arrangement"),
    "note_written": _l("Besked skrevet"),
    "report_saved": _l("Halvårsrapport gemt"),
    "report_downloaded": _l("Halvårsrapport hentet"),
    "report_quote_added": _l("Eksempel sat i rapporten"),
    "report_quote_edited": _l("Eksempel i rapporten rettet"),
    "report_quote_removed": _l("Eksempel taget ud af rapporten"),
    "export": _l("Data eksporteret"),
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
    "Area": _l("Område"),
    "Run": _l("Forløb"),
    "Cycle": _l("Modul"),
    "Action": _l("Aktion"),
    "Team": _l("Team"),
    "Resource": _l("Materiale"),
    "SharingEvent": _l("Arrangement"),
    "ReportDraft": _l("Halvårsrapport"),
    "ReportQuote": _l("Eksempel i rapporten"),
    "SchoolNote": _l("Besked"),
    "LocalApproachVersion": _l("Lokal tilgang"),
    "ApiToken": _l("API-nøgle"),
    "Meeting": _l("Møde"),
    "LogEntry": _l("Logning"),
    "FollowUp": _l("Opsamling"),
    "Reflection": _l("Refleksion"),
    "TeamQuestion": _l("Teamets undring"),
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
    "kind": _l("slags registrering"),
    "cycle_id": _l("modul (nr.)"),
    "before": _l("før"),
    "after": _l("efter"),
    "provider": _l("udbyder"),
    "mfa": _l("totrin hos udbyderen"),
    "error": _l("fejl"),
    "password_off_for_linked": _l("adgangskode slået fra"),
    "email_hash": _l("e-mail (nøglehash)"),
    "count": _l("antal"),
    "name": _l("navn"),
    "old_name": _l("tidligere navn"),
    "new_name": _l("nyt navn"),
    "old_district": _l("tidligere område"),
    "new_district": _l("nyt område"),
    "role": _l("rolle"),
    "old": _l("tidligere rolle"),
    "new": _l("ny rolle"),
    "members": _l("medlemmer"),
    "pending": _l("invitationen var ikke taget imod"),
    "known": _l("kendt adresse"),
    "version": _l("version"),
    "prefix": _l("nøglen begynder med"),
    "expires_at": _l("udløber"),
    "from_puf": _l("fra PUF"),
    "run_id": _l("forløb nr."),
    "draft_id": _l("rapport nr."),
    "period_from": _l("periode fra"),
    "period_to": _l("periode til"),
    "district": _l("område"),
    "name_stalled": _l("navngiv skoler i stå"),
    "what": _l("hvad"),
    "format": _l("format"),
    "filters": _l("filtre"),
    "rows": _l("rækker"),
}
# Detail fields whose value is a code with a name of its own.
ROLE_FIELDS = frozenset({"role", "old", "new"})
USER_LIST_FIELDS = frozenset({"members"})
EXPORT_WHAT: dict[str, LazyString] = {
    "overview": _l("oversigten over skolerne"),
    "digest": _l("læringsoversigten"),
}


def readable(code: str) -> str:
    """A code without a name of its own, made readable: »record_deleted« → »Record deleted«."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else code


def verb_label(verb: str) -> str:
    label = VERB_LABELS.get(verb)
    return str(label) if label is not None else readable(verb)


def object_label(kind: str) -> str:
    label = OBJECT_LABELS.get(kind)
    return str(label) if label is not None else readable(kind)


def detail_label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else readable(key).lower()
