"""Cross-lingual query expansion through the team's thesaurus (data/thesaurus/themes.toml).

When the words of a query contain a theme's label or one of its keywords in one language (after
analysis, so "travailleurs domestiques" matches "travailleur domestique"), the query also looks
for that theme's label and main keywords in the two other languages. Backends rank these
expansion matches below exact-language matches.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from migralex.common.text import clean, fold
from migralex.search.analysis import phrase_variants, text_terms
from migralex.search.query import Phrase, Query, Word

logger = logging.getLogger(__name__)
LANGS = ("fr", "en", "ar")
# How many keywords per other language a matched theme contributes: the first ones of each list
# are the core expressions; the long tail would slow queries for little recall.
KEYWORDS_PER_LANGUAGE = 8


@dataclass(frozen=True)
class Expansion:
    theme: str
    matched: str  # the thesaurus entry found in the query, as written there
    phrases: tuple[tuple[str, ...], ...]  # analysed term sequences to look for


@dataclass(frozen=True)
class _Entry:
    terms: tuple[str, ...]
    theme: str
    lang: str
    text: str
    surface: str  # folded text: one-word entries must match it, not only its stem


def _surface_matches(entry: _Entry, word: str) -> bool:
    # Stems of different words collide ("loyer" and "loi" both give "loi"); for a one-word
    # entry the query word must also contain the entry's folded form (less its last letter,
    # for plurals and teh marbuta).
    if len(entry.terms) > 1:
        return True
    core = entry.surface[:-1] if len(entry.surface) > 3 else entry.surface
    return core in word


@lru_cache(maxsize=1)
def _thesaurus() -> tuple[dict[str, list[_Entry]], dict[str, dict[str, list[str]]]]:
    """(first term -> entries, theme -> lang -> [label + keywords]); empty without the file."""
    try:
        from migralex.knowledge.reference_data import read_toml

        data = read_toml("thesaurus/themes.toml")
    except (ImportError, OSError, ValueError) as exc:
        logger.warning("thesaurus unavailable, no cross-lingual expansion: %s", exc)
        return {}, {}
    by_first: dict[str, list[_Entry]] = {}
    expressions: dict[str, dict[str, list[str]]] = {}
    for theme in data.get("theme", []):
        per_lang: dict[str, list[str]] = {}
        for lang in LANGS:
            items = [theme.get("label", {}).get(lang, "")]
            items += list(theme.get("keywords", {}).get(lang, []))
            items = [i for i in dict.fromkeys(items) if i]
            per_lang[lang] = items
            for text in items:
                terms = tuple(text_terms(text, lang))
                if terms:
                    entry = _Entry(terms, theme["id"], lang, text, fold(clean(text)))
                    by_first.setdefault(terms[0], []).append(entry)
        expressions[theme["id"]] = per_lang
    return by_first, expressions


def _query_sequences(query: Query) -> list[list[tuple[set[str], str]]]:
    """Runs of consecutive plain query words (and phrases): each word's terms and folded form."""
    runs: list[list[tuple[set[str], str]]] = [[]]
    for group in query.must:
        atom = group[0]
        if len(group) > 1 or (isinstance(atom, Word) and atom.prefix):
            runs.append([])
            continue
        words = atom.words if isinstance(atom, Phrase) else (atom.text,)
        for word in words:
            options = {seq[0] for seq in phrase_variants((word,)) if len(seq) == 1}
            if options:
                runs[-1].append((options, fold(clean(word))))
    return [run for run in runs if run]


def expansions_for(query: Query) -> list[Expansion]:
    """The thesaurus themes the query names, with what to look for in the other languages."""
    by_first, expressions = _thesaurus()
    if not by_first:
        return []
    found: dict[str, tuple[str, str]] = {}  # theme -> (matched text, lang)
    for run in _query_sequences(query):
        for start, (options, surface) in enumerate(run):
            for term in options:
                for entry in by_first.get(term, ()):
                    n = len(entry.terms)
                    window = run[start : start + n]
                    if (
                        len(window) == n
                        and all(t in w[0] for t, w in zip(entry.terms, window, strict=True))
                        and _surface_matches(entry, surface)
                    ):
                        best = found.get(entry.theme)
                        if best is None or len(entry.text) > len(best[0]):
                            found[entry.theme] = (entry.text, entry.lang)
    out = []
    for theme, (text, lang) in found.items():
        phrases: list[tuple[str, ...]] = []
        for other in LANGS:
            if other == lang:
                continue
            for expr in expressions[theme][other][: KEYWORDS_PER_LANGUAGE + 1]:
                terms = tuple(text_terms(expr, other))
                if terms and terms not in phrases:
                    phrases.append(terms)
        out.append(Expansion(theme=theme, matched=text, phrases=tuple(phrases)))
    return out
