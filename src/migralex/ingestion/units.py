"""Per-document stages (5-11 of the pipeline, see pipeline.py): normalise, deduplicate,
language, save, analyse, index, hand over. A *unit* is one document to make from an input:
the input itself, or one entry of a feed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from migralex.accounts.services import organisation_default
from migralex.common.text import clean, repair_pdf_glitches
from migralex.documents.choices import AssignmentSource, DocType, RelationType, StageStatus
from migralex.documents.models import Document, Relation, Version
from migralex.documents.services import (
    content_hash_of,
    processing_log_attach,
    processing_log_record,
    processing_stage,
    relation_add,
    version_add,
)
from migralex.ingestion import dedup, hooks, prepare, selectors
from migralex.ingestion.models import MinHashBand
from migralex.ingestion.pipeline import Context

logger = logging.getLogger(__name__)
MIN_EXACT_DEDUP_CHARS = 40  # a short text (a bare title) equal to another is not the same work


@dataclass
class Unit:
    title: str
    raw_text: str
    html: str = ""
    metadata: dict = field(default_factory=dict)
    source_url: str = ""
    item_id: str = ""
    doc_type: str = DocType.OTHER
    text: str = ""
    language: str = ""
    signature: np.ndarray | None = None
    signature_ready: bool = False  # computed (None then means: too short to have one)
    prepared: dict | None = None  # ingestion.prepare's result from the parser worker
    document: Document | None = None  # the known item this unit is a new content of
    duplicate_of: Version | None = None  # exact duplicate: nothing new is stored
    near_duplicate: tuple[int, float] | None = None
    version: Version | None = None
    status: str = "ok"  # ok | duplicate | unchanged
    message: str = ""
    warnings: list[str] = field(default_factory=list)


def stage_normalise(ctx: Context, unit: Unit) -> None:
    """Reads ``unit.raw_text``; writes ``unit.text`` (clean) and the repaired-glitch count."""
    with processing_stage(ctx.run_id, "normalise", stored_file=ctx.stored_file) as outcome:
        prepared = prepare.prepared_for(unit.raw_text, unit.prepared)
        if prepared is not None:  # computed by the parser worker from this very text
            unit.text, repaired = prepared["text"], prepared["repaired"]
            unit.signature = dedup.signature_from_bytes(prepared["signature"])
            unit.signature_ready = True
        else:
            _, repaired = repair_pdf_glitches(unit.raw_text)
            unit.text = clean(unit.raw_text)
        unit.prepared = prepared  # its language and analysis, checked where they are used
        unit.title = prepare.unit_title(unit.title)
        if repaired:
            unit.metadata["glitches_repaired"] = repaired
        outcome["message"] = f"{len(unit.text)} characters; {repaired} glitches repaired"
        if not unit.text:
            outcome["status"] = StageStatus.DEGRADED
            outcome["message"] = "no text extracted"


def stage_deduplicate(ctx: Context, unit: Unit) -> None:
    """Reads ``unit.text`` and identity; writes ``unit.document`` (known item),
    ``unit.duplicate_of`` (exact) or ``unit.near_duplicate``, and ``unit.signature``."""
    with processing_stage(ctx.run_id, "deduplicate", stored_file=ctx.stored_file) as outcome:
        unit.document = selectors.document_for_item(ctx.source, unit.item_id, unit.source_url)
        if not unit.signature_ready:
            unit.signature, unit.signature_ready = dedup.signature(unit.text), True
        if unit.document is not None:
            outcome["document"] = unit.document
            outcome["message"] = f"known item: document {unit.document.pk}"
            return
        if len(unit.text) >= MIN_EXACT_DEDUP_CHARS:
            same = selectors.version_with_content(content_hash_of(unit.text))
            if same is not None:
                unit.duplicate_of = same
                outcome["document"] = same.document
                outcome["message"] = f"same content as document {same.document_id}"
                return
        if unit.signature is not None:
            unit.near_duplicate = selectors.near_duplicate_find(
                unit.signature, title=unit.title, text=unit.text
            )
            if unit.near_duplicate:
                doc_id, score = unit.near_duplicate
                outcome["message"] = f"near duplicate of document {doc_id} ({score:.2f})"
                return
        outcome["message"] = "new"


def stage_language(ctx: Context, unit: Unit) -> None:
    """Reads ``unit.text``; writes ``unit.language`` (ISO 639-1 or empty)."""
    with processing_stage(ctx.run_id, "language", stored_file=ctx.stored_file) as outcome:
        prepared = unit.prepared or {}
        if "language" in prepared and prepared["title"] == unit.title:
            unit.language = prepared["language"]  # the worker's, for this text and title
        else:
            unit.language = detect_language(unit.text[:3000], unit.title) or ""
        outcome["message"] = unit.language or "unknown"


def detect_language(text: str, title: str = "") -> str | None:
    try:
        from migralex.analysis.language import detect_language as analysis_detect
    except ImportError:
        analysis_detect = None
    if analysis_detect is not None:
        return analysis_detect(text, title)
    return _fallback_language(title + "\n" + text)


def _fallback_language(sample: str) -> str | None:
    from migralex.common.text import ARABIC_RE

    arabic = len(ARABIC_RE.findall(sample))
    latin = sum(ch.isalpha() and ch.isascii() for ch in sample)
    if not arabic and not latin:
        return None
    if arabic >= latin:
        return "ar"
    from lingua import Language, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()
    found = detector.detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found else None


def _canonical(document_id: int) -> Document:
    """Follow an existing duplicate-of link so a group points at its first document."""
    link = (
        Relation.objects.filter(source_id=document_id, type=RelationType.DUPLICATE_OF)
        .exclude(target=None)
        .first()
    )
    return link.target if link else Document.objects.get(pk=document_id)


def stage_save(ctx: Context, unit: Unit) -> None:
    """One transaction: the Document (new item), its Version, LSH bands, duplicate-of link.
    Writes ``unit.version``/``unit.document``/``unit.status``. Nothing for an exact duplicate
    except its note on the existing version. The run's earlier log entries (written before the
    document existed) are then attached to the document, so its log shows every stage."""
    try:
        _save(ctx, unit)
    finally:
        if unit.document is not None and unit.document.pk:
            processing_log_attach(ctx.run_id, unit.document)


def _save(ctx: Context, unit: Unit) -> None:
    with processing_stage(ctx.run_id, "save", stored_file=ctx.stored_file) as outcome:
        if unit.duplicate_of is not None:
            _note_alias(unit.duplicate_of, ctx)
            unit.status = "duplicate"
            unit.document = unit.duplicate_of.document
            unit.message = f"same content as document {unit.document.pk}"
            outcome["document"] = unit.document
            outcome["status"] = StageStatus.SKIPPED
            outcome["message"] = unit.message + " (linked, not stored twice)"
            return
        created_document = unit.document is None
        try:
            with transaction.atomic():
                if created_document:
                    unit.document = _document_create(ctx, unit)
                result = version_add(
                    unit.document,
                    unit.raw_text,
                    file=ctx.stored_file,
                    normalized_text=unit.text,
                    html=unit.html,
                    language=unit.language,
                    metadata=unit.metadata,
                    source_url=unit.source_url or ctx.source_url,
                    fetched_at=ctx.fetched_at,
                    minhash=dedup.signature_bytes(unit.signature),
                    new_document=created_document,
                )
                outcome["document"] = unit.document
                if not result.created:
                    unit.status = "unchanged"
                    unit.message = (
                        f"same content as the current version of document {unit.document.pk}"
                    )
                    outcome["status"] = StageStatus.SKIPPED
                    outcome["message"] = unit.message
                    return
                unit.version = result.version
                if unit.signature is not None:
                    MinHashBand.objects.bulk_create(
                        MinHashBand(version=unit.version, document=unit.document, band=b, key=k)
                        for b, k in dedup.band_keys(unit.signature)
                    )
                if unit.near_duplicate and created_document:
                    target = _canonical(unit.near_duplicate[0])
                    relation_add(
                        unit.document,
                        RelationType.DUPLICATE_OF,
                        target=target,
                        assigned_by=AssignmentSource.RULES,
                    )
                    unit.message = (
                        f"near duplicate of document {target.pk} "
                        f"(similarity {unit.near_duplicate[1]:.2f}), linked"
                    )
        except BaseException:
            if created_document:
                # Rolled back with the transaction: log entries must not point at it
                # (PostgreSQL refuses the dangling reference at commit).
                unit.document = None
                outcome.pop("document", None)
            raise
        if not created_document:
            unit.message = f"new version {unit.version.number} of document {unit.document.pk}"
        elif not unit.message:
            unit.message = f"document {unit.document.pk} created"
        outcome["message"] = unit.message or f"document {unit.document.pk} created"


def _document_create(ctx: Context, unit: Unit) -> Document:
    owner = ctx.owner or getattr(ctx.source, "owner", None) or organisation_default()
    return Document.objects.create(
        title=prepare.document_title(unit.title, unit.text, ctx.name),
        doc_type=unit.doc_type,
        country=getattr(ctx.source, "country", "") or "",
        language=unit.language,
        languages=[unit.language] if unit.language else [],
        owner=owner,
        created_by=ctx.user if getattr(ctx.user, "pk", None) else None,
        source=ctx.source,
        source_url=(unit.source_url or ctx.source_url)[:2000],
        source_item_id=unit.item_id[:500],
        parent=ctx.parent,
    )


def _note_alias(version: Version, ctx: Context) -> None:
    """Remember where else an exact duplicate was seen (bounded), so nothing is lost."""
    seen = version.metadata.get("also_seen_as", [])
    entry = ctx.source_url or ctx.name
    if entry not in seen and len(seen) < 50:
        version.metadata["also_seen_as"] = [*seen, entry]
        Version.objects.filter(pk=version.pk).update(metadata=version.metadata)


def stage_analyse(ctx: Context, unit: Unit) -> None:
    """Reads the saved version; calls analysis.services.analyse_version when available and
    keeps its dict in ``Version.metadata["analysis"]``."""
    with processing_stage(
        ctx.run_id, "analyse", stored_file=ctx.stored_file, document=unit.document
    ) as outcome:
        try:
            from migralex.analysis.services import analyse_version
        except ImportError:
            outcome["status"] = StageStatus.SKIPPED
            outcome["message"] = f"analysis not available; language {unit.language or '?'}"
            return
        try:
            found = analyse_version(unit.version, result=_worker_analysis(unit))
        except Exception as exc:
            logger.exception("analysis failed for version %s", unit.version.pk)
            outcome["status"] = StageStatus.ERROR
            outcome["message"] = f"{type(exc).__name__}: {exc}"
            unit.warnings.append(f"analysis failed: {exc}")
            return
        if isinstance(found, dict) and "analysis" not in (unit.version.metadata or {}):
            unit.version.metadata["analysis"] = found
            Version.objects.filter(pk=unit.version.pk).update(metadata=unit.version.metadata)
        outcome["message"] = "done"


def _worker_analysis(unit: Unit) -> dict | None:
    """The parser worker's analysis (ingestion.prepare) when it is the one analyse_version
    would compute: same text (the prepared one the version holds), same title, same model
    (a model retrained meanwhile is not)."""
    from migralex.analysis import model
    from migralex.analysis.pipeline import usable_title

    prepared = unit.prepared or {}
    if "analysis" not in prepared or unit.version.normalized_text != prepared["text"]:
        return None
    if prepared["analysis_title"] != usable_title(unit.document.title):
        return None
    current = model.current()
    if prepared["analysis"].get("model_version") != (current.version if current else "rules"):
        return None
    return prepared["analysis"]


_batch = threading.local()


@contextmanager
def indexing_deferred(flush_every: int = 200) -> Iterator[None]:
    """Within this block (a bulk run: a folder, a corpus) the index stage queues documents
    and indexes them ``flush_every`` at a time, one index commit each, instead of one commit
    per document, which dominates the cost of small documents. The queue is flushed on exit,
    whatever happened. Alert hooks still run per version: they match the text, not the index."""
    outer = getattr(_batch, "ids", None)
    if outer is not None:  # nested: the outer block flushes
        yield
        return
    _batch.ids, _batch.flush_every = [], flush_every
    try:
        yield
    finally:
        try:
            _flush()
        finally:
            _batch.ids = None


def _flush() -> None:
    ids, _batch.ids = list(dict.fromkeys(_batch.ids)), []
    if not ids:
        return
    try:
        from migralex.search.services import documents_index_many
    except ImportError:
        return
    try:
        documents_index_many(ids)
    except Exception as exc:
        logger.exception("batch indexing of %d documents failed", len(ids))
        for doc_id in ids:
            processing_log_record(
                "batch-index",
                "index",
                StageStatus.ERROR,
                f"{type(exc).__name__}: {exc}",
                document=Document(pk=doc_id),
            )


def stage_index(ctx: Context, unit: Unit) -> None:
    """Reads the document; hands it to search.services.document_index when available (or
    queues it when inside :func:`indexing_deferred`)."""
    with processing_stage(
        ctx.run_id, "index", stored_file=ctx.stored_file, document=unit.document
    ) as outcome:
        try:
            from migralex.search.services import document_index
        except ImportError:
            outcome["status"] = StageStatus.SKIPPED
            outcome["message"] = "search index not available"
            return
        if getattr(_batch, "ids", None) is not None:
            _batch.ids.append(unit.document.pk)
            outcome["message"] = "queued for the batch index commit"
            if len(_batch.ids) >= _batch.flush_every:
                _flush()
            return
        try:
            document_index(unit.document)
        except Exception as exc:
            logger.exception("indexing failed for document %s", unit.document.pk)
            outcome["status"] = StageStatus.ERROR
            outcome["message"] = f"{type(exc).__name__}: {exc}"
            unit.warnings.append(f"indexing failed: {exc}")


def stage_hand_over(ctx: Context, unit: Unit) -> None:
    """Calls every ``hooks.AFTER_VERSION`` hook with the new version; one failing hook is
    logged and the others still run."""
    with processing_stage(
        ctx.run_id, "hand-over", stored_file=ctx.stored_file, document=unit.document
    ) as outcome:
        failures = []
        for hook in list(hooks.AFTER_VERSION):
            try:
                hook(unit.version)
            except Exception as exc:
                name = getattr(hook, "__qualname__", repr(hook))
                logger.exception("hook %s failed for version %s", name, unit.version.pk)
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
        outcome["message"] = f"{len(hooks.AFTER_VERSION)} hooks"
        if failures:
            outcome["status"] = StageStatus.ERROR
            outcome["message"] = "; ".join(failures)
            unit.warnings.extend(failures)


def unit_process(ctx: Context, unit: Unit) -> Unit:
    stage_normalise(ctx, unit)
    stage_deduplicate(ctx, unit)
    if unit.duplicate_of is None:
        stage_language(ctx, unit)
    stage_save(ctx, unit)
    if unit.version is not None:
        stage_analyse(ctx, unit)
        stage_index(ctx, unit)
        stage_hand_over(ctx, unit)
    return unit
