"""Snippets: the passage of a document that best shows why it matched, as safe HTML.

A word is marked when its analysed terms (the same analysis as the index) are among the query's
terms, so ``travailleurs`` is marked for a query ``travail`` and ``األجانب`` for ``الأجانب``. The
output is the text HTML-escaped, with ``<mark>`` around matches and nothing else.

Speed: analysing every word of 20 documents per page would cost more than the search itself.
So one regular expression first finds *candidate* words (those containing the start of a query
stem, accent- and alef-insensitive), and only those are analysed to confirm the match. The
expression holds only the stems of the scripts present in the text, and the scan stops after
``MAX_MATCHES`` matches or ``SCAN_AFTER_FIRST_CHARS`` past the first one (long texts, frequent
words). Measured alternative: a memo of space-separated piece -> terms gives the same snippets
but costs more per document (memory-bound lookups) on this machine.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from migralex.search.analysis import word_terms

WINDOW_CHARS = 220
CONTEXT_BEFORE_CHARS = 50
MAX_MATCHES = 24
SCAN_AFTER_FIRST_CHARS = 3000
FALLBACK_CHARS = 240
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Letters a folded stem letter may stand for in the original text.
_VARIANTS = {
    "a": "aàâäáãåAÀÂÄÁÃÅ",
    "c": "cçCÇ",
    "e": "eéèêëEÉÈÊË",
    "i": "iîïíìyIÎÏÍÌY",
    "o": "oôöóòœOÔÖÓÒŒ",
    "u": "uùûüúUÙÛÜÚ",
    "y": "yÿiYŸI",
    "n": "nñNÑ",
    "ا": "اأإآٱء",
    "ي": "يىئ",
    "ه": "هة",
    "و": "وؤ",
}


def _char_class(ch: str) -> str:
    variants = _VARIANTS.get(ch)
    if variants:
        return "[" + re.escape(variants) + "]"
    if ch.isalpha() and ch.upper() != ch:
        return "[" + re.escape(ch + ch.upper()) + "]"
    return re.escape(ch)


def _letters(ch: str) -> str:
    """The letters ``_char_class(ch)`` matches."""
    variants = _VARIANTS.get(ch)
    if variants:
        return variants
    return ch + ch.upper() if ch.isalpha() and ch.upper() != ch else ch


def _core(stem: str) -> tuple[str, ...]:
    # The start of the stem (all of it when short): stemmers rewrite the last letters.
    return tuple(_char_class(ch) for ch in (stem if len(stem) <= 3 else stem[:-1]))


def _dispatch_pattern(cores: list[tuple[str, ...]], firsts: str) -> str:
    """The pattern of ``_trie_pattern(cores)``, written to start with one character class
    (``[ab](?:(?<=a)…|(?<=b)…)`` for ``a…|b…``): Python's engine then skips in C the positions
    whose letter starts no core, instead of trying every branch at every position (measured:
    a page of snippets for three words 2x faster)."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for core in cores:
        by_first.setdefault(core[0], []).append(core[1:])
    if len(by_first) == 1:
        return _trie_pattern(cores)
    branches = []
    for first, rests in sorted(by_first.items()):
        rest = "" if not all(rests) else _trie_pattern(rests)
        branches.append(f"(?<={first}){rest}")
    return f"[{re.escape(firsts)}](?:{'|'.join(branches)})"


def _trie_pattern(cores: list[tuple[str, ...]]) -> str:
    """One alternation of ``cores`` factored by common start (``a(?:b|c)`` for ``ab|ac``), so
    that the engine tries about one branch per position instead of every core: thesaurus
    expansions bring dozens (p95 of a page's snippets 19 -> 15 ms at 100k documents). A core
    that another one starts with is dropped: it finds no position the shorter one misses, and
    only the positions matter (the word around one is analysed)."""
    tree: dict = {}
    for core in sorted(cores, key=len):
        node = tree
        for part in core:
            if node.get("") is True:
                break  # a shorter core already ends here
            node = node.setdefault(part, {})
        else:
            node.clear()
            node[""] = True

    def emit(node: dict) -> str:
        if node.get("") is True:
            return ""
        branches = [part + emit(child) for part, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(tree)


@lru_cache(maxsize=512)
def _candidate_regex(
    terms: frozenset[str], prefixes: tuple[str, ...], scripts: tuple[bool, bool] = (True, True)
) -> re.Pattern | None:
    """One pattern finding the cores of ``terms`` and ``prefixes``; ``scripts`` says whether the
    text has (Arabic letters, Latin letters): stems of a script the text lacks are left out, as
    the regular expression engine pays for every alternative at every position (thesaurus
    expansions bring dozens of stems in three languages)."""
    has_arabic, has_latin = scripts
    parts = []
    firsts: set[str] = set()
    for stem in sorted(set(terms) | set(prefixes)):
        if not stem:
            continue
        if _ARABIC_LETTER.search(stem):
            if not has_arabic:
                continue
        elif not has_latin and _LATIN_LETTER.search(stem):
            continue
        parts.append(_core(stem))
        firsts.update(_letters(stem[0]))
    if not parts:
        return None
    # Only the cores: the word around a hit is found by hand (a leading \w* would make the
    # engine retry at every letter). Arabic stems may sit behind proclitics (ال، و، ب…), so a
    # core may start inside a word.
    return re.compile(_dispatch_pattern(parts, "".join(sorted(firsts))))


def snippet(
    text: str, terms: set[str], prefixes: tuple[str, ...] = (), lang: str | None = None
) -> str:
    """Safe HTML of the best passage of ``text`` for ``terms``; the opening when none matches."""
    if not text:
        return ""
    scripts = (_ARABIC_LETTER.search(text) is not None, _LATIN_LETTER.search(text) is not None)
    pattern = _candidate_regex(frozenset(terms), tuple(prefixes), scripts)
    if pattern is None:
        return _opening(text)
    latin = lang if lang in ("fr", "en") else "fr"
    matches: list[tuple[int, int, str]] = []  # (start, end, term)
    position = 0
    stop_at = len(text)
    word_end = _WORD_END.match
    for m in pattern.finditer(text):
        start = m.start()
        if start < position:
            continue  # another candidate inside a word already looked at
        if start >= stop_at:
            break
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        end = word_end(text, m.end()).end()
        position = end
        for term in word_terms(text[start:end].casefold(), latin):
            if term in terms or (prefixes and term.startswith(prefixes)):
                if not matches:
                    # Bounded work on long texts: the best passage is looked for in a stretch
                    # after the first match, not in the whole text.
                    stop_at = start + SCAN_AFTER_FIRST_CHARS
                matches.append((start, end, term))
                break
        if len(matches) >= MAX_MATCHES:
            break
    if not matches:
        return _opening(text)
    begin, end = _best_window(text, matches)
    out = ["… " if begin > 0 else ""]
    cursor = begin
    for s, e, _ in matches:
        if s >= begin and e <= end:
            out.append(escape(text[cursor:s]))
            out.append(f"<mark>{escape(text[s:e])}</mark>")
            cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(" …")
    return "".join(out).replace("\n", " ")


_WORD_END = re.compile(r"\w*")


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _best_window(text: str, matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Character span around the matches giving the most distinct terms (then most matches),
    widened to word boundaries."""
    best_start, best_key = matches[0][0], (0, 0)
    for a, (start, _, _) in enumerate(matches):
        distinct: set[str] = set()
        count = 0
        for s, _, term in matches[a:]:
            if s - start > WINDOW_CHARS - CONTEXT_BEFORE_CHARS:
                break
            distinct.add(term)
            count += 1
        if (len(distinct), count) > best_key:
            best_start, best_key = start, (len(distinct), count)
    begin = max(0, best_start - CONTEXT_BEFORE_CHARS)
    if begin:
        space = text.find(" ", begin, best_start)
        begin = space + 1 if space != -1 else best_start
    end = min(len(text), begin + WINDOW_CHARS)
    if end < len(text):
        space = text.rfind(" ", max(begin, end - 40), end)
        # Never cut inside a marked word.
        last_match_end = max((e for s, e, _ in matches if begin <= s < end), default=end)
        end = max(space if space != -1 else end, last_match_end)
    return begin, end


def _opening(text: str) -> str:
    cut = text[:FALLBACK_CHARS]
    if len(text) > FALLBACK_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " …"
    return escape(cut).replace("\n", " ")


def direction(text: str) -> str:
    """ "rtl" when most letters of ``text`` are Arabic, for the UI's ``dir`` attribute."""
    sample = text[:400]
    arabic = len(_ARABIC_LETTER.findall(sample))
    return "rtl" if arabic > len(_LATIN_LETTER.findall(sample)) else "ltr"
