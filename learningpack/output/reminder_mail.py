"""A due reminder worded for its reader (Danish, or English for who chose it): the subject
(also the in-app notice's title), a plain-text and an HTML part, and the e-mail headers.

Only titles and names from the data appear, never free text (DESIGN §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from learningpack.content import get_library
from learningpack.domain.mail_choices import CHOICE_OF_KIND, unsubscribe_token
from learningpack.domain.reminders import Due, Link
from learningpack.models import OutboxMail
from learningpack.output.labels import word


@dataclass(frozen=True)
class Reader:
    """Who a reminder goes to, copied out of the user row."""

    id: int
    email: str
    name: str
    locale: str


@dataclass(frozen=True)
class Worded:
    subject: str
    intro: str
    link_label: str
    url: str  # absolute
    path: str  # the same link, relative (for the in-app notice)
    lines: tuple[tuple[str, str], ...]  # (text, absolute url or "")
    empty: str  # said when there are no lines


def module_title(slug: str) -> str:
    for package in get_library().packages.values():
        for module in package.modules:
            if module.slug == slug:
                return module.title
    return slug


def _url(link: Link, external: bool) -> str:
    url = url_for(link.endpoint, _external=external, **dict(link.values))
    return f"{url}#{link.anchor}" if link.anchor else url


def _line(item: Link) -> str:
    reason = item.reason
    if reason is None:
        return f"»{item.text}«"
    params = dict(reason.params)
    if reason.code == "stalled":
        return _("»%(school)s« er gået i stå", **params)
    if reason.code == "completed":
        module = module_title(params["module"])
        return _("»%(school)s« har afsluttet »%(module)s«", school=params["school"], module=module)
    if reason.code == "proposed":
        return _("»%(school)s« har foreslået noget til videnbanken", **params)
    return word(reason)


# Per kind: the subject, the introduction, the link's label, what to say when the list is empty.
TEXTS: dict[str, tuple[Any, Any, Any, Any]] = {
    "quiet_log": (
        _l("Påmindelse: log på »%(title)s«"),
        _l(
            "Der er ikke logget noget på aktionen »%(title)s« siden %(day)s. "
            "Skriv kort, hvad I har gjort."
        ),
        _l("Log på aktionen"),
        "",
    ),
    "quiet_observation": (
        _l("Påmindelse: observation på »%(title)s«"),
        _l(
            "Du er observatør på »%(title)s«, og der er ikke noteret nogen observation "
            "siden %(day)s."
        ),
        _l("Skriv din observation"),
        "",
    ),
    "period_ends": (
        _l("Perioden for »%(title)s« slutter %(day)s"),
        _l(
            "Perioden for aktionen »%(title)s« slutter %(day)s. "
            "Husk at logge, hvad I har gjort og set."
        ),
        _l("Gå til aktionen"),
        "",
    ),
    "reflection_due": (
        _l("Tid til refleksion i »%(module)s«"),
        _l(
            "Jeres aktioner i »%(module)s« har haft deres periode. "
            "Nu er det tid til teamets refleksion."
        ),
        _l("Gå til modulet"),
        "",
    ),
    "follow_up": (
        _l("Opfølgningsmødet om »%(module)s« er %(day)s"),
        _l(
            "Opfølgningsmødet om »%(module)s« er %(day)s. "
            "Det mangler stadig, før modulet kan afsluttes:"
        ),
        _l("Gå til modulet"),
        _l("Intet mangler: modulet kan afsluttes."),
    ),
    "school_week": (
        _l("Skolens uge (%(week)s)"),
        _l(
            "De sidste syv dage: %(logs)d logninger og %(seen)d observationer. "
            "Aktioner, hvis periode er slut, uden at noget er logget:"
        ),
        _l("Gå til skolens forløb"),
        _l("Ingen."),
    ),
    "puf_week": (
        _l("Ugen i kommunen (%(week)s)"),
        _l(
            "Skoler, der den sidste uge er gået i stå, har afsluttet et modul eller har "
            "foreslået noget til videnbanken:"
        ),
        _l("Gå til overblikket"),
        _l("Ingen ændringer i denne uge."),
    ),
    "proposal": (
        _l("Nyt forslag til videnbanken: »%(title)s«"),
        _l(
            "En skole har foreslået »%(title)s« til videnbanken. "
            "Forslaget venter på jeres gennemsyn."
        ),
        _l("Gennemse forslaget"),
        "",
    ),
}


def _wording(due: Due) -> tuple[str, str, str, str]:
    """Subject, introduction, the link's label, and what to say when there is no list."""
    counts = dict(due.counts)
    params = {
        "title": due.title,
        "module": module_title(due.title),
        "week": due.title,
        "day": format_date(due.day, "long") if due.day else "",
        "logs": counts.get("logs", 0),
        "seen": counts.get("observations", 0),
    }
    subject, intro, label, empty = TEXTS[due.kind]
    return str(subject) % params, str(intro) % params, str(label), str(empty)


def word_due(due: Due, reader: Reader) -> Worded:
    """The reminder in the reader's language."""
    with force_locale(reader.locale or "da"):
        subject, intro, label, empty = _wording(due)
        lines = tuple((_line(item), _url(item, True)) for item in due.items)
        return Worded(
            subject, intro, label, _url(due.link, True), _url(due.link, False), lines, empty
        )


def unsubscribe_url(reader: Reader, kind: str) -> str:
    token = unsubscribe_token(current_app.config["SECRET_KEY"], reader.id, CHOICE_OF_KIND[kind])
    return url_for("auth.unsubscribe", token=token, _external=True)


def subject_of(sections: Sequence[Worded], reader: Reader) -> str:
    """One reminder's own subject; several say how many there are."""
    if len(sections) == 1:
        return sections[0].subject
    with force_locale(reader.locale or "da"):
        return ngettext(
            "%(num)d påmindelse fra Læringspakken",
            "%(num)d påmindelser fra Læringspakken",
            len(sections),
        )


def render_parts(sections: Sequence[Worded], reader: Reader, unsubscribe: str) -> tuple[str, str]:
    """The plain-text and HTML parts of one e-mail holding these reminders, in order."""
    with force_locale(reader.locale or "da"):
        context = {
            "mails": sections,
            "subject": subject_of(sections, reader),
            "name": reader.name,
            "unsubscribe": unsubscribe,
            "settings": url_for("auth.account", _external=True),
            "lang": reader.locale or "da",
        }
        return render_template("mail/reminder.txt", **context), render_template(
            "mail/reminder.html", **context
        )


def message_of(mail: OutboxMail) -> EmailMessage:
    """The queued mail as an e-mail with both parts and one-click unsubscribe (RFC 8058)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="laeringspakken")
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    return message
