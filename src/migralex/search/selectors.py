"""Reads for search: which documents belong in the index, what is indexed for each, and which
visibility tokens a user may see (the rule of ``documents.selectors.documents_visible_to``,
expressed as index terms so that the index filters, instead of post-filtering hits)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from django.db.models import Prefetch, QuerySet

from migralex.common.text import clean
from migralex.documents.choices import ReviewStatus, Visibility
from migralex.documents.models import Document, DocumentTheme
from migralex.search.analysis import text_terms
from migralex.search.plan import ANONYMOUS, SIGNED_IN, IndexRecord

SNIPPET_SOURCE_CHARS = 30_000  # what a snippet is looked for in; the index has every word


def org_token(organisation_id) -> str:
    return f"org:{organisation_id}"


def document_access_tokens(document: Document) -> list[str]:
    tokens = [org_token(document.owner_id)]
    if document.review_status == ReviewStatus.PUBLISHED:
        if document.visibility == Visibility.PUBLIC:
            tokens.append(ANONYMOUS)
        if document.visibility in (Visibility.PUBLIC, Visibility.INTERNAL):
            tokens.append(SIGNED_IN)
    return tokens


def user_access_tokens(user) -> list[str] | None:
    """Tokens ``user`` may see; None means everything (superusers)."""
    if user is None or not user.is_authenticated:
        return [ANONYMOUS]
    if user.is_superuser:
        return None
    tokens = [SIGNED_IN]
    if getattr(user, "organisation_id", None):
        tokens.append(org_token(user.organisation_id))
    return tokens


def document_is_indexable(document: Document) -> bool:
    """Rejected contributions and documents without text stay out of the index."""
    return (
        document.review_status != ReviewStatus.REJECTED and document.current_version_id is not None
    )


def documents_to_index() -> QuerySet[Document]:
    return (
        Document.objects.exclude(review_status=ReviewStatus.REJECTED)
        .filter(current_version__isnull=False)
        .select_related("current_version")
        .prefetch_related(
            Prefetch("theme_links", queryset=DocumentTheme.objects.select_related("theme"))
        )
        .order_by("pk")
    )


def document_date(document: Document) -> dt.date | None:
    return document.date_published or document.date_signed or document.gazette_date


# A version's text never changes, so its analysed terms can be reused: the alert percolator
# builds the same record right after the index stage did (ingestion.hooks.AFTER_VERSION), and
# must not analyse the text a second time. Bounded.
_TERMS_CACHE_MAX = 64
_terms_cache: OrderedDict[tuple[int, str, int], list[str]] = OrderedDict()
_terms_lock = threading.Lock()


def version_text_terms(version_id: int, text: str, lang: str) -> list[str]:
    """Index terms of a version's (already clean) text, remembered for the last versions."""
    # The text's hash too: ids are reused by another database (tests, a restored backup).
    key = (version_id, lang, hash(text))
    with _terms_lock:
        terms = _terms_cache.get(key)
        if terms is not None:
            _terms_cache.move_to_end(key)
            return terms
    terms = text_terms(text, lang, cleaned=True)
    with _terms_lock:
        _terms_cache[key] = terms
        while len(_terms_cache) > _TERMS_CACHE_MAX:
            _terms_cache.popitem(last=False)
    return terms


def index_record_for(document: Document) -> IndexRecord:
    """What the index holds for ``document`` (its current version's text and its metadata)."""
    version = document.current_version
    lang = document.language or (version.language if version else "") or ""
    text = version.normalized_text if version else ""
    titles = [(document.title, lang)] + [
        (title, title_lang)
        for title, title_lang in (
            (document.title_fr, "fr"),
            (document.title_ar, "ar"),
            (document.title_en, "en"),
        )
        if title and title != document.title
    ]
    title_terms: list[str] = []
    for title, title_lang in titles:
        title_terms.extend(text_terms(title, title_lang))
    body_terms = (
        title_terms + version_text_terms(version.pk, text, lang) if version else title_terms
    )
    links = list(document.theme_links.all())
    themes = sorted({link.theme_id for link in links})
    groups = sorted({link.theme.group for link in links})
    date = document_date(document)
    langs = sorted({x for x in [document.language, *(document.languages or [])] if x})
    facets = {
        "type": [document.doc_type] if document.doc_type else [],
        "country": [document.country] if document.country else [],
        "theme": themes,
        "group": groups,
        "lang": langs,
        "source": [str(document.source_id)] if document.source_id else [],
        "status": [document.legal_status] if document.legal_status else [],
    }
    return IndexRecord(
        id=document.pk,
        version_id=version.pk if version else 0,
        title=document.title,
        text=text,
        language=lang,
        title_terms=title_terms,
        body_terms=body_terms,
        facets=facets,
        year=date.year if date else 0,
        date_ord=int(date.strftime("%Y%m%d")) if date else 0,
        access=document_access_tokens(document),
        payload={
            "id": document.pk,
            "title": clean(document.title),
            "titles": {
                k: v
                for k, v in (
                    ("fr", document.title_fr),
                    ("ar", document.title_ar),
                    ("en", document.title_en),
                )
                if v
            },
            "doc_type": document.doc_type,
            "country": document.country,
            "language": lang,
            "date": date.isoformat() if date else None,
            "themes": themes,
            "text": text[:SNIPPET_SOURCE_CHARS],
        },
    )
