"""Text preparation that depends on the text alone: normalised text, repaired-glitch count and
MinHash signature (stages ``normalise`` and the signature part of ``deduplicate``).

The sandbox worker runs :func:`prepare` right after a parse, so with ingest_path's look-ahead
this work happens on the other core while the ingesting process finishes the previous input
(measured ~3 ms of a ~35 ms HTML document). The pipeline takes the result only when it was
computed from the very same raw text (:func:`prepared_for`: digest check), so an OCR that
replaced the text, or a worker that sent nothing, simply means it is computed again here.
No Django, no database: the worker never touches them.
"""

from __future__ import annotations

import hashlib

from migralex.common.text import clean, repair_pdf_glitches
from migralex.ingestion import dedup


def _digest(raw_text: str) -> str:
    return hashlib.blake2b(raw_text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def prepare(raw_text: str) -> dict:
    """What ``normalise`` and ``deduplicate`` compute from ``raw_text``; picklable values."""
    _, repaired = repair_pdf_glitches(raw_text)
    text = clean(raw_text)
    return {
        "raw_digest": _digest(raw_text),
        "text": text,
        "repaired": repaired,
        "signature": dedup.signature_bytes(dedup.signature(text)),
    }


def prepared_for(raw_text: str, prepared: dict | None) -> dict | None:
    """``prepared`` if it was computed from exactly ``raw_text``, else None."""
    if not prepared or prepared.get("raw_digest") != _digest(raw_text):
        return None
    return prepared
