"""The ingestion pipeline as ordered stages, each with its contract (what it reads, what it
writes). Every stage records its outcome and duration on the processing log
(documents.services.processing_stage) against the stored file and, once known, the document.

Per input (a file, a fetched item, an archive member):

1. ``store``    reads the bytes; writes the original (content-addressed) *before anything can
                fail*: ``ctx.stored_file``.
2. ``detect``   reads the bytes (never the name); writes ``ctx.kind``.
3. ``extract``  runs the parser of ``ctx.kind`` in the sandbox; writes ``ctx.parsed``.
4. ``ocr``      only for a PDF without a usable text layer; replaces the text when it succeeds.

Then per unit (one document to make; a feed makes one per entry):

5. ``normalise``    ``unit.raw_text`` -> ``unit.text`` (common.text.clean) and the count of
                    repaired PDF glitches.
6. ``deduplicate``  reads ``unit.text``; finds the known item (same source item id or URL), an
                    exact duplicate (same content hash) or a near duplicate (MinHash); writes
                    ``unit.document`` / ``unit.duplicate_of`` / ``unit.signature``.
7. ``language``     language detection (lingua via analysis.language when present).
8. ``save``         one transaction: Document (when new), Version (documents.version_add, which
                    diffs against the previous version), LSH bands, duplicate-of link.
9. ``analyse``      analysis.services.analyse_version(version) when that issue has landed; its
                    dict goes to ``Version.metadata["analysis"]``. After ``save`` because the
                    analysis contract takes a saved Version; a failure leaves the version, marked.
10. ``index``       search.services.document_index(document) when present.
11. ``hand-over``   each hook of ``hooks.AFTER_VERSION`` (alert matching), errors isolated.

Stages 5-11 live in ``units.py``; orchestration and outcomes in ``services.py``. The pure
parts of stages 5-7 and 9 (normalised text, signature, language, ``analyse_text``) are
computed by the sandbox worker right after the parse (``prepare.py``), so that they run on
the other core; a stage takes the worker's result only for the very text, title and model it
would use itself, and otherwise computes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings

from migralex.common import storage
from migralex.documents.choices import StageStatus
from migralex.documents.models import Document, StoredFile
from migralex.documents.services import processing_log_record, processing_stage, stored_file_put
from migralex.ingestion import detect, sandbox

MIME_OF_KIND = {
    "pdf": "application/pdf",
    "html": "text/html",
    "feed": "application/xml",
    "xml": "application/xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "zip": "application/zip",
    "eml": "message/rfc822",
    "json-records": "application/json",
    "text": "text/plain",
    "binary": "application/octet-stream",
}


class StageFailed(Exception):
    """Stops an input with an outcome (``rejected`` or ``error``) and a readable reason."""

    def __init__(self, outcome: str, reason: str):
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


@dataclass
class Context:
    """State of one input through the pipeline."""

    data: bytes
    name: str
    run_id: str
    source: object = None
    source_url: str = ""
    item_id: str = ""
    owner: object = None
    user: object = None
    fetched_at: object = None
    declared_type: str = ""
    extra_metadata: dict = field(default_factory=dict)
    parent: Document | None = None
    depth: int = 0
    stored_file: StoredFile | None = None
    kind: str = ""
    parsed: dict = field(default_factory=dict)
    item_key: str = ""  # identity of the item for IngestionRecord (services._item_key)
    # A parse of these bytes already started (ingest_path's look-ahead); used when it matches.
    prefetched: sandbox.PendingParse | None = None
    started: float = field(default_factory=time.monotonic)


def stage_store(ctx: Context) -> None:
    """Reads ``ctx.data``; writes the original blob and its StoredFile row, and the sniffed
    kind to ``ctx.kind`` for stage_detect."""
    limit = settings.MAX_UPLOAD_BYTES
    if len(ctx.data) > limit:
        processing_log_record(
            ctx.run_id, "store", StageStatus.ERROR, f"too big: {len(ctx.data)} bytes > {limit}"
        )
        raise StageFailed("rejected", f"too big: {len(ctx.data)} bytes (limit {limit})")
    with processing_stage(ctx.run_id, "store") as outcome:
        # A new StoredFile is written with its MIME type (declared, else sniffed) in one INSERT
        # rather than updated by stage_detect; a sniffing failure is left to stage_detect.
        ctx.kind = _sniff(ctx.data)
        mime_type = ctx.declared_type or MIME_OF_KIND.get(ctx.kind, "")
        try:
            ctx.stored_file = stored_file_put(ctx.data, ctx.name, mime_type)
        except OSError as exc:
            raise StageFailed("error", f"could not store the original: {exc}") from exc
        outcome["stored_file"] = ctx.stored_file
        outcome["message"] = f"{ctx.stored_file.sha256[:12]} ({len(ctx.data)} bytes)"


def _sniff(data: bytes) -> str:
    try:
        return detect.detect_kind(data)
    except Exception:
        return ""


def stage_detect(ctx: Context) -> None:
    """Reads the bytes; writes ``ctx.kind`` (and the StoredFile's MIME type when unknown).
    The kind stage_store sniffed from these same bytes is reused."""
    with processing_stage(ctx.run_id, "detect", stored_file=ctx.stored_file) as outcome:
        ctx.kind = ctx.kind or detect.detect_kind(ctx.data)
        outcome["message"] = ctx.kind
        if ctx.stored_file is not None and not ctx.stored_file.mime_type:
            ctx.stored_file.mime_type = MIME_OF_KIND.get(ctx.kind, "")
            ctx.stored_file.save(update_fields=["mime_type"])
        if ctx.kind == "binary":
            outcome["status"] = StageStatus.ERROR
            outcome["message"] = "type not supported (binary data of unknown format)"
    if ctx.kind == "binary":
        raise StageFailed("rejected", "type not supported (binary data of unknown format)")


def _parser_options(ctx: Context) -> dict:
    return parser_options(ctx.name, ctx.source_url)


def parser_options(name: str, source_url: str = "") -> dict:
    return {
        "name": name,
        "source_url": source_url,
        "ocr_languages": settings.OCR_LANGUAGES,
        "analysis_model": _analysis_model(),
    }


def _analysis_model() -> str | None:
    """The analysis model's folder: the parser worker analyses the text with the same model
    (ingestion.prepare). None without the analysis app: the worker then does not analyse."""
    try:
        from migralex.analysis.model import model_dir
    except ImportError:
        return None
    return str(model_dir())


def stage_extract(ctx: Context) -> None:
    """Reads the stored original; runs the parser of ``ctx.kind`` sandboxed; writes
    ``ctx.parsed`` (see parsers/__init__ for its shape)."""
    path = storage.blob_path(ctx.stored_file.sha256)
    with processing_stage(ctx.run_id, "extract", stored_file=ctx.stored_file) as outcome:
        pending = ctx.prefetched
        try:
            if (
                pending is not None
                and pending.kind == ctx.kind
                and pending.path == str(path)
                and pending.options == _parser_options(ctx)
            ):
                ctx.parsed = pending.result()
            else:
                ctx.parsed = sandbox.run_parser(ctx.kind, path, _parser_options(ctx))
        except sandbox.SandboxFailure as failure:
            outcome["status"] = StageStatus.ERROR
            outcome["message"] = f"{failure.outcome}: {failure.reason}"
            raise StageFailed(failure.outcome, failure.reason) from None
        outcome["status"] = ctx.parsed["status"]
        outcome["message"] = ctx.parsed["message"] or ctx.kind
    if ctx.parsed.get("needs_ocr"):
        stage_ocr(ctx)


def stage_ocr(ctx: Context) -> None:
    """Reads the stored PDF; OCRs it (sandboxed, wall clock scaled to the page count); replaces
    ``ctx.parsed["text"]`` on success, else keeps the text layer and marks the parse degraded."""
    parsed = ctx.parsed
    with processing_stage(ctx.run_id, "ocr", stored_file=ctx.stored_file) as outcome:
        if not settings.OCR_ENABLED:
            outcome["status"] = StageStatus.SKIPPED
            outcome["message"] = "OCR disabled (MIGRALEX_OCR=0)"
            parsed["message"] += "; OCR disabled"
            return
        pages = max(1, parsed.get("pages") or 1)
        limits = sandbox.Limits.from_settings()
        limits = sandbox.Limits(
            cpu_seconds=limits.cpu_seconds + 10 * pages,
            memory_mb=limits.memory_mb,
            wall_seconds=limits.wall_seconds + 10 * pages,
        )
        path = storage.blob_path(ctx.stored_file.sha256)
        try:
            ocr = sandbox.run_parser("ocr", path, {**_parser_options(ctx), "pages": pages}, limits)
        except sandbox.SandboxFailure as failure:
            ocr = {"status": "degraded", "message": f"OCR failed: {failure.reason}", "text": ""}
        layer_letters = sum(ch.isalpha() for ch in parsed.get("text", ""))
        ocr_letters = sum(ch.isalpha() for ch in ocr.get("text", ""))
        if ocr["status"] == "ok" and 0 < ocr_letters <= layer_letters:
            # A short document (one word on a cover page): the text layer was right after all.
            parsed["status"] = "ok"
            parsed["message"] = "short text layer kept (OCR found no more text)"
            outcome["message"] = f"{pages} pages, no more text than the text layer"
        elif ocr["status"] == "ok" and ocr_letters == 0 and layer_letters:
            parsed["status"] = "ok"
            parsed["message"] = "short text layer kept (OCR found no text)"
            outcome["message"] = f"{pages} pages, no text found by OCR"
        elif ocr["status"] == "ok" and ocr_letters:
            parsed["text"] = ocr["text"]
            parsed["status"] = "ok"
            parsed["message"] = f"text from OCR ({parsed['message']})"
            parsed.setdefault("metadata", {})["ocr"] = settings.OCR_LANGUAGES
            outcome["message"] = f"{pages} pages"
        else:
            parsed["status"] = "degraded"
            parsed["message"] = f"{parsed['message']}; OCR fallback failed: {ocr['message']}"
            outcome["status"] = StageStatus.DEGRADED
            outcome["message"] = ocr["message"]
