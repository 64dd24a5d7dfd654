"""Reads of the alerts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from migralex.alerts.models import Bulletin, Delivery, Hit, MailingList, SavedSearch


def saved_searches_of(user) -> QuerySet[SavedSearch]:
    return (
        SavedSearch.objects.filter(user=user)
        .select_related("followed_document")
        .annotate(
            hit_count=Count("hits", distinct=True),
            pending=Count("hits", filter=Q(hits__emailed_at__isnull=True), distinct=True),
        )
        .order_by("name", "id")
    )


def saved_search_of(user, pk: int) -> SavedSearch | None:
    return SavedSearch.objects.filter(user=user, pk=pk).first()


def saved_search_by_feed_token(token: str) -> SavedSearch | None:
    return SavedSearch.objects.select_related("user").filter(feed_token=token).first()


def hits_of(saved: SavedSearch) -> QuerySet[Hit]:
    return (
        Hit.objects.filter(saved_search=saved)
        .select_related("document", "version")
        .prefetch_related("document__theme_links__theme")
        .order_by("-created_at", "-id")
    )


def deliveries(*, status: str = "", channel: str = "") -> QuerySet[Delivery]:
    qs = Delivery.objects.select_related("saved_search", "bulletin")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def bulletins(q: str = "") -> QuerySet[Bulletin]:
    """Bulletins, newest first; ``q`` searches titles, introductions, comments and the titles
    of the documents they present (the archive is searchable)."""
    qs = Bulletin.objects.annotate(item_count=Count("items"))
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(introduction__icontains=word)
            | Q(items__comment__icontains=word)
            | Q(items__document__title__icontains=word)
        )
    return qs.distinct().order_by("-created_at", "-id")


def mailing_lists() -> QuerySet[MailingList]:
    return MailingList.objects.annotate(
        confirmed=Count("members", filter=Q(members__status="confirmed"))
    ).order_by("name")
