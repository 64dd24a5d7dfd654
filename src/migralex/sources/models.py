"""Watched sources and their polling state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("RSS/Atom/RDF feed")
        PAGE = "page", _("Web page")
        LISTING = "listing", _("Listing of documents")
        SITEMAP = "sitemap", _("Sitemap")
        MAILBOX = "mailbox", _("IMAP mailbox")
        FOLDER = "folder", _("Watched folder")
        JSON_API = "json-api", _("JSON API")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    url = models.CharField(_("address"), max_length=2000)  # http(s) URL, file path or imap:// URL
    interval_minutes = models.PositiveIntegerField(_("check every (minutes)"), default=60)
    enabled = models.BooleanField(default=True)
    # Kind-specific settings: CSS/XPath selection, ignore rules, link pattern, field mapping…
    config = models.JSONField(default=dict, blank=True)
    country = models.CharField(max_length=8, blank=True)
    language = models.CharField(max_length=8, blank=True)
    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sources"
    )
    ignore_robots = models.BooleanField(default=False)
    # Polling state.
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=1000, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    documents_found = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Detection delay = when we saw an item minus when the source says it was published; the
    # average is total / count (kept as two numbers so updating it is one cheap UPDATE).
    detection_delay_total_s = models.FloatField(default=0)
    detection_count = models.PositiveIntegerField(default=0)
    # Poller state that is not configuration (IMAP UIDVALIDITY and last UID, …).
    cursor = models.JSONField(default=dict, blank=True)
    failure_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def average_detection_delay_s(self) -> float | None:
        if not self.detection_count:
            return None
        return self.detection_delay_total_s / self.detection_count


class SourceItem(models.Model):
    """Something a source listed once (feed entry, linked PDF, sitemap URL, mail part, file),
    remembered so an unchanged item is never handed to ingestion twice."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=500)  # feed GUID or link, URL, mail Message-ID#part, path
    url = models.CharField(max_length=2000, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # A cheap signature checked before reading content (file size+mtime, sitemap lastmod).
    signature = models.CharField(max_length=200, blank=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="source_item_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.key[:60]}"


class Snapshot(models.Model):
    """The selected, normalised text of a watched web page each time it changed."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    url = models.CharField(max_length=2000)
    fetched_at = models.DateTimeField(db_index=True)
    content_hash = models.CharField(max_length=64)
    text = models.TextField()
    diff = models.TextField(blank=True)  # unified diff against the previous snapshot
    lines_added = models.PositiveIntegerField(default=0)
    lines_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-fetched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} @ {self.fetched_at:%Y-%m-%d %H:%M}"


class PollRecord(models.Model):
    """A poll that found something or failed (unchanged polls only update the source, so a
    thousand sources polled every few minutes do not grow the table)."""

    class Status(models.TextChoices):
        CHANGED = "changed", _("changed")
        ERROR = "error", _("error")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="poll_records")
    started_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    items_handed = models.PositiveIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} {self.status} {self.started_at:%Y-%m-%d %H:%M}"
