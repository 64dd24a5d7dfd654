"""Ingestion entry points: every file, fetched item, upload and archive member comes in here.

``ingest_bytes`` runs one input through the pipeline (pipeline.py, units.py) and returns its
outcome first, then the outcomes of the inputs it contained (archive members, e-mail
attachments). ``ingest_path`` walks files and folders in sorted order. Outcomes:

* ``ok`` / ``degraded``: documents created or updated (degraded: partial parse);
* ``duplicate``: the same content is already stored (linked, not stored twice);
* ``unchanged``: this input (same bytes, same identity) was ingested before;
* ``rejected``: refused by a rule (unsupported type, too big, zip bomb, encrypted, a limit);
* ``error``: failed, with the reason. The original is kept in every case it could be stored.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from migralex.common import storage
from migralex.common.hashing import sha256_bytes
from migralex.documents.choices import DocType, StageStatus
from migralex.documents.services import processing_log_batched, processing_log_record
from migralex.ingestion import detect, sandbox, selectors
from migralex.ingestion.models import IngestionRecord
from migralex.ingestion.pipeline import (
    Context,
    StageFailed,
    parser_options,
    stage_detect,
    stage_extract,
    stage_store,
)
from migralex.ingestion.units import Unit, indexing_deferred, unit_process

logger = logging.getLogger(__name__)
MAX_DEPTH = 3  # archive in archive in archive: deeper nesting is refused
_REPLAYED = {"ok", "degraded", "duplicate", "unchanged"}
LOOK_AHEAD = 2  # files ingest_path parses ahead while it finishes the current one (0: none)


@dataclass
class IngestOutcome:
    path: str
    status: str  # ok | degraded | duplicate | unchanged | rejected | error
    message: str
    documents: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _item_key(source, item_id: str, source_url: str, name: str) -> str:
    return f"{getattr(source, 'pk', None) or '-'}|{item_id or source_url or name}"[:700]


def ingest_bytes(
    data: bytes,
    *,
    name: str,
    source=None,
    source_url: str = "",
    item_id: str = "",
    owner=None,
    user=None,
    fetched_at=None,
    declared_type: str = "",
    extra_metadata: dict | None = None,
    parent=None,
    depth: int = 0,
    prefetched: sandbox.PendingParse | None = None,
) -> list[IngestOutcome]:
    """Ingest one input; return its outcome followed by those of the inputs it contained.
    ``prefetched``: a parse of these bytes already under way (see ``_parse_ahead``)."""
    ctx = Context(
        data=data,
        name=name,
        run_id=uuid.uuid4().hex,
        source=source,
        source_url=source_url,
        item_id=item_id,
        owner=owner,
        user=user,
        fetched_at=fetched_at,
        declared_type=declared_type,
        extra_metadata=dict(extra_metadata or {}),
        parent=parent,
        depth=depth,
        prefetched=prefetched,
    )
    with processing_log_batched():  # this input's log entries in one INSERT
        return _ingest(ctx)


def _ingest(ctx: Context) -> list[IngestOutcome]:
    key = ctx.item_key = _item_key(ctx.source, ctx.item_id, ctx.source_url, ctx.name)
    sha = sha256_bytes(ctx.data)
    previous = selectors.ingestion_record_find(sha, key)
    if previous is not None and (previous.status in _REPLAYED or previous.status == "rejected"):
        return [_replay(ctx, previous)]
    children: list[IngestOutcome] = []
    try:
        stage_store(ctx)
        stage_detect(ctx)
        if ctx.depth > MAX_DEPTH:
            raise StageFailed("rejected", f"nested more than {MAX_DEPTH} containers deep")
        stage_extract(ctx)
        units = _units_of(ctx)
        documents, statuses, notes = [], [], []
        for unit in units:
            unit_process(ctx, unit)
            if unit.document is not None and unit.document.pk not in documents:
                documents.append(unit.document.pk)
            statuses.append(unit.status)
            notes.extend(unit.warnings)
            if len(units) == 1 and unit.message:
                notes.insert(0, unit.message)
        children = _attachments(ctx, units[0].document if units and ctx.kind == "eml" else None)
        status, message = _summarise(ctx, statuses, notes, children)
        for child in children:
            documents.extend(d for d in child.documents if d not in documents)
    except StageFailed as failure:
        status, message, documents = failure.outcome, failure.reason, []
    except Exception as exc:  # a bug or a database failure: this input fails, the run goes on
        logger.exception("ingestion of %s failed", ctx.name)
        status, message, documents = "error", f"{type(exc).__name__}: {exc}", []
        processing_log_record(
            ctx.run_id, "ingest", StageStatus.ERROR, message, stored_file=ctx.stored_file
        )
    outcome = IngestOutcome(
        path=ctx.name,
        status=status,
        message=" ".join(message.split())[:1000],
        documents=documents,
        seconds=round(time.monotonic() - ctx.started, 3),
    )
    _record(ctx, sha, key, outcome, known=previous is not None)
    return [outcome, *children]


def _replay(ctx: Context, previous: IngestionRecord) -> IngestOutcome:
    IngestionRecord.objects.filter(pk=previous.pk).update(seen_count=previous.seen_count + 1)
    if previous.status == "rejected":
        status, message = "rejected", previous.message
    else:
        status, message = "unchanged", f"ingested before ({previous.status})"
    processing_log_record(
        ctx.run_id, "ingest", StageStatus.SKIPPED, f"{status}: {message}",
        stored_file=previous.stored_file,
    )  # fmt: skip
    return IngestOutcome(
        path=ctx.name,
        status=status,
        message=message,
        documents=list(previous.documents),
        seconds=round(time.monotonic() - ctx.started, 3),
    )


def _record(ctx: Context, sha: str, key: str, outcome: IngestOutcome, known: bool) -> None:
    values = {
        "stored_file": ctx.stored_file,
        "source": ctx.source,
        "kind": ctx.kind,
        "status": outcome.status,
        "message": outcome.message,
        "documents": outcome.documents,
        "run_id": ctx.run_id,
    }
    try:
        with transaction.atomic():
            if known:
                IngestionRecord.objects.update_or_create(sha256=sha, item_key=key, defaults=values)
            else:  # looked up when this input began: create without asking again
                IngestionRecord.objects.create(sha256=sha, item_key=key, **values)
    except IntegrityError:  # a concurrent worker recorded the same input first
        IngestionRecord.objects.filter(sha256=sha, item_key=key).update(**values)


def _units_of(ctx: Context) -> list[Unit]:
    parsed = ctx.parsed
    metadata = {
        **parsed.get("metadata", {}),
        **ctx.extra_metadata,
        "kind": ctx.kind,
        "name": ctx.name,
        "parse": {"status": parsed["status"], "message": parsed["message"]},
    }
    if ctx.declared_type:
        metadata["declared_type"] = ctx.declared_type
    if parsed.get("entries") is not None:
        units = []
        scope = "" if ctx.source else f"{ctx.source_url or ctx.name}#"
        for entry in parsed["entries"]:
            identity = entry["guid"] or entry["link"]
            units.append(
                Unit(
                    title=entry["title"],
                    raw_text=entry["text"] or entry["title"],
                    html=entry["html"],
                    metadata={
                        **entry["metadata"],
                        **ctx.extra_metadata,
                        "kind": "feed-entry",
                        "feed": ctx.name,
                        "feed_title": parsed.get("title", ""),
                    },
                    source_url=entry["link"],
                    item_id=(scope + identity) if identity else "",
                    doc_type=DocType.NEWS,
                )
            )
        return units
    if ctx.kind == "zip":
        return []  # members are inputs of their own
    return [
        Unit(
            title=parsed.get("title", ""),
            raw_text=parsed.get("text", ""),
            html=parsed.get("html", ""),
            metadata=metadata,
            source_url=ctx.source_url,
            item_id=parsed.get("item_id") or ctx.item_id,
            prepared=parsed.pop("prepared", None),
        )
    ]


def _attachments(ctx: Context, parent_document) -> list[IngestOutcome]:
    outcomes = []
    for attachment in ctx.parsed.get("attachments") or []:
        outcomes.extend(
            ingest_bytes(
                attachment["data"],
                name=f"{ctx.name}/{attachment['name']}",
                source=ctx.source,
                owner=ctx.owner or getattr(parent_document, "owner", None),
                user=ctx.user,
                fetched_at=ctx.fetched_at,
                parent=parent_document or ctx.parent,
                depth=ctx.depth + 1,
            )
        )
    ctx.parsed["attachments"] = []  # the bytes are stored now; free the memory
    return outcomes


def _summarise(
    ctx: Context, statuses: list[str], notes: list[str], children: list[IngestOutcome]
) -> tuple[str, str]:
    parsed = ctx.parsed
    parts = [parsed.get("message") or ""]
    if statuses and all(s == "unchanged" for s in statuses):
        # Another input of the same item seen before (a feed re-fetched): an identical text is
        # "unchanged"; the same item arriving as a new input (another file) is a "duplicate".
        # Asked only here (rare), not for every input; this input is recorded after this.
        known_input = IngestionRecord.objects.filter(item_key=ctx.item_key).exists()
        status = "unchanged" if known_input else "duplicate"
    elif statuses and all(s in ("duplicate", "unchanged") for s in statuses):
        status = "duplicate"
    else:
        status = parsed["status"]
    if len(statuses) > 1:
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        parts.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    parts.extend(notes)
    if children:
        failed = [c for c in children if c.status in ("error", "rejected")]
        parts.append(f"{len(children)} contained inputs, {len(failed)} failed")
        if failed and status == "ok":
            status = "degraded"
    return status, "; ".join(p for p in parts if p) or ctx.kind


def ingest_path(path, *, source=None, owner=None, user=None) -> Iterator[IngestOutcome]:
    """Ingest a file, or every file under a folder (recursively, sorted); one outcome per
    file (its members' documents included). Index commits are batched (indexing_deferred)
    and the next files are parsed while the current one is finished (``LOOK_AHEAD``)."""
    root = Path(path)
    files = [root] if not root.is_dir() else sorted(p for p in root.rglob("*") if p.is_file())
    with indexing_deferred():
        yield from _ingest_files(files, source=source, owner=owner, user=user)


def _ingest_files(files: list[Path], *, source, owner, user) -> Iterator[IngestOutcome]:
    # Look-ahead: the next LOOK_AHEAD files are read and parsed (and analysed, see
    # ingestion.prepare) in sandbox workers, on the other core, while this process saves and
    # indexes the current one. Two keep the workers busy: a worker's share of an HTML page
    # (parse, normalise, analyse) costs about what this process's share does. Their originals
    # are stored by a thread, so that the fsync (~6 ms here) does not hold up this process.
    ahead: deque[tuple[bytes | OSError, Future | None]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-look-ahead") as storer:
        try:
            for index, file in enumerate(files):
                started = time.monotonic()
                wanted = min(len(files), index + 1 + int(LOOK_AHEAD))
                while index + len(ahead) < wanted:
                    ahead.append(_read_ahead(files[index + len(ahead)], source, storer))
                data, starting = ahead.popleft()
                pending = _started(starting)
                if isinstance(data, OSError):
                    yield IngestOutcome(str(file), "error", f"cannot read: {data}", [], 0.0)
                    continue
                try:
                    outcomes = ingest_bytes(
                        data,
                        name=str(file),
                        source=source,
                        owner=owner,
                        user=user,
                        item_id=_file_item_id(file),
                        prefetched=pending,
                    )
                finally:
                    if pending is not None:
                        pending.discard()  # unused (input refused or replayed): free its worker
                outcome = outcomes[0]
                outcome.seconds = round(time.monotonic() - started, 3)
                yield outcome
        finally:
            for _, starting in ahead:
                pending = _started(starting)
                if pending is not None:
                    pending.discard()


def _file_item_id(file: Path) -> str:
    return f"file:{file.resolve()}"


def _read_ahead(
    file: Path, source, storer: ThreadPoolExecutor
) -> tuple[bytes | OSError, Future | None]:
    try:
        data = file.read_bytes()
    except OSError as exc:
        return exc, None
    return data, _parse_ahead(data, file, source, storer)


def _parse_ahead(data: bytes, file: Path, source, storer: ThreadPoolExecutor) -> Future | None:
    """Start the sandboxed parse of a file the pipeline will reach next, on its stored blob
    (content-addressed: the same path stage_extract would parse), with the same options: a
    future of its :class:`sandbox.PendingParse`. Nothing is started for an input the
    pipeline will refuse or replay without parsing. An optimisation only: any failure here
    leaves the file to the ordinary path."""
    try:
        if len(data) > settings.MAX_UPLOAD_BYTES:
            return None
        kind = detect.detect_kind(data)
        if kind == "binary":
            return None
        key = _item_key(source, _file_item_id(file), "", str(file))
        if selectors.ingestion_record_find(sha256_bytes(data), key) is not None:
            return None
        return storer.submit(_store_and_parse, data, kind, parser_options(str(file)))
    except Exception:
        logger.exception("look-ahead parse of %s not started", file)
        return None


def _store_and_parse(data: bytes, kind: str, options: dict) -> sandbox.PendingParse:
    """In the look-ahead thread: store the original, then start its parse."""
    sha = storage.blob_put(data)
    return sandbox.PendingParse(kind, storage.blob_path(sha), options)


def _started(starting: Future | None) -> sandbox.PendingParse | None:
    if starting is None:
        return None
    try:
        return starting.result()
    except Exception:
        logger.exception("look-ahead parse not started")
        return None
