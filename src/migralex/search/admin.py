from django.contrib import admin

from migralex.search.models import SearchEntry


@admin.register(SearchEntry)
class SearchEntryAdmin(admin.ModelAdmin):
    """The PostgreSQL backend's index rows (rebuilt by `migralex manage reindex`)."""

    list_display = ("document", "doc_type", "country", "year", "status")
    list_filter = ("doc_type", "country")
    raw_id_fields = ("document",)
