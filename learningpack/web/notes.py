"""The note form PUF and a school's leaders share (the thread of notes about a run)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from learningpack.domain.notes import MAX_NOTE
from learningpack.web.forms import Form, free_text, once_field


class NoteForm(Form):
    once = once_field()  # Back + send again sends the note once
    text = free_text(
        _l("Besked"),
        required=_l("Skriv en besked."),
        max_length=MAX_NOTE,
        rows=4,
        description=_l("Ros, et spørgsmål eller et tilbud om hjælp. Skriv ikke om enkelte børn."),
    )
