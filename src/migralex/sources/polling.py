"""One poll of one source: ask its poller for what is new or changed, hand each item to
ingestion, remember what was handed, and record the outcome on the source.

A poller (``migralex.sources.fetchers`` for the web kinds, ``folder`` and ``mailbox`` for the
local ones) reads the source through a :class:`Poll` and returns a :class:`PollResult` listing
only the items whose content differs from what was handed before. Validators (ETag,
Last-Modified, body hash) and item hashes are saved only *after* every item was handed over,
so a failure half-way is retried on the next poll instead of being forgotten.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from migralex.common.http import FetchResult
from migralex.sources.models import PollRecord, Source, SourceItem
from migralex.sources.politeness import polite_fetch

logger = logging.getLogger(__name__)
MAX_BACKOFF_MINUTES = 24 * 60
JITTER = 0.1  # ± share of the interval, so sources added together do not poll in lockstep
MAX_DELAY_COUNTED = dt.timedelta(days=7)  # older items are a backlog, not a detection delay


@dataclass
class Item:
    """One thing to hand to ingestion."""

    key: str  # stable identity in the source: GUID, URL, Message-ID#part, relative path
    url: str
    name: str  # file name hint for the parser registry (``entry.html``, ``decree.pdf``)
    data: bytes
    content_hash: str
    signature: str = ""
    published: dt.datetime | None = None


@dataclass
class PollResult:
    items: list[Item] = field(default_factory=list)
    http_status: int | None = None
    # Source-level state saved once the items are handed: etag, last_modified, content_hash,
    # cursor. None = leave unchanged.
    state: dict = field(default_factory=dict)
    changed: bool = False  # the source changed even if no item is handed (page snapshot)
    notes: list[str] = field(default_factory=list)  # degraded parses, skipped items


@dataclass
class HandOff:
    documents: int
    document_id: int | None = None
    error: str = ""


Sink = Callable[[Source, Item, dt.datetime], HandOff]


def ingest_item(source: Source, item: Item, fetched_at: dt.datetime) -> HandOff:
    """Hand one item to the ingestion pipeline (the default sink)."""
    from migralex.ingestion.services import ingest_bytes

    outcomes = ingest_bytes(
        item.data,
        name=item.name,
        source=source,
        source_url=item.url,
        item_id=item.key,
        fetched_at=fetched_at,
    )
    # Only new documents or new versions count as found; "unchanged"/"duplicate" do not.
    documents = [d for o in outcomes if o.status in ("ok", "degraded") for d in o.documents]
    linked = [d for o in outcomes for d in o.documents]
    errors = [f"{o.status}: {o.message}" for o in outcomes if o.status in ("error", "rejected")]
    first = linked[0] if linked else None
    return HandOff(
        documents=len(documents),
        document_id=getattr(first, "pk", first),
        error="; ".join(errors)[:500],
    )


class Poll:
    """What a poller may use: the source, polite fetching, and the memory of known items."""

    def __init__(self, source: Source, now: dt.datetime):
        self.source = source
        self.now = now
        self._known: dict[str, SourceItem] | None = None

    def fetch(self, url: str, *, conditional: bool = False, **kwargs) -> FetchResult:
        if url.startswith("file://"):
            return _file_fetch(url, self.source.etag if conditional else "")
        if conditional:
            kwargs.setdefault("etag", self.source.etag or None)
            kwargs.setdefault("last_modified", self.source.last_modified or None)
        return polite_fetch(url, ignore_robots=self.source.ignore_robots, **kwargs)

    def known(self) -> dict[str, SourceItem]:
        if self._known is None:
            self._known = {item.key: item for item in self.source.items.all()}
        return self._known

    def is_new_or_changed(self, key: str, content_hash: str) -> bool:
        item = self.known().get(key)
        return item is None or item.content_hash != content_hash

    def signature_of(self, key: str) -> str | None:
        item = self.known().get(key)
        return item.signature if item else None


def _file_fetch(url: str, etag: str) -> FetchResult:
    """A local file read like a web resource (the offline demo feed, a feed an export job
    drops on disk). Only under the folders a watched-folder source may read; the ETag is the
    file's size and modification time, so an untouched file answers "304"."""
    import mimetypes
    from pathlib import Path
    from urllib.parse import unquote, urlsplit

    import httpx

    from migralex.common.http import TooLarge
    from migralex.sources.folder import folder_check

    path = folder_check(unquote(urlsplit(url).path))
    stat = path.stat()
    tag = f'"{stat.st_size}-{stat.st_mtime_ns}"'
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = httpx.Headers({"etag": tag, "content-type": ctype})
    if etag == tag:
        return FetchResult(url, 304, b"", headers, not_modified=True)
    if stat.st_size > settings.FETCH_MAX_BYTES:
        raise TooLarge(f"{path} exceeds the size cap", url=url)
    return FetchResult(url, 200, Path(path).read_bytes(), headers)


def _poller(kind: str):
    from migralex.sources import fetchers, folder, mailbox

    return {
        Source.Kind.FEED: fetchers.poll_feed,
        Source.Kind.PAGE: fetchers.poll_page,
        Source.Kind.LISTING: fetchers.poll_listing,
        Source.Kind.SITEMAP: fetchers.poll_sitemap,
        Source.Kind.JSON_API: fetchers.poll_json_api,
        Source.Kind.FOLDER: folder.poll_folder,
        Source.Kind.MAILBOX: mailbox.poll_mailbox,
    }.get(kind)


def _next_check(source: Source, now: dt.datetime, minutes: float) -> dt.datetime:
    import random

    jitter = 1 + random.uniform(-JITTER, JITTER)
    return now + dt.timedelta(minutes=minutes * jitter)


def source_poll(source: Source, *, sink: Sink | None = None) -> str:
    """Poll ``source`` now; return ``"unchanged"``, ``"changed"`` or ``"error"``. A failure is
    recorded on the source (last error, failures in a row, back-off) and never raised."""
    sink = sink or ingest_item
    now = timezone.now()
    started = time.monotonic()
    poll = Poll(source, now)
    handed = documents = 0
    errors: list[str] = []
    result = PollResult()
    try:
        poller = _poller(source.kind)
        if poller is None:
            raise NotImplementedError(f"sources of type {source.kind!r} cannot be polled")
        result = poller(poll)
        for item in result.items:
            outcome = sink(source, item, now)
            handed += 1
            documents += outcome.documents
            if outcome.error:
                errors.append(f"{item.key}: {outcome.error}")
            _item_remember(poll, item, outcome)
            _count_delay(source, item, now)
    except Exception as exc:
        if not isinstance(exc, OSError | ValueError | LookupError) and not hasattr(exc, "code"):
            logger.exception("source %s: unexpected error", source.pk)
        _record_failure(source, now, started, exc, result, handed, documents)
        return "error"
    status = "changed" if (handed or result.changed) else "unchanged"
    _record_success(source, now, started, status, result, handed, documents, errors)
    return status


def _item_remember(poll: Poll, item: Item, outcome: HandOff) -> None:
    known = poll.known()
    existing = known.get(item.key)
    if existing is None:
        known[item.key] = SourceItem.objects.create(
            source=poll.source,
            key=item.key[:500],
            url=item.url[:2000],
            content_hash=item.content_hash,
            signature=item.signature[:200],
            document_id=outcome.document_id,
            last_changed_at=poll.now,
        )
        return
    existing.content_hash = item.content_hash
    existing.signature = item.signature[:200]
    existing.last_changed_at = poll.now
    existing.document_id = outcome.document_id or existing.document_id
    existing.save(update_fields=["content_hash", "signature", "last_changed_at", "document"])


def _count_delay(source: Source, item: Item, now: dt.datetime) -> None:
    # The first poll of a source sees its whole backlog: that is not a detection delay.
    if item.published is None or source.last_checked_at is None:
        return
    delay = now - item.published
    if dt.timedelta(0) <= delay <= MAX_DELAY_COUNTED:
        source.detection_delay_total_s += delay.total_seconds()
        source.detection_count += 1


def _record_success(source, now, started, status, result, handed, documents, errors) -> None:
    for key in ("etag", "last_modified", "content_hash", "cursor"):
        if key in result.state:
            value = result.state[key]
            setattr(source, key, value if key == "cursor" else (value or "")[:500])
    source.consecutive_failures = 0
    source.failure_notified_at = None
    source.last_error = "; ".join(errors)[:1000]
    source.last_checked_at = now
    source.next_check_at = _next_check(source, now, source.interval_minutes)
    if status == "changed":
        source.last_changed_at = now
        source.documents_found += documents
        PollRecord.objects.create(
            source=source,
            started_at=now,
            duration_ms=int((time.monotonic() - started) * 1000),
            status=PollRecord.Status.CHANGED,
            http_status=result.http_status,
            items_handed=handed,
            documents=documents,
            message="\n".join(result.notes + errors)[:5000],
        )
    source.save()


def _record_failure(source, now, started, exc, result, handed, documents) -> None:
    source.consecutive_failures += 1
    message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    source.last_error = message[:1000]
    source.last_checked_at = now
    backoff = source.interval_minutes * 2 ** min(source.consecutive_failures, 10)
    source.next_check_at = _next_check(source, now, min(backoff, MAX_BACKOFF_MINUTES))
    source.documents_found += documents
    with transaction.atomic():
        PollRecord.objects.create(
            source=source,
            started_at=now,
            duration_ms=int((time.monotonic() - started) * 1000),
            status=PollRecord.Status.ERROR,
            http_status=getattr(exc, "status", None) or result.http_status,
            items_handed=handed,
            documents=documents,
            message=message[:5000],
        )
        source.save()
    if source.consecutive_failures >= settings.SOURCE_FAILURE_NOTIFY_AFTER:
        from migralex.sources.notify import source_failure_notify

        source_failure_notify(source)
