"""Administration of the alerts; the delivery log is read-only (what was sent stays as sent)."""

from django.contrib import admin

from migralex.alerts.models import (
    Bulletin,
    BulletinItem,
    Delivery,
    Hit,
    ListMember,
    MailingList,
    MatchedVersion,
    SavedSearch,
)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "frequency", "by_email", "paused", "webhook_disabled_at")
    list_filter = ("frequency", "paused", "by_email")
    search_fields = ("name", "query", "user__username", "user__email")
    raw_id_fields = ("user", "followed_document")


@admin.register(Hit)
class HitAdmin(admin.ModelAdmin):
    list_display = ("saved_search", "document", "created_at", "emailed_at", "webhook_sent_at")
    raw_id_fields = ("saved_search", "version", "document")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "status", "recipient", "subject", "hit_count")
    list_filter = ("status", "channel")
    search_fields = ("recipient", "subject", "error")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemInline(admin.TabularInline):
    model = BulletinItem
    extra = 0
    raw_id_fields = ("document",)


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "status", "created_at", "sent_at")
    inlines = [ItemInline]


class MemberInline(admin.TabularInline):
    model = ListMember
    extra = 0
    readonly_fields = ("token", "requested_at", "confirmed_at")


@admin.register(MailingList)
class MailingListAdmin(admin.ModelAdmin):
    list_display = ("name", "language")
    inlines = [MemberInline]


@admin.register(MatchedVersion)
class MatchedVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "hits", "matched_at")
    raw_id_fields = ("version",)


@admin.register(ListMember)
class ListMemberAdmin(admin.ModelAdmin):
    list_display = ("email", "mailing_list", "language", "status", "confirmed_at")
    list_filter = ("status", "mailing_list")
    search_fields = ("email",)
    exclude = ("token",)


@admin.register(BulletinItem)
class BulletinItemAdmin(admin.ModelAdmin):
    list_display = ("bulletin", "document", "position")
    raw_id_fields = ("bulletin", "document")
