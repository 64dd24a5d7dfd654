"""Reads of the document store."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from migralex.documents.choices import ReviewStatus, Visibility
from migralex.documents.models import Document, Theme


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents ``user`` may see: published public ones for everybody; internal ones for any
    signed-in user; an organisation's own (including pending contributions) for its members."""
    qs = Document.objects.all()
    if user is None or not user.is_authenticated:
        return qs.filter(visibility=Visibility.PUBLIC, review_status=ReviewStatus.PUBLISHED)
    if user.is_superuser:
        return qs
    shared = Q(review_status=ReviewStatus.PUBLISHED) & Q(
        visibility__in=[Visibility.PUBLIC, Visibility.INTERNAL]
    )
    return qs.filter(shared | Q(owner_id=user.organisation_id))


def document_counts_by_theme(qs: QuerySet[Document] | None = None) -> list[dict]:
    """[{"theme": Theme, "count": n}] in taxonomy order, zero counts included."""
    qs = Document.objects.all() if qs is None else qs
    counts = dict(qs.values_list("theme_links__theme_id").annotate(n=Count("id", distinct=True)))
    return [{"theme": theme, "count": counts.get(theme.id, 0)} for theme in Theme.objects.all()]


def document_counts_by(field: str, qs: QuerySet[Document] | None = None) -> list[tuple[str, int]]:
    """[(value, count)] for a plain field (country, doc_type, language), most frequent first."""
    qs = Document.objects.all() if qs is None else qs
    rows = (
        qs.exclude(**{field: ""}).values_list(field).annotate(n=Count("id")).order_by("-n", field)
    )
    return [(value, n) for value, n in rows]
