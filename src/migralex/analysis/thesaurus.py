"""The team's thesaurus files, read from package data (no database): themes, types, countries.

Cached phrase indexes are built once per process; they drive the rules and feed the model's
keyword features.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from migralex.analysis.matching import PhraseIndex, build_index

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
LANGS = ("fr", "en", "ar")


@lru_cache(maxsize=8)
def read(name: str) -> dict:
    with (DATA_DIR / "thesaurus" / name).open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=1)
def themes() -> list[dict]:
    return read("themes.toml")["theme"]


@lru_cache(maxsize=1)
def theme_ids() -> list[str]:
    return [theme["id"] for theme in themes()]


def _entries(items: list[dict], key: str, field: str, with_labels: bool):
    for item in items:
        for lang in LANGS:
            phrases = list(item.get(field, {}).get(lang, []))
            if with_labels and item.get("label", {}).get(lang):
                phrases.append(item["label"][lang])
            for phrase in phrases:
                yield phrase, item[key], lang


@lru_cache(maxsize=1)
def theme_index() -> PhraseIndex:
    # Labels are cut at their parenthesis ("Nationalité (acquisition, perte…)") by the analyser
    # producing many terms; only keywords are used, labels are already among them in spirit.
    return build_index(_entries(themes(), "id", "keywords", with_labels=False))


@lru_cache(maxsize=1)
def doc_types() -> list[dict]:
    return read("doc_types.toml")["doc_type"]


@lru_cache(maxsize=1)
def doc_type_index() -> PhraseIndex:
    return build_index(_entries(doc_types(), "id", "cues", with_labels=False))


@lru_cache(maxsize=1)
def countries() -> list[dict]:
    return read("countries.toml")["country"]


@lru_cache(maxsize=1)
def country_index() -> PhraseIndex:
    # Country cues are proper names: matched unstemmed (see terms.name_terms). Labels are not
    # cues: "International" / "دولي" (any international transport) and "مالي" ("financial",
    # not Mali) would be read everywhere; the countries' names are among their cues.
    entries = _entries(countries(), "code", "cues", with_labels=False)
    return build_index((phrase, code, "names") for phrase, code, _ in entries)


def pseudo_documents() -> list[dict]:
    """Labelled examples from the thesaurus: per theme and language, one with its label, scope
    and keywords, then one per keyword. The model then knows every theme in every language even
    where the dev set is thin, and learns each keyword as evidence of its own rather than only
    the bag of them all (which only a text citing many keywords resembles). A lone keyword says
    nothing about relevance: those examples carry themes only. ``source`` marks them for the
    training's weighting (``training.PSEUDO_WEIGHT``)."""
    docs = []
    for theme in themes():
        for lang in LANGS:
            keywords = theme.get("keywords", {}).get(lang, [])
            if not keywords:
                continue
            docs.append(
                {
                    "id": f"thesaurus-{theme['id']}-{lang}",
                    "source": "thesaurus",
                    "lang": lang,
                    "title": theme["label"].get(lang, ""),
                    "text": theme.get("scope", {}).get(lang, "") + "\n" + " ; ".join(keywords),
                    "themes": [theme["id"]],
                    "relevant": True,
                }
            )
            docs.extend(
                {
                    "id": f"thesaurus-{theme['id']}-{lang}-{n}",
                    "source": "thesaurus",
                    "lang": lang,
                    "title": "",
                    "text": keyword,
                    "themes": [theme["id"]],
                }
                for n, keyword in enumerate(keywords, 1)
            )
    return docs
