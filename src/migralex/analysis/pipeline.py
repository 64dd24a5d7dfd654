"""``analyse_text``: the pure analyser behind ``migralex analyze`` and ``analyse_version``.

Pure means: no database, no network, no Django settings needed. It reads only package data
files (thesaurus, trained model), so ``migralex analyze`` works on a fresh machine with an
empty data dir. The result is the JSON contract of issue 4 (without ``id``, which the caller
adds), plus ``languages`` (all watched languages with a real share of the text),
``identifiers`` (the text's own official numbers), ``theme_sources`` (rules or
model, per accepted theme) and ``model_version``.
"""

from __future__ import annotations

import re

from migralex.analysis import dates as dates_mod
from migralex.analysis import gazette as gazette_mod
from migralex.analysis import heading, model
from migralex.analysis import references as references_mod
from migralex.analysis.classify import classify
from migralex.analysis.features import view
from migralex.analysis.language import detect_language, script_counts
from migralex.analysis.relations import extract_relations
from migralex.analysis.terms import name_terms
from migralex.common.text import clean

_FILE_NAME = re.compile(r"^\S+\.(?:pdf|html?|txt|docx?|odt|xml|json|rtf)$", re.IGNORECASE)


def usable_title(title: str | None) -> str | None:
    """A document title worth reading as a heading: not empty, not a bare file name nor a URL
    (the ingestion may title a document after its file until the text says better)."""
    title = (title or "").strip()
    if not title or _FILE_NAME.match(title) or title.startswith(("http://", "https://")):
        return None
    return title


# Bounded work on long texts: the heading and first pages decide type, country, themes; the
# references, dates and relations are read from a prefix large enough for a long law's
# preamble and amending articles. A 300-page law thus costs what ~70 pages cost.
BODY_CHARS = 200_000
COUNTRY_CHARS = 10_000
LANGUAGES_CHARS = 8000
_ARABIC_LETTERS = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f]+"
)  # country cues are read in the first pages
_OWN_REF_START = 60  # the text's own number sits at the start of its heading
_MODEL_TYPE_MIN_PROB = 0.3
_ACT_TYPES = {"law", "dahir", "decree", "order", "circular"}
# Without an explicit cue the model's guess (wording, currencies, institutions' usual names)
# is used only when it is clear; otherwise the country stays unknown (null).
_MODEL_COUNTRY_MIN_PROB = 0.5
_PROMULGATES = re.compile(
    r"portant\s+promulgation\s+d[eu]|promulgating|بتنفيذ|بإصدار", re.IGNORECASE
)


def first_line(text: str, limit: int = 300) -> str | None:
    for line in text.split("\n"):
        line = line.strip()
        if len(line) >= 3:
            return line[:limit]
    return None


def _own_references(refs: list[dict], combined: str) -> list[dict]:
    """The text's own numbers: a reference opening the heading, and for a promulgating dahir
    the law it promulgates (the law's text is the dahir's content)."""
    own: list[dict] = []
    if refs and refs[0]["start"] <= _OWN_REF_START:
        own.append(refs[0])
        if refs[0]["type"] == "dahir" and len(refs) > 1:
            between = combined[refs[0]["end"] : refs[1]["start"]]
            if len(between) < 120 and _PROMULGATES.search(between):
                own.append(refs[1])
    return own


def _languages(body: str, main: str | None) -> list[str]:
    """Watched languages with a real share of the text: a bilingual Arabic/French text (common
    in Moroccan and Tunisian official texts) lists both, main language first."""
    arabic, latin = script_counts(body[:LANGUAGES_CHARS])
    total = arabic + latin
    if not main or not total or min(arabic, latin) / total < 0.15:
        return [main] if main else []
    if main == "ar":
        latin_part = _ARABIC_LETTERS.sub(" ", body[:LANGUAGES_CHARS])
        return ["ar", detect_language(latin_part) or "fr"]
    return [main, "ar"]


def _model_choice(probs: dict | None, minimum: float) -> str | None:
    if not probs:
        return None
    best, p = max(probs.items(), key=lambda item: item[1])
    return best if p >= minimum else None


def _doc_type(v, title: str | None, classified: dict, own: list[dict]) -> str:
    if v.opening_type:
        return v.opening_type
    # A heading that opens with an act's name ("مرسوم بإعادة تنظيم …", "Arrêté fixant …") is
    # that act even without a number.
    opening = references_mod.opening_type(title or "")
    if opening in _ACT_TYPES:
        return opening
    best = _model_choice(classified.get("doc_type_probs"), _MODEL_TYPE_MIN_PROB)
    if best:
        return best
    if own and own[0]["type"] in ("law", "dahir", "decree", "order", "circular"):
        return own[0]["type"]
    return "other"


_CURRENT = object()


def analyse_text(text: str, title: str | None = None, *, classifier=_CURRENT) -> dict:
    """Analyse one text (and its title when known) into the contract's fields.

    ``classifier``: the model to use (default: the current one; ``None``: rules only)."""
    body = clean(text or "")[:BODY_CHARS]
    title = clean(title) if title else first_line(body)
    # References, dates and relations are read in the title too (it often carries the number)
    # unless the body already starts with it.
    combined = body if (not title or body.startswith(title)) else f"{title}\n\n{body}"
    language = detect_language(body, title)
    languages = _languages(body, language)

    refs = references_mod.extract_references(combined)
    own = _own_references(refs, combined)
    own_keys = {(r["type"], r["number"]) for r in own}
    found_dates = dates_mod.extract_dates(combined, own[0]["end"] if own else None)
    gazettes = gazette_mod.extract_gazettes(combined)

    v = view(title, body, language)
    classified = classify(v, model.current() if classifier is _CURRENT else classifier)
    doc_type = _doc_type(v, title, classified, own)
    scores = heading.country_scores(
        name_terms(title or ""),
        name_terms(body[:COUNTRY_CHARS]),
        gazette_country=next((g["country"] for g in gazettes if g["country"]), None),
        references=refs,
        doc_type=doc_type,
        lead_terms=name_terms(heading.title_lead(title) or ""),
    )
    country = heading.country_from(scores) or _model_choice(
        classified.get("country_probs"), _MODEL_COUNTRY_MIN_PROB
    )
    gazette = gazette_mod.gazette_name_for(gazettes[0], country) if gazettes else None

    return {
        "language": language,
        "languages": languages,
        "title": title,
        "doc_type": doc_type,
        "country": country,
        "relevant": classified["relevant"],
        "relevance": classified["relevance"],
        "themes": [{"id": t["id"], "score": t["score"]} for t in classified["themes"]],
        "references": references_mod.public(refs),
        "dates": dates_mod.public(found_dates),
        "gazette": gazette_mod.public(gazette),
        "relations": extract_relations(combined, refs, own_keys),
        "identifiers": references_mod.public(own),
        "theme_sources": {t["id"]: t["by"] for t in classified["themes"]},
        "model_version": classified["model_version"],
    }
