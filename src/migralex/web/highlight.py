"""Highlighting of search terms in a document's text, matched the way search matches them.

A word of the text is marked when one of its index terms (``common.text.analyze``: cleaned,
folded, stemmed) equals a term of a query word, so ``travailleurs`` lights up for ``travailleur``
and ``الأجانب`` for ``الاجانب`` exactly as search found them. Everything else is escaped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from migralex.common.text import analyze

# Field filters (country:MA), exclusions (-word) and the OR operator are not words to mark.
_NOT_WORDS = re.compile(r"(?:^|\s)(?:-\S+|\w+:\S+|OR)(?=\s|$)")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_CHARS = 400_000  # beyond this the text is shown without marks (a 300-page law is ~1 MB)


def query_terms(q: str, lang: str | None = None) -> frozenset[str]:
    """Index terms of the words of ``q`` worth highlighting."""
    words = _NOT_WORDS.sub(" ", q or "").replace('"', " ").replace("*", " ")
    terms: set[str] = set()
    for word in _WORD.findall(words):
        if len(word) > 1:
            terms.update(analyze(word, lang))
    return frozenset(terms)


@lru_cache(maxsize=50_000)
def _word_terms(word: str, lang: str | None) -> frozenset[str]:
    return frozenset(analyze(word, lang))


def highlight(text: str, q: str, lang: str | None = None) -> SafeString:
    """``text`` as escaped HTML with ``<mark>`` around the words that match ``q``."""
    terms = query_terms(q, lang)
    if not terms or len(text) > MAX_CHARS:
        return mark_safe(escape(text))  # noqa: S308 - escaped
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if _word_terms(match.group(), lang) & terms:
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped
