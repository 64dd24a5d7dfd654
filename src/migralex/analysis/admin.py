from django.contrib import admin

from migralex.analysis.models import Correction


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Analysts' corrections: the training signal of `migralex train`; kept as recorded."""

    list_display = ("document", "user", "doc_type", "relevant", "created_at")
    list_filter = ("doc_type", "relevant")
    raw_id_fields = ("document", "version", "user")
