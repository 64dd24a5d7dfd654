"""Text normalisation shared by storage, indexing, querying and alert matching.

Three layers, each built on the one before:

* :func:`clean` makes extracted text trustworthy and readable: Unicode NFKC, no bidi or
  zero-width controls, no NUL bytes, Eastern-Arabic and Persian digits as ASCII, and the
  PDF-extraction glitches of Arabic (a decomposed lam-alef ligature written in the wrong order,
  ``األجانب`` for ``الأجانب``) repaired. This is what :class:`Version.normalized_text` stores.
* :func:`fold` removes differences a reader ignores when searching: case, Latin accents, Arabic
  diacritics and tatweel, alef forms, alef maqsura, teh marbuta.
* :func:`analyze` turns text into index terms: clean, tokenize, stem per language, fold.

The same :func:`analyze` feeds the search index, the query parser and the alert percolator, so a
word matches the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Bidi embeddings/overrides/isolates, marks, zero-width characters and the BOM.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E]
    + [0x2066, 0x2067, 0x2068, 0x2069, 0x061C, 0xFEFF, 0x00AD, 0x0000]
)
_DIGITS = {cp: ord("0") + i for i, cp in enumerate(range(0x0660, 0x066A))}
_DIGITS.update({cp: ord("0") + i for i, cp in enumerate(range(0x06F0, 0x06FA))})
_CLEAN_TABLE = {**_INVISIBLE, **_DIGITS, 0x066B: ord(","), 0x066C: ord(",")}
_CLEAN_TABLE = {k: (None if k in _INVISIBLE else v) for k, v in _CLEAN_TABLE.items()}

ALEFS = "اأإآٱ"
# A lam-alef ligature extracted as "alef + alef-form + lam": the definite article's lam was put
# after the next alef. It shows at the start of a word, possibly behind one-letter proclitics
# (و ف ب ك ل). Two alefs never start an Arabic word, so the pattern is unambiguous there.
_LAM_ALEF_GLITCH = re.compile(r"(?<![\w])([وفبك]?)ا([" + ALEFS + r"])ل(?=\w)")
_SPACES = re.compile(r"[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


# The same ligature glitch inside a word: an alef form followed by another alef form and lam
# ("حاالت" for "حالات", "إال" for "إلا", "آالف" for "آلاف"). Two alef forms in a row never
# occur in correct Arabic spelling, so this too only ever touches glitched text.
# Not before another alef form: "لاا" never occurs, and that guard keeps an already repaired
# pair glued to a word ending in alef ("وكذا" + "الاقتراضات") from being swapped back.
_LAM_ALEF_INNER = re.compile(r"([" + ALEFS + r"])([" + ALEFS + r"])ل(?![" + ALEFS + r"])")
# The negation "لا" (and "ولا", "فلا", "بلا") extracted as a word of its own: "ال" alone is never
# a word (the article is always attached), nor, in practice, "وال", "فال" or "بال".
_LA_ALONE = re.compile(r"(?<![\w])([وفب]?)ال(?![\w])")


def repair_pdf_glitches(text: str) -> tuple[str, int]:
    """Repair known Arabic PDF-extraction glitches; return the text and how many were repaired.

    Measured on the Adala corpus (5,013 texts, 7.2 M tokens, titles and provisions): 340,992
    article-initial repairs, 25,471 inner ones, 32,160 lone negations. Every rule
    matches only sequences that correct Arabic never contains, so clean text is left alone.
    """
    text, initial = _LAM_ALEF_GLITCH.subn(r"\1ال\2", text)
    text, inner = _LAM_ALEF_INNER.subn(r"\1ل\2", text)
    text, alone = _LA_ALONE.subn(r"\1لا", text)
    return text, initial + inner + alone


def clean(text: str) -> str:
    """Readable, trustworthy text (see module docstring). Idempotent."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_CLEAN_TABLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, _ = repair_pdf_glitches(text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD_TABLE = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
)


def fold_arabic(text: str) -> str:
    """Remove diacritics and tatweel, unify alef forms, alef maqsura and teh marbuta."""
    return _ARABIC_DIACRITICS.sub("", text).translate(_FOLD_TABLE)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) or _is_arabic(ch))


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"


def fold(text: str) -> str:
    """Search-equivalence form: casefolded, Latin accents and Arabic variants removed."""
    # The analysers fold word by word (~1,500 calls per HTML page, measured as half of the
    # analysis's time) and words repeat: a word is folded once per process.
    return _fold_word(text) if len(text) <= _WORD_CHARS else _fold(text)


_WORD_CHARS = 40


@lru_cache(maxsize=65536)
def _fold_word(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    text = strip_accents(text)
    return unicodedata.normalize("NFC", fold_arabic(text))


_TOKEN = re.compile(r"\w+", re.UNICODE)
ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")


def tokenize(text: str) -> list[str]:
    """Words of ``text`` (letters and digits), without punctuation. Keeps case."""
    return _TOKEN.findall(text)


def script_of(token: str) -> str:
    return "ar" if ARABIC_RE.search(token) else "latin"


_STEMMER_NAMES = {"ar": "arabic", "fr": "french", "en": "english"}


@lru_cache(maxsize=8)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[lang])


def stem(token: str, lang: str) -> str:
    """Stem one folded-case token with the snowball stemmer of ``lang`` (ar, fr, en)."""
    if lang not in _STEMMER_NAMES or token.isdigit():
        return token
    return _stemmer(lang).stemWord(token)


def analyze(text: str, lang: str | None = None) -> list[str]:
    """Index terms of ``text``: the one analyser behind indexing, queries and alert matching.

    Arabic-script tokens are stemmed with the Arabic stemmer whatever ``lang`` says (texts mix
    scripts); Latin-script tokens with the stemmer of ``lang`` (French when unknown, the most
    common Latin language of the watched sources).
    """
    latin_lang = lang if lang in ("fr", "en") else "fr"
    terms = []
    for token in tokenize(clean(text).casefold()):
        if script_of(token) == "ar":
            base = _ARABIC_DIACRITICS.sub("", token)
            terms.append(fold(stem(base, "ar")))
        else:
            terms.append(fold(stem(token, latin_lang)))
    return [t for t in terms if t]
