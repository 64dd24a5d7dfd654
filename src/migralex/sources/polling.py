"""One poll of one source: fetch what is new, hand it to ingestion, record the outcome."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.utils import timezone

from migralex.sources.models import Source

logger = logging.getLogger(__name__)
MAX_BACKOFF_MINUTES = 24 * 60


def _poll_folder(source: Source) -> int:
    """Ingest every file of the folder; the pipeline reports unchanged inputs as such."""
    from migralex.ingestion.services import ingest_path

    root = Path(source.url)
    if not root.is_dir():
        raise FileNotFoundError(f"folder {root} does not exist")
    found = 0
    for outcome in ingest_path(root, source=source):
        if outcome.status in ("ok", "degraded"):
            found += len(outcome.documents)
    return found


POLLERS = {Source.Kind.FOLDER: _poll_folder}


def source_poll(source: Source) -> None:
    """Poll ``source`` now; a failure is recorded on the source and backs off, never raised."""
    now = timezone.now()
    poller = POLLERS.get(source.kind)
    try:
        if poller is None:
            raise NotImplementedError(f"sources of type {source.kind!r} cannot be polled yet")
        found = poller(source)
    except Exception as exc:
        logger.warning("source %s failed: %s", source.pk, exc)
        source.consecutive_failures += 1
        source.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        delay = min(
            source.interval_minutes * 2 ** min(source.consecutive_failures, 10), MAX_BACKOFF_MINUTES
        )
    else:
        source.consecutive_failures = 0
        source.last_error = ""
        if found:
            source.last_changed_at = now
            source.documents_found += found
        delay = source.interval_minutes
    source.last_checked_at = now
    source.next_check_at = now + dt.timedelta(minutes=delay)
    source.save()
