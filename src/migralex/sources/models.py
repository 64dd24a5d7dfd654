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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
