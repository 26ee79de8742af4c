"""Invitation and reset links: mailed in the recipient's language when SMTP is set up."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from learningpack.models import TokenKind, User
from learningpack.output.mail import mail_configured, send_mail


def link_for(endpoint: str, raw: str) -> str:
    return url_for(endpoint, token=raw, _external=True)


def mail_link(user: User, kind: TokenKind, link: str) -> None:
    with force_locale(user.locale or "da"):
        if kind == TokenKind.INVITE:
            subject = _("Invitation til Læringspakken")
            body = _(
                "Hej %(name)s\n\nDu er inviteret til Læringspakken om styrket "
                "forældresamarbejde. Åbn linket, og vælg din adgangskode:\n\n%(link)s\n\n"
                "Linket virker én gang og udløber om %(days)d dage.\n",
                name=user.name,
                link=link,
                days=current_app.config["INVITE_VALID_FOR"].days,
            )
        else:
            subject = _("Nulstil din adgangskode til Læringspakken")
            body = _(
                "Hej %(name)s\n\nNogen (forhåbentlig dig) har bedt om at nulstille din "
                "adgangskode. Åbn linket for at vælge en ny:\n\n%(link)s\n\nLinket virker én "
                "gang og udløber om en time. Har du ikke bedt om det, kan du se bort fra denne "
                "e-mail.\n",
                name=user.name,
                link=link,
            )
    send_mail(user.email, subject, body)


def deliver_invitation(user: User, raw: str) -> str | None:
    """Mail the invitation when SMTP is set up; otherwise return the link for the inviter."""
    link = link_for("auth.accept_invitation", raw)
    if mail_configured():
        try:
            mail_link(user, TokenKind.INVITE, link)
            return None
        except OSError:
            current_app.logger.exception("Invitation e-mail to user %s failed", user.id)
    return link
