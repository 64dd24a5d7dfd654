"""Labels of codes in the interface language: countries, languages, types, themes, groups."""

from __future__ import annotations

from functools import lru_cache

from migralex.documents.choices import DocType, LegalStatus
from migralex.documents.models import Theme
from migralex.knowledge.reference_data import theme_groups

COUNTRY_NAMES = {
    "MA": {"fr": "Maroc", "en": "Morocco", "ar": "المغرب"},
    "TN": {"fr": "Tunisie", "en": "Tunisia", "ar": "تونس"},
    "LY": {"fr": "Libye", "en": "Libya", "ar": "ليبيا"},
    "EG": {"fr": "Égypte", "en": "Egypt", "ar": "مصر"},
    "DZ": {"fr": "Algérie", "en": "Algeria", "ar": "الجزائر"},
    "MR": {"fr": "Mauritanie", "en": "Mauritania", "ar": "موريتانيا"},
    "INT": {"fr": "International", "en": "International", "ar": "دولي"},
}
LANGUAGE_NAMES = {
    "fr": {"fr": "français", "en": "French", "ar": "الفرنسية"},
    "ar": {"fr": "arabe", "en": "Arabic", "ar": "العربية"},
    "en": {"fr": "anglais", "en": "English", "ar": "الإنجليزية"},
}


def country_label(code: str, lang: str) -> str:
    return COUNTRY_NAMES.get(code, {}).get(lang, code)


def language_label(code: str, lang: str) -> str:
    return LANGUAGE_NAMES.get(code, {}).get(lang, code)


def doc_type_label(code: str) -> str:
    return str(dict(DocType.choices).get(code, code))


def status_label(code: str) -> str:
    return str(dict(LegalStatus.choices).get(code, code))


@lru_cache(maxsize=1)
def _groups() -> tuple[dict, ...]:
    return tuple(theme_groups())


def group_label(code: str, lang: str) -> str:
    for group in _groups():
        if group["id"] == code:
            return group["label"].get(lang, code)
    return code


def theme_labels(lang: str) -> dict[str, str]:
    return {t.id: t.label_in(lang) for t in Theme.objects.all()}


def theme_choices(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Themes grouped by taxonomy group, in taxonomy order (for checkbox lists)."""
    themes = list(Theme.objects.all())
    out = []
    for group in _groups():
        rows = [(t.id, t.label_in(lang)) for t in themes if t.group == group["id"]]
        if rows:
            out.append((group["label"].get(lang, group["id"]), rows))
    return out
