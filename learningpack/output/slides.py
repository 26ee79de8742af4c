"""PowerPoint decks (python-pptx) for the school board and for the knowledge-sharing event.

The municipality's board material is PowerPoint today. The decks use python-pptx's default
template (16:9 set here) with a title and a bulleted body per slide, so they open cleanly in
PowerPoint and LibreOffice Impress; titles are real title placeholders (the outline and screen
readers use them). Text comes from the module story (reads/handouts.py): no staff names.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from learningpack.content import get_library
from learningpack.models import SharingEvent
from learningpack.output.labels import ascii_slug, label
from learningpack.reads.cycles import current_run
from learningpack.reads.handouts import ModuleStory, YearReport, year_report
from learningpack.reads.sharing import event_page, school_in_event

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9
TITLE_LAYOUT, BULLETS_LAYOUT = 0, 1
MAX_BULLETS = 7
PPTX_MIMETYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_MARKUP = re.compile(r"[*_`#>]+")


def plain(markdown: str) -> list[str]:
    """Markdown as plain paragraphs (emphasis marks and list bullets dropped)."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", markdown)]
    return [_MARKUP.sub("", p).lstrip("-• ").strip() for p in paragraphs if p.strip()]


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Deck:
    """A deck being built: a title slide, then slides with a title and bullets."""

    def __init__(self) -> None:
        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = WIDTH, HEIGHT

    @staticmethod
    def _place(shape: Any, top: float, height: float) -> None:
        """Put a placeholder across the 16:9 slide (the default template is laid out for 4:3)."""
        shape.left, shape.top = Inches(0.7), Inches(top)
        shape.width, shape.height = WIDTH - Inches(1.4), Inches(height)

    def title(self, title: str, subtitle: str) -> None:
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[TITLE_LAYOUT])
        slide.shapes.title.text = title
        slide.placeholders[1].text = subtitle
        self._place(slide.shapes.title, 1.0, 2.6)
        self._place(slide.placeholders[1], 3.9, 1.2)

    def bullets(self, title: str, lines: Iterable[str], empty: str = "") -> None:
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[BULLETS_LAYOUT])
        slide.shapes.title.text = title
        body = slide.placeholders[1]
        self._place(slide.shapes.title, 0.35, 1.1)
        self._place(body, 1.6, 5.4)
        frame = body.text_frame
        shown = [_short(line) for line in lines if line.strip()][:MAX_BULLETS] or [empty]
        for i, line in enumerate(shown):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(22 if len(shown) < 5 else 18)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.presentation.save(out)
        return out.getvalue()


def _worked_on(story: ModuleStory) -> list[str]:
    return [f"{c.title}: {c.what}" if c.what else c.title for c in story.choices]


def _learned(story: ModuleStory) -> list[str]:
    lines = [
        f"{c.title} ({label('outcome', c.outcome).lower()}): {c.learning}" for c in story.learnings
    ]
    return [*lines, story.learned] if story.learned else lines


def _kept(story: ModuleStory) -> list[str]:
    return [text for text in (story.keep, story.next_steps) if text]


def board_deck(story: ModuleStory, report: YearReport) -> bytes:
    """The board brief of one module, then the school's year, as a PPTX."""
    deck = Deck()
    deck.title(
        _("Til skolebestyrelsen: %(title)s", title=story.module.title),
        f"{story.school.name} · {report.run.year_label}",
    )
    deck.bullets(
        _("Det har personalet arbejdet med"), _worked_on(story), _("Ingen aktioner endnu.")
    )
    deck.bullets(_("Det har vi lært"), _learned(story), _("Opsamlingen er ikke lavet endnu."))
    deck.bullets(_("Det fastholder vi"), _kept(story), _("Opsamlingen er ikke lavet endnu."))
    deck.bullets(_("Til bestyrelsens drøftelse"), plain(story.board.markdown))
    deck.bullets(
        _("Skolens år %(year)s", year=report.run.year_label),
        [
            _(
                "Modul %(pos)d: %(title)s – %(state)s, %(num)d aktioner",
                pos=m.module.position,
                title=m.module.title,
                state=label("cycle_state", m.cycle.state).lower(),
                num=len(m.choices),
            )
            for m in report.modules
        ],
        _("Skolen er ikke gået i gang endnu."),
    )
    return deck.save()


def school_pitch(report: YearReport, event_title: str, learnings: Iterable[str]) -> bytes:
    """A five-minute presentation for the knowledge-sharing event, filled from the school's
    records: what we tried, what we saw, what we keep, and a question for the other schools."""
    stories = report.modules
    deck = Deck()
    deck.title(report.school.name, f"{event_title} · {_('5 minutter')}")
    deck.bullets(
        _("Det prøvede vi"),
        [f"{c.title}: {c.what}" for s in stories for c in s.choices if c.outcome],
        _("Skriv jeres aktion her."),
    )
    deck.bullets(_("Det så vi"), list(learnings), _("Skriv, hvad I så."))
    deck.bullets(_("Det fastholder vi"), [s.keep for s in stories if s.keep], _("Skriv det her."))
    deck.bullets(
        _("Spørgsmål til de andre skoler"),
        [_("Hvad ville I gøre anderledes hos jer?"), _("Hvad kan I bruge på mandag?")],
    )
    return deck.save()


def event_pitch(event: SharingEvent, school_id: int) -> tuple[bytes, str] | None:
    """The school's five-minute presentation for the event and its file name; None unless the
    school has a run and a practice example in the event."""
    run = current_run(school_id)
    if run is None or not school_in_event(event, school_id):
        return None
    page = event_page(event, get_library().package(run.package_slug))
    learnings = [
        f"{e.action_title}: {e.learning}" for e in page.examples if e.school_id == school_id
    ]
    data = school_pitch(year_report(run), event.title, learnings)
    return data, f"oplaeg-{ascii_slug(run.school.name, 'skole')}-{event.id}.pptx"
