from django.contrib import admin

from migralex.knowledge.models import Instrument, Ratification


class RatificationInline(admin.TabularInline):
    model = Ratification
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("key", "body", "doc_type", "adopted", "entry_into_force", "binding")
    list_filter = ("body", "doc_type", "binding")
    search_fields = ("key", "official_ref")
    inlines = [RatificationInline]


@admin.register(Ratification)
class RatificationAdmin(admin.ModelAdmin):
    list_display = ("instrument", "country", "status", "date", "unsure")
    list_filter = ("country", "status", "unsure")
