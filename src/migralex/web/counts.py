"""The dashboard's counts, kept up to date rather than recomputed on every request.

Why a stored row per audience and not a cache: counting 100,000 documents by theme, country and
type takes a few hundred milliseconds in SQLite, and the counts differ by audience (anonymous
visitors see published public documents; members of an organisation also see its own). A row in
the database is shared by every web process and worker, survives restarts, and needs no cache
server on the embedded default.

When the counts are refreshed:

* on read, when the store changed since they were computed — detected by a fingerprint of the
  largest ids of documents, versions and theme links (three index look-ups, asked at most once
  every ``MIN_INTERVAL`` per process) — but at most once every ``MIN_INTERVAL`` so a busy
  ingestion does not make every dashboard view recount; one request recounts (it takes a row lock) while the others serve the
  previous counts;
* by the periodic job ``dashboard_counts_refresh_all`` (config/schedules.py), which also catches
  what the fingerprint cannot see (deletions, edits of a document's fields, a week rolling over);
* at once after a change made through the web pages (``dashboard_counts_invalidate``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from migralex.documents.models import Document, DocumentTheme, Version
from migralex.documents.selectors import documents_visible_to
from migralex.web.models import DashboardCounts

logger = logging.getLogger(__name__)

MIN_INTERVAL = dt.timedelta(seconds=20)
MAX_AGE = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(seconds=60)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def audience_of(user) -> str:
    """The key of the counts ``user`` may see (the visibility rule of documents.selectors)."""
    if user is None or not user.is_authenticated:
        return "public"
    if user.is_superuser:
        return "all"
    return f"org:{user.organisation_id or 0}"


def _viewer(audience: str):
    """A stand-in user for ``audience``, so the one visibility rule decides what is counted."""
    if audience == "public":
        return None
    if audience == "all":
        return SimpleNamespace(is_authenticated=True, is_superuser=True, organisation_id=None)
    org = int(audience.split(":", 1)[1]) or None
    return SimpleNamespace(is_authenticated=True, is_superuser=False, organisation_id=org)


def store_fingerprint() -> str:
    doc = Document.objects.aggregate(m=Max("id"))["m"] or 0
    ver = Version.objects.aggregate(m=Max("id"))["m"] or 0
    theme = DocumentTheme.objects.aggregate(m=Max("id"))["m"] or 0
    return f"{doc}:{ver}:{theme}"


def counts_compute(audience: str, now: dt.datetime | None = None) -> dict:
    """Count what ``audience`` may see. Slow on a large store: called by refreshes only."""
    now = now or timezone.now()
    qs = documents_visible_to(_viewer(audience))
    since_year = (now - dt.timedelta(days=365)).replace(day=1, hour=0, minute=0, second=0)
    totals = qs.aggregate(
        total=Count("id"),
        week=Count("id", filter=Q(created_at__gte=now - dt.timedelta(days=7))),
        month=Count("id", filter=Q(created_at__gte=now - dt.timedelta(days=30))),
        relevant=Count("id", filter=Q(relevant=True)),
    )

    def by(field: str) -> list[list]:
        rows = qs.exclude(**{field: ""}).values_list(field).annotate(n=Count("id"))
        return sorted(([v, n] for v, n in rows), key=lambda r: (-r[1], r[0]))

    by_theme = dict(
        qs.filter(theme_links__isnull=False)
        .values_list("theme_links__theme_id")
        .annotate(n=Count("id", distinct=True))
    )
    by_group = dict(
        qs.filter(theme_links__isnull=False)
        .values_list("theme_links__theme__group")
        .annotate(n=Count("id", distinct=True))
    )
    months = (
        qs.filter(created_at__gte=since_year)
        .annotate(m=TruncMonth("created_at"))
        .values_list("m")
        .annotate(n=Count("id"))
    )
    by_month = sorted([m.strftime("%Y-%m"), n] for m, n in months if m is not None)
    return {
        **totals,
        "by_theme": by_theme,
        "by_group": by_group,
        "by_country": by("country"),
        "by_type": by("doc_type"),
        "by_language": by("language"),
        "by_month": by_month,
    }


def counts_refresh(audience: str) -> DashboardCounts:
    """Recount ``audience`` now and store the result."""
    fingerprint = store_fingerprint()
    now = timezone.now()
    data = counts_compute(audience, now)
    row, _ = DashboardCounts.objects.update_or_create(
        audience=audience,
        defaults={
            "data": data,
            "fingerprint": fingerprint,
            "computed_at": now,
            "refreshing_until": None,
        },
    )
    return row


def dashboard_counts_refresh_all() -> int:
    """Periodic job: recount every audience seen so far (plus the public one)."""
    audiences = set(DashboardCounts.objects.values_list("audience", flat=True)) | {"public"}
    for audience in sorted(audiences):
        counts_refresh(audience)
    return len(audiences)


def dashboard_counts_invalidate() -> None:
    """Make the next dashboard view recount (after a change made through the pages)."""
    DashboardCounts.objects.update(computed_at=EPOCH, refreshing_until=None)


def _claim(audience: str, now: dt.datetime) -> bool:
    """Take the right to recount ``audience`` unless another request holds it."""
    with transaction.atomic():
        return bool(
            DashboardCounts.objects.filter(audience=audience)
            .filter(Q(refreshing_until__isnull=True) | Q(refreshing_until__lt=now))
            .update(refreshing_until=now + LOCK_FOR)
        )


def counts_for(user) -> dict:
    """The counts ``user`` may see, recounted first only when they are out of date. The
    ``stamp`` key names this computation (audience and time), for caching what is drawn from it."""
    row = _counts_row(audience_of(user))
    return {**row.data, "stamp": f"{row.audience}@{row.computed_at.timestamp()}"}


def _counts_row(audience: str) -> DashboardCounts:
    row = DashboardCounts.objects.filter(audience=audience).first()
    if row is None:
        return counts_refresh(audience)
    now = timezone.now()
    age = now - row.computed_at
    stale = age > MAX_AGE or (age > MIN_INTERVAL and _store_changed_since(row))
    if stale and _claim(audience, now):
        try:
            return counts_refresh(audience)
        except Exception:
            # Serve the previous counts rather than an error page; the next view retries.
            logger.exception("dashboard counts refresh failed for %s", audience)
            DashboardCounts.objects.filter(audience=audience).update(refreshing_until=None)
    return row


# audience -> (computed_at of its row, monotonic time the store was last found unchanged since)
_UNCHANGED: dict[str, tuple[dt.datetime, float]] = {}


def _store_changed_since(row: DashboardCounts) -> bool:
    """Whether the store changed since ``row`` was counted. Without a recount the row keeps its
    age, so each process asks the database at most once every ``MIN_INTERVAL``, not at every
    dashboard view."""
    now = time.monotonic()
    counted, checked = _UNCHANGED.get(row.audience, (None, 0.0))
    if counted == row.computed_at and now - checked < MIN_INTERVAL.total_seconds():
        return False
    if row.fingerprint != store_fingerprint():
        return True
    _UNCHANGED[row.audience] = (row.computed_at, now)
    return False
