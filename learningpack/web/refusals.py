"""The domain's refusals on a page: undo the request's changes, then say why, worded."""

from __future__ import annotations

from flask import flash

from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.output.labels import words


def flash_refused(error: Refused) -> None:
    """Roll back what the request changed and flash every reason the domain gave."""
    db.session.rollback()
    for reason in words(error.refusals):
        flash(reason, "error")
