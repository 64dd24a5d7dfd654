"""Reads of source monitoring: the health listing (failing sources first)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from migralex.sources.models import PollRecord, Snapshot, Source


def sources_by_health() -> QuerySet[Source]:
    """Failing sources first (longest streak first), then the ones checked longest ago."""
    return Source.objects.order_by(
        F("consecutive_failures").desc(), F("last_checked_at").asc(nulls_first=True), "name"
    )


def source_health_row(s: Source) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "kind": s.kind,
        "url": s.url,
        "enabled": s.enabled,
        "last_checked_at": s.last_checked_at,
        "last_changed_at": s.last_changed_at,
        "next_check_at": s.next_check_at,
        "consecutive_failures": s.consecutive_failures,
        "average_detection_delay_s": s.average_detection_delay_s,
        "documents_found": s.documents_found,
        # One readable line, whatever the exception said.
        "last_error": " ".join(s.last_error.split())[:300],
    }


def source_health_rows() -> list[dict]:
    return [source_health_row(s) for s in sources_by_health()]


def source_snapshots(source: Source, limit: int = 20) -> QuerySet[Snapshot]:
    return source.snapshots.all()[:limit]


def source_poll_records(source: Source, limit: int = 50) -> QuerySet[PollRecord]:
    return source.poll_records.all()[:limit]
