from django.contrib import admin

from migralex.ingestion.models import IngestionRecord, MinHashBand


@admin.register(IngestionRecord)
class IngestionRecordAdmin(admin.ModelAdmin):
    list_display = ("item_key", "kind", "status", "seen_count", "updated_at", "message")
    list_filter = ("status", "kind")
    search_fields = ("item_key",)
    raw_id_fields = ("stored_file", "source")


@admin.register(MinHashBand)
class MinHashBandAdmin(admin.ModelAdmin):
    list_display = ("document", "version", "band", "key")
    raw_id_fields = ("document", "version")
