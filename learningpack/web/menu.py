"""The main menu: which links a user sees, and which one is the page they are on."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from learningpack.models import Role

# Endpoints that belong to another menu item than their blueprint's.
_SECTION_OF_ENDPOINT = {
    **dict.fromkeys(("puf.digest", "puf.digest_csv", "puf.digest_xlsx"), "puf.digest"),
    **dict.fromkeys(("puf.api_keys", "puf.create_api_key", "puf.revoke_api_key"), "puf.api_keys"),
    "puf.audit_log": "puf.audit_log",
    **dict.fromkeys(
        (
            "puf.events_page",
            "puf.new_event",
            "puf.event",
            "puf.mark",
            "puf.unmark",
            "puf.event_programme",
            "puf.event_programme_pdf",
            "puf.pitch",
        ),
        "puf.events_page",
    ),
    **dict.fromkeys(
        (
            "puf.progress",
            "puf.reports_page",
            "puf.new_report",
            "puf.report",
            "puf.save_report",
            "puf.pick_quote",
            "puf.edit_quote",
            "puf.report_word",
            "puf.report_print",
        ),
        "puf.reports_page",
    ),
    # PUF's reminder settings and school holidays sit under Administration.
    **dict.fromkeys(
        (
            "puf.reminders",
            "puf.save_reminder_days",
            "puf.add_holiday",
            "puf.edit_holiday",
            "puf.delete_holiday",
        ),
        "admin.schools_page",
    ),
    **dict.fromkeys(
        (
            "school.staff",
            "school.invite",
            "school.reinvite",
            "school.deactivate",
            "school.reactivate",
            "school.change_role",
            "school.anonymise",
            "school.new_team",
            "school.edit_team",
        ),
        "school.staff",
    ),
}
# Otherwise the blueprint decides.
_SECTION_OF_BLUEPRINT = {
    "puf": "puf.overview",
    "admin": "admin.schools_page",
    "school": "school.home",
    "teacher": "teacher.my_actions_page",
    "auth": "auth.account",
    "bank": "bank.search",
}

_MENUS: dict[Role, tuple[tuple[str, LazyString], ...]] = {
    Role.PUF: (
        ("puf.overview", _l("Skoler")),
        ("puf.digest", _l("Læring")),
        ("bank.search", _l("Videnbank")),
        ("puf.events_page", _l("Videndeling")),
        ("puf.reports_page", _l("Rapportering")),
        ("puf.api_keys", _l("API-nøgler")),
        ("admin.schools_page", _l("Administration")),
        ("puf.audit_log", _l("Revisionslog")),
    ),
    Role.LEADER: (
        ("school.home", _l("Skolens forløb")),
        ("teacher.my_actions_page", _l("Mine aktioner")),
        ("bank.search", _l("Videnbank")),
        ("school.staff", _l("Personale")),
    ),
    Role.TEACHER: (
        ("school.home", _l("Skolens forløb")),
        ("teacher.my_actions_page", _l("Mine aktioner")),
        ("bank.search", _l("Videnbank")),
    ),
}
_ACCOUNT = ("auth.account", _l("Min konto"))


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    title: str
    current: bool


def section_of(endpoint: str | None) -> str | None:
    """The menu item (its endpoint) that a page belongs to."""
    if not endpoint:
        return None
    if endpoint in _SECTION_OF_ENDPOINT:
        return _SECTION_OF_ENDPOINT[endpoint]
    return _SECTION_OF_BLUEPRINT.get(endpoint.partition(".")[0])


def main_menu(role: Role, endpoint: str | None) -> list[MenuItem]:
    """The role's menu, with the item of the current page marked."""
    here = section_of(endpoint)
    return [
        MenuItem(target, str(title), target == here)
        for target, title in (*_MENUS[Role(role)], _ACCOUNT)
    ]
