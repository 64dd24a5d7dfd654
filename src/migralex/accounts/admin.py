from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from migralex.accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class MigralexUserAdmin(UserAdmin):
    list_display = ("username", "email", "organisation", "role", "is_staff")
    list_filter = ("role", "organisation", "is_staff")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Migralex", {"fields": ("organisation", "role", "language", "time_zone")}),
    )
