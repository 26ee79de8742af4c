"""The header's notice bell: the logged-in user's unread count, at most one query a request."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from learningpack.domain.notices import unread_count


def unread_notices() -> int:
    """The unread count loaded with the user (session_guard.load_user), else read once."""
    if not current_user.is_authenticated:
        return 0
    loaded = current_user.unread_notices
    if loaded is not None:
        return int(loaded)
    if "unread_notices" not in g:
        g.unread_notices = unread_count(current_user.id)
    return int(g.unread_notices)
