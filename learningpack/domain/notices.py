"""In-app notices (placeholder: the real version comes with the notice bell and page)."""

from __future__ import annotations


def post_notice(user_id: int, kind: str, title: str, url: str, key: str) -> bool:
    """Add an in-app notice to the session without committing; idempotent on (user_id, key)."""
    return True
