"""Phrase matching on index terms: how thesaurus keywords and cues are found in a text.

A phrase (``titre de séjour``, ``بطاقة الإقامة``) and the text both go through the project's one
analyser (:func:`migralex.common.text.analyze`: clean, fold, stem), so ``titres de séjour``,
``Titre de Séjour`` and ``بطاقات الإقامة`` all meet their keyword. Matching is a dictionary
lookup on the first term then a comparison of the following terms: linear in the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from migralex.analysis.terms import name_terms
from migralex.analysis.terms import terms as analyze


@lru_cache(maxsize=8192)
def phrase_terms(phrase: str, lang: str) -> tuple[str, ...]:
    if lang == "names":
        return tuple(name_terms(phrase))
    return tuple(analyze(phrase, lang))


@dataclass
class PhraseIndex:
    """Phrases grouped by label (a theme id, a doc type, a country code)."""

    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)

    def add(self, phrase: str, label: str, lang: str) -> None:
        terms = phrase_terms(phrase, lang)
        if terms:
            entries = self.by_first.setdefault(terms[0], [])
            if (terms, label) not in entries:
                entries.append((terms, label))

    def find(self, terms: list[str]) -> list[tuple[int, str, tuple[str, ...]]]:
        """(position, label, phrase terms) of every phrase occurrence in ``terms``."""
        hits = []
        for i, term in enumerate(terms):
            for phrase, label in self.by_first.get(term, ()):
                if tuple(terms[i : i + len(phrase)]) == phrase:
                    hits.append((i, label, phrase))
        return hits


def build_index(entries: Iterable[tuple[str, str, str]]) -> PhraseIndex:
    """An index of ``(phrase, label, lang)`` entries."""
    index = PhraseIndex()
    for phrase, label, lang in entries:
        index.add(phrase, label, lang)
    return index


def text_terms(text: str, lang: str | None) -> list[str]:
    return analyze(text, lang)
