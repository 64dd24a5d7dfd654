"""The PostgreSQL backend's index table: one row per indexed document, with the analysed terms
as a ``tsvector`` (RUM index when the extension is installed, GIN otherwise) and the facet values
as columns. Unused (and empty) with the default tantivy backend."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from migralex.documents.models import Document


class SearchEntry(models.Model):
    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    version_id = models.BigIntegerField()
    vector = SearchVectorField()
    doc_type = models.CharField(max_length=32, db_index=True)
    country = models.CharField(max_length=8, db_index=True)
    status = models.CharField(max_length=16, db_index=True)
    source = models.CharField(max_length=20, blank=True, db_index=True)
    year = models.IntegerField(default=0, db_index=True)
    date_ord = models.IntegerField(default=0, db_index=True)
    themes = models.JSONField(default=list)
    groups = models.JSONField(default=list)
    langs = models.JSONField(default=list)
    access = models.JSONField(default=list)
    payload = models.JSONField(default=dict)
    # One lexeme per facet value ("country:MA", "theme:…") plus "all": ts_stat() counts them all
    # in one pass over the matches (see backends/postgres.py).
    facet_terms = SearchVectorField(default="")
    # The thesaurus (expansion.thesaurus_fingerprint) whose concept lexemes the vector holds;
    # a row of another one is reindexed by the drift check.
    concepts_of = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"search entry of {self.document_id}"
