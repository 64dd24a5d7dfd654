"""Labels of codes in the interface language: countries, languages, types, themes, groups."""

from __future__ import annotations

import time
from functools import lru_cache

from migralex.documents.choices import DocType, LegalStatus
from migralex.documents.models import Theme
from migralex.knowledge.reference_data import (
    country_label,  # noqa: F401 (the thesaurus' names)
    theme_groups,
)

LANGUAGE_NAMES = {
    "fr": {"fr": "français", "en": "French", "ar": "الفرنسية"},
    "ar": {"fr": "arabe", "en": "Arabic", "ar": "العربية"},
    "en": {"fr": "anglais", "en": "English", "ar": "الإنجليزية"},
}


def language_label(code: str, lang: str) -> str:
    return LANGUAGE_NAMES.get(code, {}).get(lang, code)


# Lazy labels: translated when turned into text, so one dict serves every language.
_DOC_TYPES = dict(DocType.choices)
_STATUSES = dict(LegalStatus.choices)


def doc_type_label(code: str) -> str:
    return str(_DOC_TYPES.get(code, code))


def status_label(code: str) -> str:
    return str(_STATUSES.get(code, code))


@lru_cache(maxsize=1)
def _groups() -> tuple[dict, ...]:
    # The groups come from the packaged thesaurus file: parsing it costs ~40 ms, once per process.
    return tuple(theme_groups())


def groups() -> tuple[dict, ...]:
    """[{"id", "label": {fr, ar, en}}] in taxonomy order."""
    return _groups()


_THEMES: dict = {"at": 0.0, "rows": ()}
THEMES_TTL = 300.0  # the thesaurus changes with a data load, not between two page views


def themes() -> tuple[tuple[str, str, dict], ...]:
    """(id, group, label {fr, ar, en}) of every theme in taxonomy order, read at most every
    THEMES_TTL seconds per process (a page needs the labels, not 34 JSON rows per view)."""
    now = time.monotonic()
    if now - _THEMES["at"] > THEMES_TTL or not _THEMES["rows"]:
        _THEMES["rows"] = tuple(
            Theme.objects.order_by("position").values_list("id", "group", "label")
        )
        _THEMES["at"] = now
    return _THEMES["rows"]


def _label(label: dict, lang: str, default: str) -> str:
    return label.get(lang) or label.get("en") or default


def group_label(code: str, lang: str) -> str:
    for group in _groups():
        if group["id"] == code:
            return group["label"].get(lang, code)
    return code


def theme_labels(lang: str) -> dict[str, str]:
    return {tid: _label(label, lang, tid) for tid, _group, label in themes()}


def theme_choices(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Themes grouped by taxonomy group, in taxonomy order (for checkbox lists)."""
    rows = themes()
    out = []
    for group in _groups():
        choices = [(tid, _label(label, lang, tid)) for tid, g, label in rows if g == group["id"]]
        if choices:
            out.append((group["label"].get(lang, group["id"]), choices))
    return out
