"""Analyst corrections: the human half of the classification loop.

Each correction keeps what the machine had said and what the analyst decided, so that
``migralex train`` can learn from it and the product can show who changed what. The fields an
analyst set are never overwritten by a later automatic analysis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Correction(models.Model):
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="corrections"
    )
    version = models.ForeignKey(
        "documents.Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which of "themes", "doc_type", "relevant" this correction sets.
    fields = models.JSONField(default=list)
    themes = models.JSONField(null=True, blank=True)  # [leaf id, …] when corrected
    doc_type = models.CharField(max_length=32, blank=True)
    relevant = models.BooleanField(null=True, blank=True)
    # What the machine had said, for the record and for error analysis.
    previous = models.JSONField(default=dict, blank=True)
    # Text and language the correction applies to, kept so training does not depend on the
    # version still existing.
    text = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"correction of {self.document_id}: {', '.join(self.fields)}"
