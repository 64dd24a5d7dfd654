"""Write paths of the document store. One function per domain change (``<entity>_<action>``);
each keeps the database consistent on its own (one transaction) and is safe to re-run."""

from __future__ import annotations

import difflib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from migralex.common import storage
from migralex.common.hashing import sha256_text
from migralex.common.text import clean
from migralex.documents.choices import AssignmentSource, StageStatus
from migralex.documents.models import (
    Document,
    DocumentTheme,
    Identifier,
    ProcessingLogEntry,
    Relation,
    StoredFile,
    Theme,
    Version,
)

logger = logging.getLogger(__name__)
MAX_DIFF_LINES = 4000


def stored_file_put(data: bytes, original_name: str = "", mime_type: str = "") -> StoredFile:
    """Keep the original bytes (content-addressed, written before anything else can fail)."""
    digest = storage.blob_put(data)
    stored, _ = StoredFile.objects.get_or_create(
        sha256=digest,
        defaults={
            "size": len(data),
            "mime_type": mime_type[:120],
            "original_name": original_name[-500:],
        },
    )
    return stored


def text_diff(old: str, new: str) -> str:
    """Unified line diff between two texts, capped so a rewritten 300-page law stays storable."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=2
    )
    out = []
    for i, line in enumerate(lines):
        if i >= MAX_DIFF_LINES:
            out.append("… (diff truncated)")
            break
        out.append(line)
    return "\n".join(out)


def content_hash_of(normalized_text: str) -> str:
    """Identity of a content: layout (line breaks, spacing) does not make a new version."""
    return sha256_text(" ".join(normalized_text.split()))


@dataclass
class VersionResult:
    version: Version
    created: bool  # False when the content equals the current version's (nothing written)


@transaction.atomic
def version_add(
    document: Document,
    raw_text: str,
    *,
    file: StoredFile | None = None,
    normalized_text: str | None = None,
    html: str = "",
    language: str = "",
    metadata: dict | None = None,
    source_url: str = "",
    fetched_at=None,
    minhash: bytes | None = None,
    new_document: bool = False,
) -> VersionResult:
    """Add a version to ``document`` unless its normalised text equals the current one.
    ``new_document``: the caller created ``document`` in this transaction, so it has no
    version yet and the two look-ups for its current and last versions are skipped."""
    normalized = clean(raw_text) if normalized_text is None else normalized_text
    content_hash = content_hash_of(normalized)
    current, last_number = None, 0
    if not new_document:
        current = Version.objects.select_for_update().filter(pk=document.current_version_id).first()
        if current is not None and current.content_hash == content_hash:
            return VersionResult(current, created=False)
        last_number = document.versions.aggregate(n=Max("number"))["n"] or 0
    version = Version.objects.create(
        document=document,
        number=last_number + 1,
        file=file,
        raw_text=raw_text,
        normalized_text=normalized,
        content_hash=content_hash,
        html=html,
        language=language,
        metadata=metadata or {},
        minhash=minhash,
        diff=text_diff(current.normalized_text, normalized) if current else "",
        source_url=source_url,
        fetched_at=fetched_at or timezone.now(),
    )
    document.current_version = version
    if language and not document.language:
        document.language = language
    document.save(update_fields=["current_version", "language", "updated_at"])
    return VersionResult(version, created=True)


def document_set_identifiers(document: Document, identifiers: Iterable[dict]) -> None:
    """Record official numbers ({"type", "number", "text"}); the first becomes the main one."""
    identifiers = list(identifiers)
    for ident in identifiers:
        Identifier.objects.get_or_create(
            document=document,
            type=ident["type"],
            number=ident["number"],
            defaults={"text": ident.get("text", "")[:300]},
        )
    if identifiers and not document.official_number:
        document.official_number = identifiers[0]["number"]
        document.save(update_fields=["official_number", "updated_at"])
    relations_resolve_for(document)


# Who may overwrite whose theme assignments: a human decision is never replaced by a machine;
# reference data is replaced only by reference data or a human.
_AUTHORITY = {
    AssignmentSource.MODEL: 0,
    AssignmentSource.RULES: 0,
    AssignmentSource.REFERENCE: 1,
    AssignmentSource.HUMAN: 2,
}


@transaction.atomic
def document_set_themes(
    document: Document,
    themes: Iterable[tuple[str, float]],
    assigned_by: str,
    model_version: str = "",
) -> None:
    """Replace the themes of ``document`` that ``assigned_by`` may overwrite (see _AUTHORITY);
    assignments of a higher authority stay as they are."""
    rank = _AUTHORITY[assigned_by]
    links = list(document.theme_links.all())
    stronger = {link.theme_id for link in links if _AUTHORITY[link.assigned_by] > rank}
    document.theme_links.filter(
        pk__in=[link.pk for link in links if link.theme_id not in stronger]
    ).delete()
    themes = list(themes)
    known = set(Theme.objects.values_list("id", flat=True)) if themes else set()
    for theme_id, score in themes:
        if theme_id in known and theme_id not in stronger:
            DocumentTheme.objects.create(
                document=document,
                theme_id=theme_id,
                score=round(float(score), 4),
                assigned_by=assigned_by,
                model_version=model_version,
                confirmed=assigned_by == AssignmentSource.HUMAN,
            )


def relation_add(
    source: Document,
    type: str,
    *,
    target: Document | None = None,
    target_type: str = "",
    target_number: str = "",
    assigned_by: str = AssignmentSource.RULES,
) -> Relation:
    """Link ``source`` to a known document, or to an official reference resolved later."""
    if target is not None and not target_number:
        target_type, target_number = target.doc_type, target.official_number or str(target.uid)
    if target is None:
        target = _document_by_identifier(target_type, target_number, exclude=source.pk)
    relation, created = Relation.objects.get_or_create(
        source=source,
        type=type,
        target_type=target_type,
        target_number=target_number,
        defaults={"target": target, "assigned_by": assigned_by},
    )
    if not created and relation.target_id is None and target is not None:
        relation.target = target
        relation.save(update_fields=["target"])
    return relation


def _document_by_identifier(type_: str, number: str, exclude: int | None = None) -> Document | None:
    qs = Document.objects.filter(identifiers__type=type_, identifiers__number=number)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("created_at").first()


def relations_resolve_for(document: Document) -> int:
    """Point the dangling relations that cite one of ``document``'s numbers at it."""
    resolved = 0
    for ident in document.identifiers.all():
        resolved += (
            Relation.objects.filter(
                target__isnull=True, target_type=ident.type, target_number=ident.number
            )
            .exclude(source=document)
            .update(target=document)
        )
    return resolved


_log_batch = threading.local()


@contextmanager
def processing_log_batched() -> Iterator[None]:
    """Within this block (one ingestion run) processing-log entries are kept in memory and
    written in one INSERT when it ends, whatever happened, instead of one INSERT per stage
    (measured: ten per HTML page, ~3 ms of the ingesting process's ~19). A nested block
    writes its own entries when it ends; the enclosing block's wait for its own end."""
    outer = getattr(_log_batch, "entries", None)
    _log_batch.entries = []
    try:
        yield
    finally:
        entries, _log_batch.entries = _log_batch.entries, outer
        ProcessingLogEntry.objects.bulk_create(entries)


def processing_log_record(
    run_id: str,
    stage: str,
    status: str,
    message: str = "",
    *,
    document: Document | None = None,
    stored_file: StoredFile | None = None,
    duration_ms: int = 0,
) -> ProcessingLogEntry:
    entry = ProcessingLogEntry(
        run_id=run_id,
        stage=stage,
        status=status,
        message=message[:5000],
        document=document,
        stored_file=stored_file,
        duration_ms=duration_ms,
    )
    batch = getattr(_log_batch, "entries", None)
    if batch is None:
        entry.save()
    else:
        batch.append(entry)
    return entry


def processing_log_attach(run_id: str, document: Document) -> None:
    """Point the entries of ``run_id`` recorded before its document existed at it. Inside
    :func:`processing_log_batched` (which must enclose the whole run) they are still in
    memory; otherwise they are updated in the database."""
    batch = getattr(_log_batch, "entries", None)
    if batch is None:
        ProcessingLogEntry.objects.filter(run_id=run_id, document=None).update(document=document)
        return
    for entry in batch:
        if entry.run_id == run_id and entry.document_id is None:
            entry.document = document


@contextmanager
def processing_stage(run_id: str, stage: str, **targets) -> Iterator[dict]:
    """Time a stage and log its outcome. The body may set ``outcome["status"|"message"]``;
    an exception is logged as an error with its readable message, then re-raised."""
    outcome: dict = {"status": StageStatus.OK, "message": ""}
    started = time.monotonic()
    try:
        yield outcome
    except Exception as exc:
        processing_log_record(
            run_id,
            stage,
            StageStatus.ERROR,
            f"{type(exc).__name__}: {exc}",
            duration_ms=int((time.monotonic() - started) * 1000),
            **_current_targets(targets, outcome),
        )
        raise
    processing_log_record(
        run_id,
        stage,
        outcome["status"],
        outcome["message"],
        duration_ms=int((time.monotonic() - started) * 1000),
        **_current_targets(targets, outcome),
    )


def _current_targets(targets: dict, outcome: dict) -> dict:
    # A stage may create the document it logs against; it puts it in the outcome.
    merged = dict(targets)
    for key in ("document", "stored_file"):
        if outcome.get(key) is not None:
            merged[key] = outcome[key]
    return merged
