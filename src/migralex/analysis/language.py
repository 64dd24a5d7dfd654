"""Language of a text: ``fr``, ``ar``, ``en`` (the watched languages) or another ISO 639-1 code.

Script first, statistics second. Arabic is decided by counting letters, which is exact and
immune to the PDF glitches that confuse n-gram models; a text whose letters are mostly Arabic is
Arabic even when it quotes French article numbers. Latin-script text goes to lingua. Short texts
(a title, a search-like line) carry too little evidence for a many-language model, so they are
decided between French and English only, the two Latin languages of the watched sources.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

WATCHED = ("fr", "ar", "en")
# Latin-script languages we may meet in the sources besides French and English (Spanish
# enclaves, Italian and German partners' texts). Kept short: each one costs memory and time.
_OTHER_LATIN = (Language.SPANISH, Language.ITALIAN, Language.GERMAN, Language.PORTUGUESE)
_SAMPLE_CHARS = 1000  # enough evidence; keeps a 300-page law as cheap as a page
_SHORT_LETTERS = 120  # below this, only fr/en are considered for Latin text
_MIN_OTHER_CONFIDENCE = 0.6  # a non-watched language must be clearly ahead to be chosen

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


@lru_cache(maxsize=1)
def _latin_detector():
    return LanguageDetectorBuilder.from_languages(
        Language.FRENCH, Language.ENGLISH, *_OTHER_LATIN
    ).build()


@lru_cache(maxsize=1)
def _fr_en_detector():
    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


def script_counts(text: str) -> tuple[int, int]:
    """(Arabic letters, Latin letters) in ``text``."""
    return len(_ARABIC_LETTER.findall(text)), len(_LATIN_LETTER.findall(text))


def detect_language(text: str, title: str | None = None) -> str | None:
    """ISO 639-1 code of the main language of ``text`` (title included), ``None`` if no letters."""
    sample = ((title or "") + "\n" + (text or "")[:_SAMPLE_CHARS]).strip()
    arabic, latin = script_counts(sample)
    if arabic == 0 and latin == 0:
        return None
    if arabic >= latin:
        return "ar"
    latin_only = _ARABIC_LETTER.sub(" ", sample)
    if latin < _SHORT_LETTERS:
        found = _fr_en_detector().detect_language_of(latin_only)
        return _code(found) if found else "fr"
    values = _latin_detector().compute_language_confidence_values(latin_only)
    if not values:
        return "fr"
    best = values[0]
    code = _code(best.language)
    if code in WATCHED or best.value >= _MIN_OTHER_CONFIDENCE:
        return code
    # An uncertain guess outside the watched languages: fall back to the closer of fr/en.
    watched = [v for v in values if _code(v.language) in WATCHED]
    return _code(watched[0].language) if watched else code


def languages_present(text: str) -> list[str]:
    """Watched languages with a substantial share of ``text`` (bilingual texts list both)."""
    arabic, latin = script_counts(text[: _SAMPLE_CHARS * 4])
    total = arabic + latin
    if total == 0:
        return []
    found = []
    if arabic / total >= 0.15:
        found.append("ar")
    if latin / total >= 0.15:
        latin_text = _ARABIC_LETTER.sub(" ", text[: _SAMPLE_CHARS * 4])
        found.append(detect_language(latin_text) or "fr")
    return found
