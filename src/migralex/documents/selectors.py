"""Reads of the document store."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from migralex.documents.choices import ReviewStatus, Visibility
from migralex.documents.models import Document


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
