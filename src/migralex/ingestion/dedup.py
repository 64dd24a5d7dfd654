"""Near-duplicate detection: MinHash of word shingles, an LSH index of bands in the database.

Exact duplicates are found by ``Version.content_hash`` (documents.services.content_hash_of);
this module finds the same text extracted, formatted or glitched slightly differently. The
signature is computed on folded text (``common.text.fold``) so alef forms, diacritics and case
do not make two copies of a law look different. The LSH (16 bands of 8 rows) surfaces pairs
above ~0.7 Jaccard; the candidate's stored signature then decides against ``THRESHOLD``.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

from migralex.common.text import fold, tokenize

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 3
# Estimated Jaccard similarity of word 3-shingles above which two texts are the same text.
# Tuned on the Adala corpus (see the issue report): copies of one law under several file
# names score >= 0.9; distinct texts of one series (amending decrees) stay below 0.75.
THRESHOLD = 0.8
MIN_SHINGLES = 12  # shorter texts carry too little evidence; exact hashing covers them


def shingles(text: str) -> set[bytes]:
    words = tokenize(fold(text))
    if len(words) < SHINGLE_WORDS:
        return set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def signature(text: str) -> np.ndarray | None:
    """MinHash signature of ``text`` (uint32 x NUM_PERM), or None when the text is too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch(list(grams))
    return minhash.hashvalues.astype("<u4")


def signature_bytes(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def signature_from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    if not raw:
        return None
    sig = np.frombuffer(bytes(raw), dtype="<u4")
    return sig if sig.size == NUM_PERM else None


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def band_keys(sig: np.ndarray) -> list[tuple[int, int]]:
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little", signed=True)))
    return keys


_NUMBER = re.compile(r"\d+(?:[.,/-]\d+)*")
# Legal texts come in series that share almost every word (the n-th extension of a state of
# emergency, customs decrees differing by a rate, one faculty created per city). Measured on
# the Adala links: most pairs above THRESHOLD were such siblings, not copies. Two texts are the
# same act only if their titles agree (when both have one) and their numbers agree.
MAX_NUMBER_DIFFERENCE = 0.2
NUMBERS_SCOPE = 4000  # characters: the heading and first articles carry the distinguishing ones


def title_key(title: str) -> str:
    return " ".join(tokenize(fold(title or "")))


def numbers_of(text: str) -> set[str]:
    return set(_NUMBER.findall(text[:NUMBERS_SCOPE]))


def same_act(title_a: str, title_b: str, text_a: str, text_b: str) -> bool:
    """Whether two similar texts are copies of one act rather than siblings of a series."""
    key_a, key_b = title_key(title_a), title_key(title_b)
    if key_a and key_b and key_a != key_b:
        return False
    numbers_a, numbers_b = numbers_of(text_a), numbers_of(text_b)
    union = numbers_a | numbers_b
    return not union or len(numbers_a ^ numbers_b) <= MAX_NUMBER_DIFFERENCE * len(union)
