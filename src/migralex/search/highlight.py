"""Snippets: the passage of a document that best shows why it matched, as safe HTML.

A word is marked when its analysed terms (the same analysis as the index) are among the query's
terms, so ``travailleurs`` is marked for a query ``travail`` and ``األجانب`` for ``الأجانب``. The
output is the text HTML-escaped, with ``<mark>`` around matches and nothing else.
"""

from __future__ import annotations

import re
from html import escape

from migralex.common.text import ARABIC_RE
from migralex.search.analysis import _MEMO, word_terms

WINDOW_WORDS = 32
CONTEXT_BEFORE = 6
MAX_MATCHES = 200
FALLBACK_CHARS = 240
_WORD = re.compile(r"\w+")


def _lang(lang: str | None) -> str:
    return lang if lang in ("fr", "en") else "fr"


def snippet(
    text: str, terms: set[str], prefixes: tuple[str, ...] = (), lang: str | None = None
) -> str:
    """Safe HTML of the best passage of ``text`` for ``terms``; the opening when none matches."""
    if not text:
        return ""
    latin = _lang(lang)
    spans: list[tuple[int, int]] = []
    matches: list[tuple[int, str]] = []  # (word index, term)
    memo = _MEMO
    for m in _WORD.finditer(text):
        word = m.group().casefold()
        found = memo.get((word, latin))
        if found is None:
            found = word_terms(word, latin)
        index = len(spans)
        spans.append(m.span())
        for term in found:
            if term in terms or (prefixes and term.startswith(prefixes)):
                matches.append((index, term))
                break
        if len(matches) >= MAX_MATCHES:
            break
    if not matches:
        return _opening(text)
    start = _best_window(matches)
    first = max(0, start - CONTEXT_BEFORE)
    last = min(len(spans), first + WINDOW_WORDS) - 1
    # Extend the last word to the end of the text when the scan stopped early.
    marked = {i for i, _ in matches if first <= i <= last}
    begin, end = spans[first][0], spans[last][1]
    out = ["… " if begin > 0 else ""]
    cursor = begin
    for i in range(first, last + 1):
        s, e = spans[i]
        if i in marked:
            out.append(escape(text[cursor:s]))
            out.append(f"<mark>{escape(text[s:e])}</mark>")
            cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(" …")
    return "".join(out).replace("\n", " ")


def _best_window(matches: list[tuple[int, str]]) -> int:
    """Word index starting the window with the most distinct matched terms (then most matches)."""
    best, best_key = matches[0][0], (0, 0)
    for a, (start, _) in enumerate(matches):
        distinct: set[str] = set()
        count = 0
        for index, term in matches[a:]:
            if index - start >= WINDOW_WORDS - CONTEXT_BEFORE:
                break
            distinct.add(term)
            count += 1
        key = (len(distinct), count)
        if key > best_key:
            best, best_key = start, key
    return best


def _opening(text: str) -> str:
    cut = text[:FALLBACK_CHARS]
    if len(text) > FALLBACK_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " …"
    return escape(cut).replace("\n", " ")


def direction(text: str) -> str:
    """ "rtl" when most letters of ``text`` are Arabic, for the UI's ``dir`` attribute."""
    letters = [ch for ch in text[:400] if ch.isalpha()]
    if not letters:
        return "ltr"
    arabic = sum(1 for ch in letters if ARABIC_RE.match(ch))
    return "rtl" if arabic * 2 > len(letters) else "ltr"
