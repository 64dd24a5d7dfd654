"""The legal knowledge base: international instruments and dated ratification facts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Instrument(models.Model):
    key = models.SlugField(max_length=80, unique=True)
    short = models.JSONField(default=dict)
    title = models.JSONField(default=dict)
    body = models.CharField(max_length=40)  # UN, ILO, AU…
    doc_type = models.CharField(max_length=32)
    adopted = models.DateField(null=True, blank=True)
    adopted_place = models.CharField(max_length=120, blank=True)
    entry_into_force = models.DateField(null=True, blank=True)
    binding = models.BooleanField(default=True)
    official_ref = models.CharField(max_length=120, blank=True)
    themes = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    unsure_fields = models.JSONField(default=list, blank=True)
    source_url = models.CharField(max_length=1000, blank=True)
    document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instrument",
    )

    class Meta:
        ordering = ["adopted", "key"]

    def __str__(self) -> str:
        return self.short.get("en") or self.key


class Ratification(models.Model):
    class Status(models.TextChoices):
        RATIFIED = "ratified", _("Ratified")
        ACCEDED = "acceded", _("Acceded")
        SIGNED = "signed", _("Signed")
        APPROVED = "approved", _("Approved (domestic step)")
        NOT_PARTY = "not-party", _("Not party")
        UNKNOWN = "unknown", _("Unknown")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="ratifications"
    )
    country = models.CharField(max_length=8, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    date = models.DateField(null=True, blank=True)
    unsure = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    source_url = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["instrument", "country", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "country", "status"], name="ratification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.key} {self.country} {self.status}"
