"""Danish words as a search engine sees them: the same stems on SQLite as on PostgreSQL.

PostgreSQL's ``danish`` text-search configuration is the Snowball Danish stemmer with the Snowball
Danish stop words. SQLite's FTS5 has no Danish stemmer, so the app stems in Python with the same
algorithm (the ``snowballstemmer`` package, pure Python) before it writes to the FTS5 table and
before it searches it: "forældremøde", "forældremøder" and "forældremøderne" all become
"forældremød" on both databases. Plain FTS5 prefix queries were the alternative; they find
"forældremøderne" from "forældremøde" but not "forældremøde" from "forældremøderne", nor
"forældrerådet" from "forældrerådene", so stemming it is (prefix matching is kept on top, on
both databases, so a stem also finds its compounds, e.g. "forældremød" → "forældremødeplan").
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

# Snowball's Danish stop list, as PostgreSQL ships it (tsearch_data/danish.stop).
_SNOWBALL_DANISH_STOP = """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om
    vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her
    alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit
    også under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive
    mange ad bliver hendes været thi jer sådan"""
STOP_WORDS = frozenset(_SNOWBALL_DANISH_STOP.split())
_WORD = re.compile(r"[^\W_]+")
# A query is cut at this many words: enough for any real search, and a bound on the SQL.
MAX_QUERY_WORDS = 12


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer("danish")


def words(text: str) -> list[str]:
    """The words of a text in lower case, without punctuation."""
    return _WORD.findall(text.casefold())


def stems(text: str) -> list[str]:
    """Every word of the text as its Danish stem, stop words left out (what the index holds)."""
    stemmer = _stemmer()
    return [stemmer.stemWord(w) for w in words(text) if w not in STOP_WORDS]


def query_words(text: str) -> list[str]:
    """A search's words, each once, in order, stop words left out."""
    unique = dict.fromkeys(w for w in words(text) if w not in STOP_WORDS)
    return list(unique)[:MAX_QUERY_WORDS]


def fts5_match(query: list[str]) -> str:
    """An FTS5 MATCH expression: every word's stem must occur, as a word or a word's start."""
    stemmer = _stemmer()
    return " AND ".join(f'"{stemmer.stemWord(w)}"*' for w in query)


def tsquery(query: list[str]) -> str:
    """The same query for PostgreSQL's ``to_tsquery('danish', …)``, which stems each word itself
    (the words hold letters and digits only, so nothing in them is tsquery syntax)."""
    return " & ".join(f"{w}:*" for w in query)
