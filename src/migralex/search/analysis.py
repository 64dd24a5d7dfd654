"""Index terms for documents and queries, built on :func:`migralex.common.text.analyze`.

``analyze`` is the one analyser of the product; this module only calls it per distinct word and
memoises the answer, because indexing thousands of documents a second cannot afford to re-stem
the same few thousand frequent words again and again (Zipf). The memo keys on the word *after*
``clean`` and case folding, exactly what ``analyze`` itself tokenizes, so the terms are the same.

Queries: a Latin-script word could be French or English, so it gets the stems of both (the
index stems each document with its own language); Arabic words use the Arabic stemmer whatever
the language.
"""

from __future__ import annotations

from functools import lru_cache

from migralex.common.text import analyze, clean, script_of, tokenize

LATIN_LANGS = ("fr", "en")


def _latin(lang: str | None) -> str:
    return lang if lang in LATIN_LANGS else "fr"


_MEMO: dict[tuple[str, str], tuple[str, ...]] = {}
_MEMO_MAX = 500_000


def word_terms(word: str, lang: str) -> tuple[str, ...]:
    """Terms of one already cleaned and case-folded word (memoised ``analyze``)."""
    key = (word, lang)
    terms = _MEMO.get(key)
    if terms is None:
        terms = tuple(analyze(word, lang))
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()  # a crude bound: a rare flood of unique words must not grow memory
        _MEMO[key] = terms
    return terms


def text_terms(text: str, lang: str | None = None) -> list[str]:
    """Index terms of a text, in order (positions matter for phrases); equals ``analyze``."""
    latin = _latin(lang)
    memo, out = _MEMO, []
    for word in tokenize(clean(text).casefold()):
        terms = memo.get((word, latin))
        if terms is None:
            terms = word_terms(word, latin)
        out.extend(terms)
    return out


@lru_cache(maxsize=4096)
def query_word_variants(word: str, lang: str | None = None) -> tuple[tuple[str, ...], ...]:
    """The distinct term sequences a query word may stand for: one per candidate language.

    A word usually gives one term; "l'étranger" style items are split by the parser already.
    """
    folded = clean(word).casefold()
    if script_of(folded) == "ar" or lang in LATIN_LANGS:
        langs: tuple[str, ...] = (lang if lang in LATIN_LANGS else "fr",)
    else:
        langs = LATIN_LANGS
    variants = []
    for candidate in langs:
        terms = tuple(t for w in tokenize(folded) for t in word_terms(w, candidate))
        if terms and terms not in variants:
            variants.append(terms)
    return tuple(variants)


def phrase_variants(words: tuple[str, ...], lang: str | None = None) -> list[tuple[str, ...]]:
    """Term sequences of a phrase, one per candidate language of its Latin words."""
    langs = (lang,) if lang in LATIN_LANGS else LATIN_LANGS
    out: list[tuple[str, ...]] = []
    for candidate in langs:
        seq = tuple(
            t for w in words for variant in query_word_variants(w, candidate)[:1] for t in variant
        )
        if seq and seq not in out:
            out.append(seq)
    return out
