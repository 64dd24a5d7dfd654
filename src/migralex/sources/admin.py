from django.contrib import admin

from migralex.sources.models import Source


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
