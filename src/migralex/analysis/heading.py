"""Document type and country from the heading, the wording and the references (rules).

The type is the cue (``doc_types.toml``) that opens the heading: ``Dahir portant promulgation
de la loi …`` is a dahir, ``Décret n° 2-09-607 pris pour l'application de la loi …`` a decree.
When no cue opens the heading the caller falls back on the statistical model.

The country adds up cues (``countries.toml``: names, adjectives, institutions, gazettes, forms
of acts, currencies, places), title cues counting more, with the gazette and the form of the
references as strong evidence. Official numbering differs by country (see
``../shared/reference-facts.md``): a dahir and ``02-03`` / ``2-09-607`` numbers are Moroccan,
``عدد N لسنة YYYY`` is Tunisian, ``رقم N لسنة YYYY`` is Egyptian and ``رقم (N) لسنة YYYY``, with
the number in brackets, Libyan. The four watched countries and INT outweigh foreign countries
merely mentioned: a Moroccan text about Senegalese migrants is Moroccan.
"""

from __future__ import annotations

import re
from collections import Counter

from migralex.analysis import thesaurus

WATCHED = {"MA", "TN", "LY", "EG", "INT"}
_OPENING_TERMS = 3  # a type cue must start within the first words of the heading
_TITLE_WEIGHT = 3.0
_FOREIGN_FACTOR = 0.5
# Moroccan royal acts are numbered <kind>-<year>-<n>: 1-… dahirs, 2-… decrees.
_MOROCCAN_DECREE = re.compile(r"[12]-\d\d-\d{1,4}")
# Moroccan laws are <n>-<yy> (02-03, 103-13; "رقم 02.03" in Arabic); Tunisian ones put a
# four-digit year first, Egyptian and Libyan ones read "n of yyyy".
_MOROCCAN_LAW = re.compile(r"\d{2,3}-\d\d")
# "n لسنة yyyy" as written in Arabic (not a "2/2023" circular number). In English or French,
# "Law No. 47 of 2017" is how any country's law is translated.
_NUMBER_OF_YEAR = re.compile(r"(?:لسنة|للسنة|لعام)\s*\d{4}$")
# Arabic glues one-letter prepositions to names (بتونس "in Tunis", لمصر, كالمغرب): the analyser
# strips only the article forms.
_GLUED = "بلكف"
_INTERNATIONAL_TYPES = {"international-convention", "protocol"}


def doc_type_from_heading(heading_terms: list[str]) -> tuple[str | None, int]:
    """(type, how many terms the cue spans) of the cue opening the heading, or (None, 0)."""
    best: tuple[int, int, str] | None = None
    for position, label, phrase in thesaurus.doc_type_index().find(heading_terms):
        if position > _OPENING_TERMS or label == "other":
            continue
        key = (position, -len(phrase), label)
        if best is None or key < best:
            best = key
    if best is None:
        return None, 0
    return best[2], -best[1]


def doc_type_cues(terms: list[str]) -> Counter:
    """How often each type's cues occur (model features)."""
    return Counter(label for _, label, _ in thesaurus.doc_type_index().find(terms))


def country_scores(
    title_terms: list[str],
    body_terms: list[str],
    *,
    gazette_country: str | None = None,
    references: list[dict] | None = None,
    doc_type: str | None = None,
) -> Counter:
    index = thesaurus.country_index()
    scores: Counter = Counter()
    for code in _mentions(index, title_terms):
        scores[code] += _TITLE_WEIGHT
    for code in _mentions(index, body_terms):
        scores[code] += 1.0
    for code in list(scores):
        if code not in WATCHED:
            scores[code] *= _FOREIGN_FACTOR
    if gazette_country:
        scores[gazette_country] += 5.0
    for ref in references or []:
        if ref["type"] == "dahir" or _MOROCCAN_DECREE.fullmatch(ref["number"]):
            scores["MA"] += 2.0
        elif ref["type"] == "law" and _MOROCCAN_LAW.fullmatch(ref["number"]):
            scores["MA"] += 1.0
        elif "عدد" in ref.get("text", ""):
            scores["TN"] += 2.0
        elif _NUMBER_OF_YEAR.search(ref.get("text", "")):
            scores["LY" if "(" in ref["text"] else "EG"] += 1.0
    if doc_type in _INTERNATIONAL_TYPES:
        scores["INT"] += 2.0
    return scores


def _unglued(terms: list[str], firsts: dict) -> list[str]:
    """Terms with a glued preposition taken off a name (``بتونس`` → ``تونس``), and the ``ل`` of
    a name put back where ``لل`` was read as the article (``لليبيا`` → ``يبيا`` → ``ليبيا``)."""
    out = []
    for term in terms:
        if term not in firsts:
            if len(term) > 3 and term[0] in _GLUED and term[1:] in firsts:
                term = term[1:]
            elif "ل" + term in firsts:
                term = "ل" + term
        out.append(term)
    return out


def _mentions(index, terms: list[str]):
    """The country of each cue mention, the longest cue at each place: ``جمهورية مصر العربية``
    is one mention of Egypt, not also ``مصر``; ``مسار الرباط`` (the Rabat Process) is not Rabat."""
    hits = sorted(index.find(_unglued(terms, index.by_first)), key=lambda h: (h[0], -len(h[2])))
    end = 0
    for position, code, phrase in hits:
        if position >= end:
            yield code
            end = position + len(phrase)


def country_from(scores: Counter) -> str | None:
    """The best-supported country, or None when the evidence is too thin. International bodies
    are often named in national texts (a UN committee's observations *on Morocco*): a watched
    country with at least half INT's evidence is the text's country."""
    if not scores:
        return None
    code, score = scores.most_common(1)[0]
    if score < 1.0:
        return None
    if code == "INT":
        national = [(s, c) for c, s in scores.items() if c in WATCHED and c != "INT"]
        if national and max(national)[0] >= 0.5 * score:
            return max(national)[1]
    return code
