from django.contrib import admin

from migralex.web.models import DashboardCounts


@admin.register(DashboardCounts)
class DashboardCountsAdmin(admin.ModelAdmin):
    list_display = ("audience", "computed_at")
    readonly_fields = ("audience", "data", "fingerprint", "computed_at", "refreshing_until")
