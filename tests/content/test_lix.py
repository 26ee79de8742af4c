"""LIX (learningpack.content.lix) and the readability of the real parent texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from learningpack.content import load_library
from learningpack.content.lix import Readability, blocks, lix, readability

REAL_CONTENT = Path(__file__).parents[2] / "content"

#: The parent texts are written in easy Danish (short sentences, few long words) so that parents
#: who read Danish as a second language, or through a machine translation, can follow them. On
#: the usual Danish LIX scale under 25 is very easy (children's books) and 25–34 easy (weeklies,
#: fiction); 35–44 is a newspaper. We require the lower half of "easy": LIX below 30.
PARENT_LIX_MAX = 30
PARENT_WORDS = range(100, 151)


def test_lix_formula_by_hand() -> None:
    # 8 words, 2 sentences, 2 long words (> 6 letters: bestyrelsen, forældrene): 4 + 25 = 29.
    text = "I dag mødes bestyrelsen. Alle forældrene er med."
    assert readability(text) == Readability(words=8, sentences=2, long_words=2)
    assert lix(text) == pytest.approx(29.0)


@pytest.mark.parametrize(
    ("text", "words", "sentences", "long_words"),
    [
        ("Jeg er glad. Du er sød!", 6, 2, 0),
        ("Kommer du? Ja: i morgen.", 5, 3, 0),
        ("Ingen punktum til sidst", 4, 1, 1),
        ("# Overskrift\n\nEn linje.", 3, 2, 1),
        ("- første punkt\n- andet punkt", 4, 2, 0),
        ('Hun sagde: "Kom ind." Og så gik vi.', 8, 3, 0),
        ("Skole-hjem-samarbejde er ét ord.", 4, 1, 1),
        ("Der var 24 familier.", 4, 1, 1),
        ("*Fed* og **kursiverede** ord.", 4, 1, 1),
    ],
)
def test_counts(text: str, words: int, sentences: int, long_words: int) -> None:
    assert readability(text) == Readability(words, sentences, long_words)


def test_empty_text_has_lix_zero() -> None:
    assert readability("") == Readability(0, 1, 0)
    assert lix("   \n\n") == 0.0
    assert blocks("...\n\n!") == ["...", "!"]
    assert readability("...") == Readability(0, 1, 0)


def test_long_words_push_lix_up() -> None:
    easy = "Vi ses i dag. Kom glad ind. Alle er med."
    hard = "Forældresamarbejdet understøtter fællesskabsfremmende initiativer systematisk."
    assert lix(easy) < 25 < 55 < lix(hard)


def _parent_texts() -> list[tuple[str, str]]:
    package = load_library(REAL_CONTENT).package("foraeldresamarbejde")
    return [(m.slug, m.section("parents").markdown) for m in package.modules]


@pytest.mark.parametrize(("slug", "text"), _parent_texts())
def test_parent_text_is_short_easy_danish(slug: str, text: str) -> None:
    counted = readability(text)
    assert counted.words in PARENT_WORDS, (slug, counted)
    assert counted.lix < PARENT_LIX_MAX, (slug, round(counted.lix, 1), counted)
    # Short sentences: on average at most 10 words a sentence.
    assert counted.words / counted.sentences <= 10, (slug, counted)


def test_every_module_has_a_board_brief_with_a_question_and_the_principles() -> None:
    package = load_library(REAL_CONTENT).package("foraeldresamarbejde")
    for module in package.modules:
        board = module.section("board").markdown
        assert "Spørgsmål til bestyrelsen:" in board, module.slug
        assert "principper for s" in board, module.slug
        assert board.count("?") >= 1, module.slug
