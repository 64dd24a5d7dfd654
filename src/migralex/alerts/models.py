"""Alerts and dissemination: saved searches and their subscriptions, stored hits, the delivery
log, bulletins and mailing lists. Business rules live in ``services.py`` (matching, hits),
``delivery.py`` (e-mail, digests), ``webhooks.py`` and ``bulletins.py``; reads in
``selectors.py``."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """An unguessable URL-safe token (feeds, unsubscribe and confirmation links)."""
    return secrets.token_urlsafe(24)


class Frequency(models.TextChoices):
    REALTIME = "realtime", _("As soon as a text appears")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class SavedSearch(models.Model):
    """A search a user keeps, and how they want to hear of new matches.

    A theme or a country is followed with a filter-only query (``theme:asylum-refugees``); a
    single document is followed with ``followed_document`` (its new versions and any text that
    amends, repeals, implements or cites it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=200)
    query = models.CharField(_("query"), max_length=1000, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    expand = models.BooleanField(_("include translations from the thesaurus"), default=True)
    followed_document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    # Digest time in the user's own time zone (``User.time_zone``): hour, and weekday for weekly
    # digests (0 = Monday).
    digest_hour = models.PositiveSmallIntegerField(_("hour of the digest"), default=8)
    digest_weekday = models.PositiveSmallIntegerField(_("day of the weekly digest"), default=0)
    paused = models.BooleanField(_("paused"), default=False)
    webhook_url = models.URLField(_("webhook address"), max_length=1000, blank=True)
    webhook_secret = models.CharField(max_length=64, default=new_token, editable=False)
    webhook_failures = models.PositiveIntegerField(default=0)
    webhook_disabled_at = models.DateTimeField(null=True, blank=True)
    webhook_last_error = models.CharField(max_length=500, blank=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    # While a sender works on this alert's e-mail (a lease, so two workers never send the same
    # hits twice; it expires by itself if the worker dies).
    sending_until = models.DateTimeField(null=True, blank=True)
    # The digest slot last served (UTC): a digest is due when a later slot has passed.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name


class MatchedVersion(models.Model):
    """Marks a version as percolated, so retries and re-ingestion never match it twice."""

    version = models.OneToOneField(
        "documents.Version", on_delete=models.CASCADE, related_name="alert_match"
    )
    hits = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"saved_search": id, "error": …}]
    matched_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"version {self.version_id}: {self.hits} hits"


class Hit(models.Model):
    """One saved search matched one version. Stored once; each channel marks what it sent."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    version = models.ForeignKey("documents.Version", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="alert_hits"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "version"], name="hit_unique")
        ]
        indexes = [models.Index(fields=["saved_search", "emailed_at"])]

    def __str__(self) -> str:
        return f"{self.saved_search_id} → {self.version_id}"


class Delivery(models.Model):
    """What was sent (or tried), to whom, when, and how it ended: the administrators' log."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        DIGEST = "digest", _("E-mail digest")
        WEBHOOK = "webhook", _("Webhook")
        NOTICE = "notice", _("Notice to the owner")
        CONFIRM = "confirm", _("Subscription confirmation")
        BULLETIN = "bulletin", _("Bulletin")

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(max_length=10, choices=Channel.choices, db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, db_index=True)
    recipient = models.CharField(max_length=1000)
    subject = models.CharField(max_length=500, blank=True)
    saved_search = models.ForeignKey(
        SavedSearch, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    bulletin = models.ForeignKey(
        "Bulletin", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    hit_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} {self.status} {self.recipient}"


class MailingList(models.Model):
    """Recipients of bulletins; people join by double opt-in (a confirmation link)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    language = models.CharField(_("language"), max_length=5, default="fr")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ListMember(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="members")
    email = models.EmailField()
    language = models.CharField(max_length=5, default="fr")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing_list", "email"], name="list_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class Bulletin(models.Model):
    """A curated selection of documents with an analyst's comments (bulletin de veille)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent")

    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=5, default="fr")
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mailing_list = models.ForeignKey(
        MailingList, null=True, blank=True, on_delete=models.SET_NULL, related_name="bulletins"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BulletinItem(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "document"], name="bulletin_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {self.document_id}"
