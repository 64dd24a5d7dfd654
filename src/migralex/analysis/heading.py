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

The jurisdiction outweighs the people's nationality: a country that opens the title (``Liban :
…``, ``إيطاليا: …``, ``Marocains d'Italie : …``, the place last in that lead; a watched country
there wins, as the North African party of ``Maroc–Espagne : …``) and a country named as the
owner of a state institution (``Cour de cassation française``, ``محكمة
التمييز الأردنية``, ``the Spanish Supreme Court``, ``loi espagnole``, ``القانون الأردني``) are
not damped as foreign and count more than nationality words: a Spanish ruling about Moroccans
is Spanish, while a Moroccan circular naming Spain keeps its Moroccan institutions and numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import takewhile

from migralex.analysis import thesaurus
from migralex.analysis.terms import name_terms
from migralex.common.text import ARABIC_RE

WATCHED = {"MA", "TN", "LY", "EG", "INT"}
_OPENING_TERMS = 3  # a type cue must start within the first words of the heading
_TITLE_WEIGHT = 3.0
_FOREIGN_FACTOR = 0.5
# A country named as a state institution's owner ("loi espagnole", "the Spanish Supreme Court",
# "القانون الأردني") counts this much per mention, watched or not (not damped as foreign).
_STATE_WEIGHT = 2.0
# The country of a short lead closing on ":" or a dash that opens the title: "Liban : …",
# "قطر: …", "Marocains d'Italie : …", "Tribunal de Milan — …" (see country_scores).
_LEAD_WEIGHT = 4.0
_LEAD = (re.compile(r"^([^:]{2,90}?)\s*:"), re.compile(r"^(.{2,90}?)\s[-–—]\s"))
_LEAD_MAX_TERMS = 8
# The nouns of a state's own legal institutions and acts: its courts, judges, laws, codes,
# decrees, ministries and parliament. French and Arabic put the country after the noun ("Cour
# de cassation française", "محكمة التمييز الأردنية", "loi espagnole"), English before it ("the
# Spanish Supreme Court", "Italian law"). Its government, authorities or police are left out:
# a watched country's text often reports cooperating with them ("بتنسيق مع السلطات السودانية").
_STATE_NOUNS = (
    "cour tribunal tribunaux juge juges conseil ministere ministre ministres parlement senat "
    "assemblee loi lois code decret decrets arrete circulaire justice prefecture prefet "
    "constitution defenseur mediateur "
    "court courts tribunal judge judges council ministry minister parliament senate assembly "
    "law laws act code decree regulation justice constitution ombudsman prosecutor "
    "محكمه محاكم قاضي قضاء نيابه مجلس وزاره وزير برلمان قانون قوانين مرسوم قرار دستور"
)
_MISSIONS = "consulat consulats ambassade consulate consulates embassy قنصليه سفاره"
_NOUN_BEFORE = 3  # fr/ar: the noun within this many terms before the country
# en: the noun within this many terms after the country ("Spanish Supreme Court"), no article
# between ("sailed for Italy; the court noted" names no Italian court).
_NOUN_AFTER = 2
_ARTICLES = frozenset({"the", "a", "an", "and", "or", "of", "to", "for", "in", "on", "by", "with"})
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
    lead_terms: list[str] | None = None,
) -> Counter:
    index = thesaurus.country_index()
    scores: Counter = Counter()
    state: Counter = Counter()
    for terms, weight in ((title_terms, _TITLE_WEIGHT), (body_terms, 1.0)):
        for code, of_state in _state_mentions(index, terms):
            (state if of_state else scores)[code] += weight
    for code in list(scores):
        if code not in WATCHED:
            scores[code] *= _FOREIGN_FACTOR
    for code, weight in state.items():
        scores[code] += _STATE_WEIGHT * weight
    # The first watched country in the lead is the text's (a bilateral "Maroc–Espagne :" takes
    # the North African party); else the last country named, the place ("Marocains d'Italie").
    # International bodies that open the title ("Comité des droits de l'enfant : … la Tunisie")
    # are left to the INT rule of country_from, and a consulate or embassy is its sending
    # state's ("القنصلية العامة للمملكة ببرشلونة": Morocco's consulate in Barcelona).
    lead = [code for code in _mentions(index, lead_terms or []) if code != "INT"]
    # A lead that is just a country's name is that country even where the bare name is no cue in
    # running text ("قطر: …", the Arabic قطر also being "the country" or "diameter").
    named = _labels().get(tuple(lead_terms or ()))
    lead = [named] if named else lead
    if lead and not _missions() & set(lead_terms or []):
        watched = [code for code in lead if code in WATCHED]
        scores[watched[0] if watched else lead[-1]] += _LEAD_WEIGHT
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


def title_lead(title: str | None) -> str | None:
    """The short lead that opens a title and closes on ":" or a dash (``Liban``, ``قطر``,
    ``Tribunal de Milan``), or None."""
    for pattern in _LEAD:
        match = pattern.match(title or "")
        if match:
            return match.group(1) if len(match.group(1).split()) <= _LEAD_MAX_TERMS else None
    return None


@lru_cache(maxsize=1)
def _labels() -> dict[tuple[str, ...], str]:
    """Each country's name in each language, as terms (``قطر``, ``Liban``, ``Italy``)."""
    return {
        tuple(name_terms(name)): country["code"]
        for country in thesaurus.countries()
        if country["code"] != "INT"
        for name in country.get("label", {}).values()
    }


@lru_cache(maxsize=1)
def _missions() -> frozenset[str]:
    return frozenset(name_terms(_MISSIONS))


@lru_cache(maxsize=1)
def _state_nouns() -> frozenset[str]:
    return frozenset(name_terms(_STATE_NOUNS))


def _state_mentions(index, terms: list[str]):
    """(country, named as a state institution's owner) for each cue mention."""
    nouns = _state_nouns()
    for position, end, code in _spans(index, terms):
        before = terms[max(0, position - _NOUN_BEFORE) : position]
        # Arabic puts the country after the noun only: "المغاربة وفق القانون الإسباني" is
        # Spanish law, not a Moroccan one.
        after = [] if ARABIC_RE.search(terms[position]) else terms[end : end + _NOUN_AFTER]
        after = list(takewhile(lambda t: t not in _ARTICLES, after))
        # A cue naming the institution itself ("Cour de cassation française") is one too; the
        # international bodies are no state's.
        around = [*before, *terms[position:end], *after]
        yield code, code != "INT" and any(t in nouns for t in around)


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
    for _, _, code in _spans(index, terms):
        yield code


def _spans(index, terms: list[str]):
    """(start, end, country) of each cue mention, the longest cue at each place."""
    hits = sorted(index.find(_unglued(terms, index.by_first)), key=lambda h: (h[0], -len(h[2])))
    end = 0
    for position, code, phrase in hits:
        if position >= end:
            end = position + len(phrase)
            yield position, end, code


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
