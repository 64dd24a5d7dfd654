from django.contrib import admin

from migralex.sources.models import PollRecord, Snapshot, Source, SourceItem


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "enabled",
        "last_checked_at",
        "consecutive_failures",
        "documents_found",
    )
    list_filter = ("kind", "enabled")
    search_fields = ("name", "url")


@admin.register(SourceItem)
class SourceItemAdmin(admin.ModelAdmin):
    list_display = ("source", "key", "first_seen_at", "last_changed_at", "document")
    search_fields = ("key", "url")
    raw_id_fields = ("source", "document")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("source", "fetched_at", "lines_added", "lines_removed")
    raw_id_fields = ("source",)


@admin.register(PollRecord)
class PollRecordAdmin(admin.ModelAdmin):
    list_display = ("source", "started_at", "status", "http_status", "documents", "message")
    list_filter = ("status",)
    raw_id_fields = ("source",)
