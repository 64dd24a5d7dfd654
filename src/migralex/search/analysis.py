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
from itertools import chain

from migralex.common.text import analyze, clean, script_of, tokenize

LATIN_LANGS = ("fr", "en")


def _latin(lang: str | None) -> str:
    return lang if lang in LATIN_LANGS else "fr"


# One memo per Latin-script language ("fr", "en"): word -> its terms.
_MEMO: dict[str, dict[str, tuple[str, ...]]] = {"fr": {}, "en": {}}
# One memo per Latin-script language: whitespace-separated chunk -> its terms (see text_terms).
_CHUNKS: dict[str, dict[str, tuple[str, ...]]] = {"fr": {}, "en": {}}
_MEMO_MAX = 300_000


def word_terms(word: str, lang: str) -> tuple[str, ...]:
    """Terms of one already cleaned and case-folded word (memoised ``analyze``)."""
    memo = _MEMO[_latin(lang)]
    terms = memo.get(word)
    if terms is None:
        terms = tuple(analyze(word, lang))
        if len(memo) >= _MEMO_MAX:
            memo.clear()  # a crude bound: a flood of unique words must not grow memory
        memo[word] = terms
    return terms


def text_terms(text: str, lang: str | None = None, *, cleaned: bool = False) -> list[str]:
    """Index terms of a text, in order (positions matter for phrases); equals ``analyze``.

    ``cleaned=True`` when ``text`` is already the output of ``clean`` (``Version.normalized_text``
    is, by the document store's contract): ``clean`` is idempotent, so skipping it changes
    nothing but the time.

    Speed (indexing is bound by this function): the text is cut at whitespace with ``str.split``
    and each chunk ("loi,", "(article", "الأجانب.") looked up in a memo of chunk -> terms, so a
    document costs a few C-level passes (split, map, chain) instead of a Python loop per word.
    This equals tokenizing the whole text because a word (a run of letters, digits or underscores) never spans whitespace: the
    terms of a text are the terms of its chunks, in order. Only chunks never seen before go
    through the per-word analysis.
    """
    latin = _latin(lang)
    chunks = (text if cleaned else clean(text)).casefold().split()
    memo = _CHUNKS[latin]
    try:
        return list(chain.from_iterable(map(memo.__getitem__, chunks)))
    except KeyError:
        pass
    missing = set(chunks).difference(memo)
    if len(memo) + len(missing) > _MEMO_MAX:
        memo.clear()  # a crude bound: a flood of unique chunks must not grow memory
        missing = set(chunks)
    for chunk in missing:
        memo[chunk] = tuple(t for w in tokenize(chunk) for t in word_terms(w, latin))
    return list(chain.from_iterable(map(memo.__getitem__, chunks)))


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
