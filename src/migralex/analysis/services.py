"""Write paths of the analysis: apply the analyser's result to a document, record corrections.

A machine never overrides an analyst: fields an analyst confirmed (see ``Correction``) are left
as they are, and theme assignments of higher authority are kept by ``document_set_themes``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import TYPE_CHECKING

from django.db import transaction

from migralex.analysis.pipeline import analyse_text, usable_title
from migralex.analysis.selectors import confirmed_fields
from migralex.documents import services as documents
from migralex.documents.choices import AssignmentSource
from migralex.documents.models import Document, DocumentTheme, Theme, Version

if TYPE_CHECKING:
    from migralex.analysis.models import Correction

logger = logging.getLogger(__name__)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _first_date(result: dict, *roles: str) -> dt.date | None:
    for role in roles:
        for item in result.get("dates", []):
            if item.get("role") == role:
                found = _date(item.get("date"))
                if found:
                    return found
    return None


@transaction.atomic
def analyse_version(version: Version, result: dict | None = None) -> dict:
    """Analyse ``version``'s text and apply the result to its document; return the result.

    ``result``, when given, is an analysis already made of this very text and title (by an
    ingestion parser worker) and is applied as it is. The full result is stored in
    ``version.metadata["analysis"]``. Re-running is idempotent.
    """
    document = version.document
    if result is None:
        text = version.normalized_text or version.raw_text
        result = analyse_text(text, title=usable_title(document.title))
    version.metadata = {**(version.metadata or {}), "analysis": result}
    update = ["metadata"]
    if result.get("language") and not version.language:
        version.language = result["language"]
        update.append("language")
    version.save(update_fields=update)
    document_apply_analysis(document, result)
    return result


def document_apply_analysis(document: Document, result: dict) -> None:
    """Set the document's metadata from an analysis result, sparing analyst decisions."""
    confirmed = confirmed_fields(document)
    changed: list[str] = []

    def put(field: str, value) -> None:
        if value in (None, "") or field in confirmed:
            return
        if getattr(document, field) != value:
            setattr(document, field, value)
            changed.append(field)

    put("language", result.get("language"))
    if result.get("languages") and not document.languages:
        put("languages", result["languages"])
    if result.get("doc_type") and result["doc_type"] != "other":
        put("doc_type", result["doc_type"])
    put("country", result.get("country"))
    if "relevant" not in confirmed:
        put("relevant", bool(result.get("relevant")))
        put("relevance", float(result.get("relevance") or 0.0))
    put("date_signed", _first_date(result, "signature", "promulgation"))
    put("date_published", _first_date(result, "publication"))
    put("date_in_force", _first_date(result, "entry-into-force"))
    gazette = result.get("gazette") or {}
    put("gazette_name", (gazette.get("name") or "")[:200])
    put("gazette_number", str(gazette.get("number") or "")[:40])
    put("gazette_date", _date(gazette.get("date")))
    if changed:
        document.save(update_fields=[*changed, "updated_at"])

    own = result.get("identifiers") or []
    if own:
        documents.document_set_identifiers(document, own)
    for relation in result.get("relations", []):
        target = relation.get("target") or {}
        if target.get("type") and target.get("number"):
            documents.relation_add(
                document,
                relation["type"],
                target_type=target["type"],
                target_number=target["number"],
                assigned_by=AssignmentSource.RULES,
            )
    if "themes" not in confirmed:
        _apply_themes(document, result)


def _apply_themes(document: Document, result: dict) -> None:
    """Replace machine theme links with the accepted themes of ``result``.

    ``document_set_themes`` replaces every link of the same authority, and RULES and MODEL share
    one, so two calls would erase each other. The model's themes go through the service (which
    clears the old machine links and spares analysts'); themes only the rules accepted are then
    added as RULES links, skipping any theme already linked.
    """
    model_version = result.get("model_version", "")
    model = [
        (t["id"], float(t["score"])) for t in result.get("themes", []) if t.get("by") != "rules"
    ]
    rules = [
        (t["id"], float(t["score"])) for t in result.get("themes", []) if t.get("by") == "rules"
    ]
    documents.document_set_themes(
        document, model, AssignmentSource.MODEL, model_version=model_version
    )
    if not rules:
        return
    linked = set(document.theme_links.values_list("theme_id", flat=True))
    known = set(Theme.objects.filter(id__in=[t for t, _ in rules]).values_list("id", flat=True))
    for theme_id, score in rules:
        if theme_id in known and theme_id not in linked:
            DocumentTheme.objects.create(
                document=document,
                theme_id=theme_id,
                score=round(score, 4),
                assigned_by=AssignmentSource.RULES,
                model_version=model_version,
            )


def versions_reanalyse(*, only_unanalysed: bool = False, progress: bool = False) -> dict:
    """Re-analyse the current version of every document (the whole store), one transaction per
    document so a failure is recorded and the rest goes on. Returns counts and errors."""
    from tqdm import tqdm

    versions = Version.objects.filter(
        pk__in=Document.objects.exclude(current_version=None).values("current_version")
    ).select_related("document")
    if only_unanalysed:
        versions = versions.exclude(metadata__has_key="analysis")
    report: dict = {"analysed": 0, "errors": []}
    for version in tqdm(
        versions.iterator(chunk_size=200),
        total=versions.count(),
        disable=not progress,
        unit="doc",
        file=sys.stderr,
    ):
        try:
            analyse_version(version)
            report["analysed"] += 1
        except Exception as exc:  # one bad document must not stop a store-wide run
            logger.exception("analysis failed for version %s", version.pk)
            report["errors"].append(
                {"version": version.pk, "error": f"{type(exc).__name__}: {exc}"}
            )
    return report


@transaction.atomic
def document_correct(
    document: Document,
    user,
    *,
    themes: list[str] | None = None,
    doc_type: str | None = None,
    relevant: bool | None = None,
) -> Correction:
    """Record an analyst's confirmation or correction of themes, type and/or relevance, and
    apply it. Analyst themes are HUMAN assignments: no later analysis replaces them, and the
    corrected fields are left alone by re-analysis. ``migralex train`` learns from these.

    Raises ``ValueError`` for an unknown theme or type, or when nothing is given.
    """
    from migralex.analysis.models import Correction
    from migralex.documents.choices import DocType

    fields = []
    if themes is not None:
        unknown = set(themes) - set(Theme.objects.values_list("id", flat=True))
        if unknown:
            raise ValueError(f"unknown theme(s): {', '.join(sorted(unknown))}")
        fields.append("themes")
    if doc_type is not None:
        if doc_type not in DocType.values:
            raise ValueError(f"unknown document type: {doc_type}")
        fields.append("doc_type")
    if relevant is not None:
        fields.append("relevant")
    if not fields:
        raise ValueError("a correction needs themes, doc_type or relevant")

    version = document.current_version
    previous = {
        "themes": [
            {
                "id": link.theme_id,
                "score": link.score,
                "by": link.assigned_by,
                "model_version": link.model_version,
            }
            for link in document.theme_links.all()
        ],
        "doc_type": document.doc_type,
        "relevant": document.relevant,
        "relevance": document.relevance,
    }
    correction = Correction.objects.create(
        document=document,
        version=version,
        user=user if getattr(user, "pk", None) else None,
        fields=fields,
        themes=list(dict.fromkeys(themes)) if themes is not None else None,
        doc_type=doc_type or "",
        relevant=relevant,
        previous=previous,
        text=(version.normalized_text or version.raw_text)[:100_000] if version else document.title,
        language=document.language,
    )
    update = []
    if themes is not None:
        # The analyst's list is the truth: machine links go, and former human links not in the
        # list go too (document_set_themes only replaces links of lower or equal authority).
        document.theme_links.exclude(theme_id__in=themes).delete()
        documents.document_set_themes(document, [(t, 1.0) for t in themes], AssignmentSource.HUMAN)
    if doc_type is not None:
        document.doc_type = doc_type
        update.append("doc_type")
    if relevant is not None:
        document.relevant = relevant
        document.relevance = 1.0 if relevant else 0.0
        update += ["relevant", "relevance"]
    if update:
        document.save(update_fields=[*update, "updated_at"])
    return correction
