"""Reads of the analysis app."""

from __future__ import annotations

from django.db.models import QuerySet

from migralex.analysis.models import Correction


def corrections_of(document) -> QuerySet[Correction]:
    """An analyst's corrections of ``document``, newest first (with who made them)."""
    return Correction.objects.filter(document=document).select_related("user")


def confirmed_fields(document) -> set[str]:
    """Fields an analyst set on ``document`` (machines leave them alone)."""
    fields: set[str] = set()
    for value in Correction.objects.filter(document=document).values_list("fields", flat=True):
        fields.update(value)
    return fields
