"""Cross-lingual query expansion through the team's thesaurus (data/thesaurus/themes.toml).

When the words of a query contain a theme's label or one of its keywords in one language (after
analysis, so "travailleurs domestiques" matches "travailleur domestique"), the query also looks
for that theme's label and main keywords in the two other languages. Backends rank these
expansion matches below exact-language matches.

Concepts: an index may also store, for each document, which of those expressions occur in its
terms, as one concept term per theme and language (``domestic-work@ar``, see
:func:`document_concepts`). Looking for ``Expansion.concepts`` in such an index finds exactly the
documents that looking for ``Expansion.phrases`` finds, with one term query per language instead
of a phrase query per expression (14 to 18 of them over frequent words, whose positions the
engine must read for every candidate). :func:`thesaurus_fingerprint` changes with the
expressions, so that an index of older concepts is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
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
    # The same search as concept terms ("theme@lang", one per other language): an index that
    # stores document_concepts() looks for these instead of the phrases.
    concepts: tuple[str, ...] = ()


def concept_term(theme: str, lang: str) -> str:
    return f"{theme}@{lang}"


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
        others = tuple(other for other in LANGS if other != lang)
        phrases: list[tuple[str, ...]] = []
        for other in others:
            for terms in _expression_terms(theme, other):
                if terms not in phrases:
                    phrases.append(terms)
        concepts = tuple(concept_term(theme, other) for other in others)
        out.append(Expansion(theme, text, tuple(phrases), concepts))
    return out


def _expression_terms(theme: str, lang: str) -> list[tuple[str, ...]]:
    """Analysed term sequences an expansion to ``theme`` looks for in ``lang``."""
    return _expressions_analysed().get((theme, lang), [])


@lru_cache(maxsize=1)
def _expressions_analysed() -> dict[tuple[str, str], list[tuple[str, ...]]]:
    # The label and the first keywords: the core expressions (see KEYWORDS_PER_LANGUAGE).
    _, expressions = _thesaurus()
    out: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for theme, per_lang in expressions.items():
        for lang, items in per_lang.items():
            seqs = [tuple(text_terms(expr, lang)) for expr in items[: KEYWORDS_PER_LANGUAGE + 1]]
            out[(theme, lang)] = [seq for seq in dict.fromkeys(seqs) if seq]
    return out


# --- concepts: the expressions found in a document's terms, at indexing time ----------------


# An expression as document_concepts looks for it: (its distinct terms, " a b c " (its terms
# space-joined and padded, as found in a document's joined terms), its concept term).
_Needle = tuple[frozenset[str], str, str]


@lru_cache(maxsize=1)
def _needles() -> tuple[frozenset[str], dict[str, tuple[_Needle, ...]]]:
    """(every term of every expression, first term -> the expressions starting with it)."""
    by_first: dict[str, list[_Needle]] = {}
    for (theme, lang), sequences in _expressions_analysed().items():
        concept = concept_term(theme, lang)
        for terms in sequences:
            needle = (frozenset(terms), f" {' '.join(terms)} ", concept)
            by_first.setdefault(terms[0], []).append(needle)
    vocabulary = frozenset(t for needles in by_first.values() for n in needles for t in n[0])
    return vocabulary, {first: tuple(needles) for first, needles in by_first.items()}


def document_concepts(terms: list[str], joined: str | None = None) -> Counter[str]:
    """Concept terms of a document whose analysed terms are ``terms`` (``joined``: the same
    joined by single spaces, when the caller has it): how often each concept's expressions occur.

    The match is the one of a phrase query on the terms: consecutive equal terms. Indexing can
    afford it (Zipf: most documents hold dozens of thesaurus words) because the per-term work is
    C-level: one set intersection finds which thesaurus terms occur; only the expressions made
    of those are then counted, as substrings of the joined terms."""
    vocabulary, by_first = _needles()
    found: Counter[str] = Counter()
    present = vocabulary.intersection(terms)
    if not present:
        return found
    padded = f" {joined if joined is not None else ' '.join(terms)} "
    # In sorted order, not the set's: the concepts' order becomes their positions in the
    # PostgreSQL vector, which must not change with the process's string hash seed.
    for first in sorted(present):
        for needle_terms, text, concept in by_first.get(first, ()):
            if needle_terms <= present:
                n = padded.count(text)
                if n:
                    found[concept] += n
    return found


@lru_cache(maxsize=1)
def thesaurus_fingerprint() -> str:
    """Changes when the expressions :func:`document_concepts` looks for change."""
    digest = hashlib.sha256()
    for (theme, lang), sequences in sorted(_expressions_analysed().items()):
        digest.update(f"{theme}\t{lang}\t{sequences!r}\n".encode())
    return digest.hexdigest()[:16]
