"""The document store: the legal work (Document), its successive contents (Version), the
original bytes (StoredFile), typed links between works (Relation), themes, official identifiers
and the processing log. Business rules live in ``services.py``; reads in ``selectors.py``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from migralex.documents.choices import (
    AssignmentSource,
    DocType,
    LegalStatus,
    RelationType,
    ReviewStatus,
    StageStatus,
    Visibility,
)


class StoredFile(models.Model):
    """An original file, content-addressed by SHA-256 under the data dir; never modified."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=120, blank=True)
    original_name = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.original_name or self.sha256[:12]} ({self.mime_type}, {self.size} B)"


class Theme(models.Model):
    """A leaf theme of the taxonomy, with its trilingual thesaurus entry (loaded from data/)."""

    id = models.CharField(primary_key=True, max_length=64)
    group = models.CharField(max_length=64, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)
    label = models.JSONField(default=dict)  # {"fr": …, "en": …, "ar": …}
    scope = models.JSONField(default=dict)
    keywords = models.JSONField(default=dict)  # {"fr": [...], "en": [...], "ar": [...]}

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.id

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.id


class Document(models.Model):
    """A legal work or information item, whatever its versions and languages."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Stable key of bundled reference data (e.g. "ma-law-02-03"), so re-loading is idempotent.
    reference_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=1000)
    title_fr = models.CharField(max_length=1000, blank=True)
    title_ar = models.CharField(max_length=1000, blank=True)
    title_en = models.CharField(max_length=1000, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # {"fr": …, "ar": …, "en": …}
    doc_type = models.CharField(
        max_length=32, choices=DocType.choices, default=DocType.OTHER, db_index=True
    )
    country = models.CharField(max_length=8, blank=True, db_index=True)
    language = models.CharField(max_length=8, blank=True, db_index=True)
    languages = models.JSONField(default=list, blank=True)
    official_number = models.CharField(max_length=64, blank=True, db_index=True)
    date_signed = models.DateField(null=True, blank=True)
    date_published = models.DateField(null=True, blank=True, db_index=True)
    date_in_force = models.DateField(null=True, blank=True)
    gazette_name = models.CharField(max_length=200, blank=True)
    gazette_number = models.CharField(max_length=40, blank=True)
    gazette_date = models.DateField(null=True, blank=True)
    legal_status = models.CharField(
        max_length=16, choices=LegalStatus.choices, default=LegalStatus.UNKNOWN
    )
    relevant = models.BooleanField(null=True, blank=True, db_index=True)
    relevance = models.FloatField(null=True, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED, db_index=True
    )
    # Facts that are not certain (field names), shown as such in the product.
    unsure_fields = models.JSONField(default=list, blank=True)
    # Provenance.
    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="documents"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    source_url = models.URLField(max_length=2000, blank=True, db_index=True)
    source_item_id = models.CharField(
        max_length=500, blank=True, db_index=True
    )  # feed GUID, mail Message-ID…
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    current_version = models.ForeignKey(
        "Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["country", "doc_type"])]

    def __str__(self) -> str:
        return self.title[:80]

    def title_in(self, lang: str) -> str:
        return getattr(self, f"title_{lang}", "") or self.title


class Version(models.Model):
    """One distinct content of a document; a changed text gives a new version, never an edit."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    raw_text = models.TextField(blank=True)
    normalized_text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, db_index=True)  # sha256 of normalized_text
    html = models.TextField(blank=True)  # sanitised HTML for display, when the source had markup
    language = models.CharField(max_length=8, blank=True)
    metadata = models.JSONField(default=dict, blank=True)  # extracted metadata and analysis output
    minhash = models.BinaryField(null=True, blank=True)
    diff = models.TextField(blank=True)  # unified diff against the previous version
    source_url = models.URLField(max_length=2000, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Identifier(models.Model):
    """An official number of a document, normalised (``law`` ``02-03``, ``dahir`` ``1-03-196``)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="identifiers")
    type = models.CharField(max_length=32)
    number = models.CharField(max_length=64)
    text = models.CharField(max_length=300, blank=True)  # as written

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "type", "number"], name="identifier_unique")
        ]
        indexes = [models.Index(fields=["type", "number"])]

    def __str__(self) -> str:
        return f"{self.type} {self.number}"


class DocumentTheme(models.Model):
    """A theme assigned to a document, with its score, who or what assigned it, and review."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="document_links")
    score = models.FloatField(default=1.0)
    assigned_by = models.CharField(max_length=16, choices=AssignmentSource.choices)
    model_version = models.CharField(max_length=64, blank=True)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "theme"], name="document_theme_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.theme_id} {self.score}"


class Relation(models.Model):
    """A typed link between two documents. The target may not be known yet: it is then kept as
    an official reference (type and number) and resolved when that text arrives."""

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="relations_in"
    )
    type = models.CharField(max_length=20, choices=RelationType.choices)
    target_type = models.CharField(max_length=32, blank=True)
    target_number = models.CharField(max_length=64, blank=True)
    assigned_by = models.CharField(
        max_length=16, choices=AssignmentSource.choices, default=AssignmentSource.RULES
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "type", "target_type", "target_number"],
                name="relation_ref_unique",
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_number"])]

    def __str__(self) -> str:
        return f"{self.source_id} {self.type} {self.target_id or self.target_number}"


class ProcessingLogEntry(models.Model):
    """One pipeline stage run: what it did to which input, how it ended and how long it took."""

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="processing_log"
    )
    stored_file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_id = models.CharField(max_length=40, db_index=True)  # groups the stages of one ingestion
    stage = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=StageStatus.choices)
    message = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "processing log entries"

    def __str__(self) -> str:
        return f"{self.stage}: {self.status}"
