"""Write paths of source monitoring. ``sources_poll_due`` is the scheduler's entry point
(config/schedules.py); ``source_add`` is what the CLI, the API and the admin call."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q
from django.utils import timezone

from migralex.common.http import clients_close, url_check
from migralex.sources.models import PollRecord, Source
from migralex.sources.polling import Sink, source_poll

logger = logging.getLogger(__name__)
_cycle_lock = threading.Lock()  # one cycle at a time in this process; Huey's lock across hosts


def sources_due(now: dt.datetime | None = None):
    now = now or timezone.now()
    return Source.objects.filter(enabled=True).filter(
        Q(next_check_at__isnull=True) | Q(next_check_at__lte=now)
    )


def sources_poll(sources, *, workers: int | None = None, sink: Sink | None = None) -> dict:
    """Poll ``sources`` with a pool of threads (I/O bound; per-host limits live in the gate).
    Returns ``{"unchanged": n, "changed": n, "error": n}``."""
    sources = list(sources)
    workers = min(workers or settings.SOURCE_POLL_WORKERS, max(len(sources), 1))
    counts = {"unchanged": 0, "changed": 0, "error": 0}
    if workers == 1:
        for source in sources:
            counts[source_poll(source, sink=sink)] += 1
        return counts

    def run(source: Source) -> str:
        try:
            return source_poll(source, sink=sink)
        finally:
            close_old_connections()

    def finish_thread(_):
        clients_close()
        connections.close_all()

    with ThreadPoolExecutor(workers, thread_name_prefix="poll") as pool:
        for status in pool.map(run, sources):
            counts[status] += 1
        # Release each worker thread's HTTP pools and database connection.
        list(pool.map(finish_thread, range(workers)))
    return counts


def sources_poll_due() -> int:
    """Poll every enabled source whose next check is due; return how many were polled.
    Runs every minute; a cycle still running (this process or, via Huey's lock, another
    worker machine) makes the next tick return at once instead of polling twice."""
    from huey.exceptions import TaskLockedException

    if not _cycle_lock.acquire(blocking=False):
        return 0
    try:
        try:
            from huey.contrib.djhuey import HUEY

            lock = HUEY.lock_task("sources-poll-cycle")
            with lock:
                counts = sources_poll(sources_due())
        except TaskLockedException:
            return 0
    finally:
        _cycle_lock.release()
    return sum(counts.values())


# --- adding sources ---------------------------------------------------------------------------


class SourceError(ValueError):
    """A source that cannot be added, with a readable reason."""


def poll_records_prune(days: int | None = None) -> int:
    """Delete the poll records (changes and failures) older than ``days`` (default
    ``SOURCE_POLL_HISTORY_DAYS``); the sources' own counters and the snapshots are kept."""
    days = settings.SOURCE_POLL_HISTORY_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = PollRecord.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def source_kind_detect(url: str) -> str:
    """The type of a source from its address, and for web addresses from what it serves."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("imap", "imaps"):
        return Source.Kind.MAILBOX
    if scheme == "file" or (not scheme and Path(url).expanduser().is_absolute()):
        return Source.Kind.FOLDER
    if scheme not in ("http", "https"):
        raise SourceError(f"unsupported address {url!r}")
    from migralex.sources.politeness import polite_fetch

    result = polite_fetch(url, max_bytes=5 * 1024 * 1024)
    return kind_from_content(result.content_type, result.content)


def kind_from_content(content_type: str, data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    if content_type.endswith("json") or head[:1] in (b"{", b"["):
        return Source.Kind.JSON_API
    if b"<urlset" in head or b"<sitemapindex" in head:
        return Source.Kind.SITEMAP
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head or "rss" in content_type:
        return Source.Kind.FEED
    if "atom" in content_type:
        return Source.Kind.FEED
    if content_type in ("text/html", "application/xhtml+xml", "") or b"<html" in head:
        return Source.Kind.PAGE
    raise SourceError(f"cannot watch content of type {content_type!r}; give --type")


def source_add(
    url: str,
    *,
    kind: str | None = None,
    name: str = "",
    interval_minutes: int = 60,
    config: dict | None = None,
    owner=None,
    country: str = "",
    language: str = "",
    ignore_robots: bool = False,
) -> Source:
    """Create a source after checking its address; detect its type when not given."""
    from migralex.accounts.services import organisation_default

    url = url.strip()
    if url.startswith("file://") and kind in (None, Source.Kind.FOLDER):
        url = urlsplit(url).path
    kind = kind or source_kind_detect(url)
    if kind not in Source.Kind.values:
        raise SourceError(f"unknown source type {kind!r}")
    if kind == Source.Kind.FOLDER:
        from migralex.sources.folder import folder_check

        try:
            url = str(folder_check(url))
        except PermissionError as exc:
            raise SourceError(str(exc)) from exc
    elif kind == Source.Kind.MAILBOX:
        if urlsplit(url).scheme not in ("imap", "imaps"):
            raise SourceError("a mailbox address starts with imap:// or imaps://")
    elif url.startswith("file://"):  # a feed or page kept on local disk (the offline demo)
        from migralex.sources.folder import folder_check

        try:
            url = "file://" + str(folder_check(urlsplit(url).path))
        except PermissionError as exc:
            raise SourceError(str(exc)) from exc
    else:
        url_check(url)
    if interval_minutes < 1:
        raise SourceError("the interval must be at least one minute")
    source, created = Source.objects.get_or_create(
        kind=kind,
        url=url,
        defaults={
            "name": (name or url)[:300],
            "interval_minutes": interval_minutes,
            "config": config or {},
            "owner": owner or organisation_default(),
            "country": country,
            "language": language,
            "ignore_robots": ignore_robots,
        },
    )
    if not created:
        raise SourceError(f"this source already exists (#{source.pk} {source.name})")
    return source


def interval_parse(text: str) -> int:
    """``30m``, ``1h``, ``2d`` or a number of minutes → minutes."""
    text = text.strip().lower()
    units = {"m": 1, "h": 60, "d": 1440}
    try:
        if text[-1:] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError as exc:
        raise SourceError(f"cannot read the interval {text!r} (use 30m, 1h, 1d)") from exc
