from django.contrib import admin

from migralex.documents.models import (
    Document,
    DocumentTheme,
    Identifier,
    ProcessingLogEntry,
    Relation,
    StoredFile,
    Theme,
    Version,
)


class VersionInline(admin.TabularInline):
    model = Version
    extra = 0
    fields = ("number", "language", "content_hash", "source_url", "created_at")
    readonly_fields = fields
    show_change_link = True


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


class ThemeInline(admin.TabularInline):
    model = DocumentTheme
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "doc_type",
        "country",
        "language",
        "official_number",
        "date_published",
        "relevant",
    )
    list_filter = ("doc_type", "country", "language", "legal_status", "relevant", "review_status")
    search_fields = ("title", "title_fr", "title_ar", "title_en", "official_number")
    raw_id_fields = ("parent", "current_version", "source", "created_by")
    inlines = [IdentifierInline, ThemeInline, VersionInline]


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ("document", "number", "language", "content_hash", "created_at")
    raw_id_fields = ("document", "file")
    search_fields = ("content_hash",)


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "mime_type", "size", "sha256", "created_at")
    search_fields = ("sha256", "original_name")


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ("source", "type", "target", "target_type", "target_number", "assigned_by")
    list_filter = ("type", "assigned_by")
    raw_id_fields = ("source", "target")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("id", "group", "position")
    list_filter = ("group",)


@admin.register(Identifier)
class IdentifierAdmin(admin.ModelAdmin):
    list_display = ("document", "type", "number", "text")
    search_fields = ("number",)
    raw_id_fields = ("document",)


@admin.register(ProcessingLogEntry)
class ProcessingLogEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "document", "stage", "status", "duration_ms", "message")
    list_filter = ("stage", "status")
    raw_id_fields = ("document", "stored_file")


@admin.register(DocumentTheme)
class DocumentThemeAdmin(admin.ModelAdmin):
    list_display = ("document", "theme", "score", "assigned_by", "model_version", "confirmed")
    list_filter = ("assigned_by", "confirmed", "theme")
    raw_id_fields = ("document",)
