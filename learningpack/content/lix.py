"""LIX, the Scandinavian readability index (Björnsson): how hard a Danish text is to read.

    LIX = words / sentences + 100 * long words / words

A long word has more than six letters; a sentence ends at ".", "!", "?" or ":" (and at the end
of a paragraph, heading or list item). Rough Danish bands: under 25 very easy, 25–34 easy,
35–44 medium (newspapers), 45–54 hard, 55 and above very hard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+[\"'»”)]*(?=\s|$)")
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
LONG_WORD = 6  # a word with more letters than this is long


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        """The LIX of the text (0 for a text without words)."""
        if not self.words:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def blocks(markdown: str) -> list[str]:
    """The plain text of each block (paragraph, heading, list item, cell) of a Markdown text."""
    out: list[str] = []
    for token in _markdown.parse(markdown):
        if token.type != "inline":
            continue
        text = "".join(
            c.content if c.type in ("text", "code_inline") else " "
            for c in token.children or []
            if c.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        if text.strip():
            out.append(" ".join(text.split()))
    return out


def readability(markdown: str) -> Readability:
    """Count words, sentences and long words of a Markdown text."""
    words = sentences = long_words = 0
    for block in blocks(markdown):
        found = _WORD.findall(block)
        if not found:
            continue
        words += len(found)
        long_words += sum(1 for w in found if len(re.sub(r"[-'’]", "", w)) > LONG_WORD)
        ends = list(_SENTENCE_END.finditer(block))
        finished = bool(ends) and ends[-1].end() == len(block)
        sentences += len(ends) + (0 if finished else 1)
    return Readability(words, max(sentences, 1), long_words)


def lix(markdown: str) -> float:
    """The LIX of a Markdown text."""
    return readability(markdown).lix
