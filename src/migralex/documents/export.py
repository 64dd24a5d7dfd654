"""Serialisation of the store for ``migralex export`` (stable field names: a contract)."""

from __future__ import annotations

import json
from typing import TextIO

from migralex.documents.models import Document


def document_as_dict(document: Document, with_text: bool = True) -> dict:
    version = document.current_version
    data = {
        "uid": str(document.uid),
        "reference_key": document.reference_key,
        "title": document.title,
        "titles": {"fr": document.title_fr, "ar": document.title_ar, "en": document.title_en},
        "summary": document.summary,
        "doc_type": document.doc_type,
        "country": document.country or None,
        "language": document.language or None,
        "official_number": document.official_number or None,
        "identifiers": [{"type": i.type, "number": i.number} for i in document.identifiers.all()],
        "dates": {
            "signed": _iso(document.date_signed),
            "published": _iso(document.date_published),
            "in_force": _iso(document.date_in_force),
        },
        "gazette": (
            {
                "name": document.gazette_name,
                "number": document.gazette_number,
                "date": _iso(document.gazette_date),
            }
            if document.gazette_name
            else None
        ),
        "legal_status": document.legal_status,
        "relevant": document.relevant,
        "relevance": document.relevance,
        "themes": [
            {"id": t.theme_id, "score": t.score, "assigned_by": t.assigned_by}
            for t in document.theme_links.all()
        ],
        "relations": [
            {
                "type": r.type,
                "target": str(r.target.uid) if r.target else None,
                "target_ref": {"type": r.target_type, "number": r.target_number},
            }
            for r in document.relations_out.all()
        ],
        "owner": document.owner.name,
        "source_url": document.source_url or None,
        "unsure_fields": document.unsure_fields,
        "versions": document.versions.count(),
        "created_at": document.created_at.isoformat(),
    }
    if with_text:
        data["text"] = version.normalized_text if version else ""
    return data


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_documents(out: TextIO, fmt: str = "json", with_text: bool = True) -> int:
    qs = (
        Document.objects.select_related("current_version", "owner")
        .prefetch_related("identifiers", "theme_links", "relations_out__target")
        .order_by("id")
    )
    count = 0
    if fmt == "json":
        out.write("[\n")
    for document in qs.iterator(chunk_size=500):
        line = json.dumps(document_as_dict(document, with_text), ensure_ascii=False)
        if fmt == "json":
            out.write(("" if count == 0 else ",\n") + line)
        else:
            out.write(line + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n")
    return count
