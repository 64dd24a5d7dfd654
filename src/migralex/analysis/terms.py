"""Index terms for classification: the project's analyser, with a light Arabic stemmer.

Latin-script words are folded and snowball-stemmed as in :func:`migralex.common.text.analyze`.
Arabic words use Larkey's *light10* stemmer instead of snowball: snowball treats a leading
``ب`` as a preposition (``بطاقة`` → ``طاق`` but ``بطاقات`` → ``طاقا``), which splits singular and
plural of the very keywords the thesaurus lists; light10 strips only the article, conjunctions
and prepositions glued to it (``وال``, ``بال``, ``لل``…) and common suffixes, which is what a
keyword match needs. Classification features and keyword matching share this one function.
"""

from __future__ import annotations

import re
from functools import lru_cache

from migralex.common.text import fold, stem

_TOKEN = re.compile(r"\w+", re.UNICODE)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "يه", "ه", "ي")


@lru_cache(maxsize=200_000)
def light10(word: str) -> str:
    """Light stemming of one folded Arabic word (teh marbuta already folded to heh)."""
    if len(word) > 3 and word.startswith("و"):
        word = word[1:]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    # A feminine noun with a pronoun (ولادته "his birth") keeps its teh marbuta as ت: drop it
    # so it meets ولادة / الولادات (both stemmed to ولاد).
    if len(word) >= 4 and word.endswith("ت"):
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def strip_proclitics(word: str) -> str:
    """Only the article and glued conjunctions/prepositions: for proper names, where suffix
    stripping would turn ``مالي`` (Mali) into ``مال`` (money)."""
    if len(word) > 3 and word.startswith("و"):
        word = word[1:]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    return word


def name_terms(text: str) -> list[str]:
    """Terms for proper names (countries, institutions): folded, no stemming."""
    out = []
    for token in _TOKEN.findall(text.casefold()):
        word = fold(token)
        out.append(strip_proclitics(word) if _ARABIC.search(token) else word)
    return [w for w in out if w]


@lru_cache(maxsize=200_000)
def _latin(token: str, lang: str) -> str:
    return fold(stem(token, lang))


def terms(text: str, lang: str | None = None) -> list[str]:
    """Terms of already-cleaned ``text``; Latin words stemmed as ``lang`` (French by default)."""
    latin_lang = lang if lang in ("fr", "en") else "fr"
    out = []
    for token in _TOKEN.findall(text.casefold()):
        word = light10(fold(token)) if _ARABIC.search(token) else _latin(token, latin_lang)
        if word:
            out.append(word)
    return out
