"""Presentation mode: a module's knowledge input, discussion questions and agenda as slides.

The slides are built here, once, from the shared content and the school's own local questions;
the template shows them one at a time (static/js/slides.js) or, without JavaScript, one after
another as a long page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learningpack.content import Module, get_library
from learningpack.models import Cycle, School

_H3 = re.compile(r"<h3>(.*?)</h3>\s*", re.S)


@dataclass(frozen=True)
class Slide:
    kind: str
    """title, purpose, input, question, local_question, agenda or end."""
    title: str
    html: str = ""
    """Shared content, rendered from the content files (never a user's text)."""
    text: str = ""
    """The school's own text (escaped by the template)."""
    minutes: int = 0
    """The agenda's time for the activity (agenda slides)."""
    number: int = 0
    """The question's number (question slides)."""


@dataclass(frozen=True)
class Presentation:
    school: School
    module: Module
    slides: tuple[Slide, ...]


def input_slides(html: str, fallback_title: str) -> list[Slide]:
    """The knowledge input cut at its subheadings: one slide per ``<h3>`` part."""
    parts = _H3.split(html)
    slides = [Slide("input", fallback_title, html=parts[0])] if parts[0].strip() else []
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        slides.append(Slide("input", title, html=body))
    return slides


def presentation_of(cycle: Cycle) -> Presentation:
    """The module of this school's cycle as slides for the staff meeting."""
    module = get_library().package(cycle.run.package_slug).module(cycle.module_slug)
    purpose = module.section("purpose")
    slides = [
        Slide("title", module.title, text=module.summary),
        Slide("purpose", purpose.title, html=purpose.html),
        *input_slides(module.section("input").html, module.section("input").title),
        *(
            Slide("question", question, number=i)
            for i, question in enumerate(module.discussion_questions, 1)
        ),
        *(
            Slide("local_question", line.strip())
            for line in cycle.local_questions.splitlines()
            if line.strip()
        ),
        *(
            Slide("agenda", step.activity, text=step.how, minutes=step.minutes)
            for step in module.agenda
        ),
        Slide("end", module.title),
    ]
    return Presentation(cycle.run.school, module, tuple(slides))
