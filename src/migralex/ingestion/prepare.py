"""Work that depends on the parsed text alone, done by the sandbox worker right after a parse
so that it runs on the other core while the ingesting process finishes earlier inputs:

* normalised text, repaired-glitch count and MinHash signature (stages ``normalise`` and the
  signature part of ``deduplicate``), ~3 ms of an HTML page;
* the language (stage ``language``) and the analysis (``analysis.pipeline.analyse_text``, the
  pure part of stage ``analyse``) under the title the document will get, ~11 ms of an HTML
  page and ~20 ms of an Adala text (measured), the largest share of a document's CPU.

The pipeline takes each result only when it was computed from the very same inputs: the raw
text (:func:`prepared_for`: digest check), the normalised title (language) and the analysed
title (analysis). Otherwise, as for an OCR that replaced the text or a worker that sent
nothing, the ingesting process computes it again itself. No Django, no database: the worker
never touches them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from migralex.common.text import clean, repair_pdf_glitches
from migralex.ingestion import dedup


def _digest(raw_text: str) -> str:
    return hashlib.blake2b(raw_text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def unit_title(title: str) -> str:
    """A unit's title as stage ``normalise`` leaves it."""
    return " ".join(clean(title).split())[:1000]


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]


def document_title(title: str, text: str, name: str) -> str:
    """The title a new document gets: its own, else its text's first line, else its file's."""
    return (title or first_line(text) or name.rsplit("/", 1)[-1] or "untitled")[:1000]


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


def analysed(prepared: dict, raw_text: str, title: str, name: str, model_dir: str) -> dict:
    """What ``language`` and ``analyse`` compute for a new document made of ``prepared``'s
    text, titled from ``title`` (the parsed title) or ``name``, with the analysis model in
    ``model_dir`` (the one the ingesting process uses); picklable values."""
    from migralex.analysis import model
    from migralex.analysis.language import detect_language
    from migralex.analysis.pipeline import analyse_text, usable_title

    text, title = prepared["text"], unit_title(title)
    analysis_title = usable_title(document_title(title, text, name))
    return {
        "title": title,
        "language": detect_language(text[:3000], title) or "",
        "analysis_title": analysis_title,
        "analysis": analyse_text(
            text or raw_text, title=analysis_title, classifier=model.load(Path(model_dir))
        ),
    }


def prepared_for(raw_text: str, prepared: dict | None) -> dict | None:
    """``prepared`` if it was computed from exactly ``raw_text``, else None."""
    if not prepared or prepared.get("raw_digest") != _digest(raw_text):
        return None
    return prepared
