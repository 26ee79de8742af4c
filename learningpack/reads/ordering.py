"""Small text helpers: Danish sorting where the database cannot do it (SQLite)."""

from __future__ import annotations

# Danish alphabet: … x y z æ ø å. Map the letters after z to code points after "z".
_DANISH = str.maketrans(
    {"æ": "z{", "ä": "z{", "ø": "z|", "ö": "z|", "å": "z}", "é": "e", "ü": "y", "á": "a"}
)


def danish_key(value: str) -> str:
    """A sort key that orders strings as a Danish reader expects (Å last, after Æ and Ø)."""
    return value.casefold().replace("aa", "å").translate(_DANISH)
