"""How a hit, an alert e-mail and a document card read, in the reader's language (fr, ar
right-to-left, en). Shared by e-mails, feeds, webhooks and bulletins."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from migralex.documents.choices import DocType
from migralex.documents.models import Document, Version
from migralex.knowledge.reference_data import country_label

LANGS = ("fr", "ar", "en")
SNIPPET_CHARS = 280


def reader_language(lang: str | None) -> str:
    return lang if lang in LANGS else settings.LANGUAGE_CODE


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def document_url(document: Document, lang: str) -> str:
    """Absolute link to the document's page; the web app names it ``web:document``. Until it
    exists, the original at the source."""
    with translation.override(lang):
        for kwargs in ({"uid": document.uid}, {"pk": document.pk}):
            try:
                return site_url(reverse("web:document", kwargs=kwargs))
            except NoReverseMatch:
                continue
    return document.source_url or site_url(f"/{lang}/")


def snippet(document: Document, version: Version | None, lang: str) -> str:
    summary = (document.summary or {}).get(lang) or ""
    text = summary or (version.normalized_text if version else "") or ""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + " …"


@dataclass
class HitCard:
    """Everything a reader sees of one hit."""

    title: str
    url: str
    doc_type: str
    date: object
    country: str
    themes: list[str]
    snippet: str
    uid: str
    version: int | None
    updated: object


def hit_card(document: Document, version: Version | None, lang: str) -> HitCard:
    with translation.override(lang):
        type_label = str(DocType(document.doc_type).label) if document.doc_type else ""
    themes = [link.theme.label_in(lang) for link in document.theme_links.all()]
    return HitCard(
        title=document.title_in(lang),
        url=document_url(document, lang),
        doc_type=type_label,
        date=document.date_published or document.date_signed,
        country=country_label(document.country, lang) if document.country else "",
        themes=themes,
        snippet=snippet(document, version, lang),
        uid=str(document.uid),
        version=version.number if version else None,
        updated=(version.created_at if version else document.updated_at),
    )
