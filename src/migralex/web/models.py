"""Models of the web app: the dashboard's counts, kept up to date instead of recomputed per page.

Counting 100,000 documents by theme, country and type costs a few hundred milliseconds in SQLite,
far above the dashboard's budget, so each audience's counts are stored as one row (see
``counts.py`` for when they are refreshed).
"""

from __future__ import annotations

from django.db import models


class DashboardCounts(models.Model):
    """Counts of the documents one audience may see (``public``, ``all``, ``org:<id>``)."""

    audience = models.CharField(max_length=40, primary_key=True)
    data = models.JSONField(default=dict)
    # Max ids of documents, versions and theme links when computed: a cheap change detector.
    fingerprint = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()
    # Set while one process recomputes, so concurrent requests serve the previous counts.
    refreshing_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"counts for {self.audience} at {self.computed_at:%Y-%m-%d %H:%M:%S}"
