"""What the pipeline remembers besides documents: which inputs it has seen (so a re-run says
``unchanged``) and the MinHash LSH bands of each version (near-duplicate lookup)."""

from __future__ import annotations

from django.db import models


class IngestionRecord(models.Model):
    """The outcome of one input: the same bytes under the same identity are ``unchanged``."""

    sha256 = models.CharField(max_length=64)
    # Who the input is: "<source id or ->|<item id, source URL or name>".
    item_key = models.CharField(max_length=700)
    stored_file = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=12)
    message = models.TextField(blank=True)
    documents = models.JSONField(default=list, blank=True)
    run_id = models.CharField(max_length=40)
    seen_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sha256", "item_key"], name="ingestion_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_key}: {self.status}"


class MinHashBand(models.Model):
    """One LSH band of a version's MinHash: versions sharing a (band, key) are candidates."""

    version = models.ForeignKey(
        "documents.Version", on_delete=models.CASCADE, related_name="minhash_bands"
    )
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        # Looked up by key alone (``key IN (...)``, one query for all bands); the band is
        # checked on the few rows found. An OR of (band, key) pairs made SQLite scan the table.
        indexes = [models.Index(fields=["key"], name="ingestion_minhash_key")]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.band}"
