"""Polling of sources. ``sources_poll_due`` is the scheduler's entry point (config/schedules)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from migralex.sources.models import Source

logger = logging.getLogger(__name__)


def sources_due(now: dt.datetime | None = None):
    now = now or timezone.now()
    return Source.objects.filter(enabled=True).filter(
        Q(next_check_at__isnull=True) | Q(next_check_at__lte=now)
    )


def sources_poll_due() -> int:
    """Poll every enabled source whose next check is due; return how many were polled."""
    from migralex.sources.polling import source_poll

    polled = 0
    for source in sources_due():
        source_poll(source)
        polled += 1
    return polled
