"""The document page, its original file and the analysts' corrections."""

from __future__ import annotations

import logging

import nh3
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migralex.common.storage import blob_path
from migralex.documents.choices import RelationType
from migralex.documents.models import Document, Relation
from migralex.documents.selectors import documents_visible_to
from migralex.web import counts
from migralex.web.forms import CorrectionForm
from migralex.web.highlight import highlight
from migralex.web.labels import country_label, doc_type_label, language_label
from migralex.web.permissions import is_analyst

logger = logging.getLogger(__name__)
MAX_LOG_ENTRIES = 200


def diff_rows(diff: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) rows: kind is add, del, hunk or same."""
    rows = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("@@"):
            rows.append(("hunk", line))
        elif line.startswith("+"):
            rows.append(("add", line[1:]))
        elif line.startswith("-"):
            rows.append(("del", line[1:]))
        else:
            rows.append(("same", line[1:] if line.startswith(" ") else line))
    return rows


def _visible_document(request, pk: int) -> Document:
    return get_object_or_404(
        documents_visible_to(request.user)
        .select_related("source", "current_version", "current_version__file")
        .defer("current_version__html", "current_version__minhash"),
        pk=pk,
    )


def _relations(document: Document, user) -> list[dict]:
    """Relations both ways; a target the user may not see is shown as its reference only.
    Plain value queries: this runs on every document view."""
    relations = list(
        Relation.objects.filter(Q(source=document) | Q(target=document))
        .order_by("type", "id")
        .values_list("source_id", "target_id", "type", "target_type", "target_number")
    )
    if not relations:
        return []
    others = {t if s == document.pk else s for s, t, *_ in relations} - {None}
    titles = dict(documents_visible_to(user).filter(pk__in=others).values_list("pk", "title"))
    labels = dict(RelationType.choices)
    rows = []
    for source_id, target_id, type_, target_type, target_number in relations:
        if source_id == document.pk:
            other = target_id if target_id in titles else None
            rows.append(
                {
                    "direction": "out",
                    "type": labels.get(type_, type_),
                    "other": {"pk": other, "title": titles[other]} if other else None,
                    "reference": f"{target_type} {target_number}".strip(),
                }
            )
        elif source_id in titles:
            rows.append(
                {
                    "direction": "in",
                    "type": labels.get(type_, type_),
                    "other": {"pk": source_id, "title": titles[source_id]},
                    "reference": "",
                }
            )
    rows.sort(key=lambda r: r["direction"] != "out")
    return rows


def document_detail(request, pk: int):
    document = _visible_document(request, pk)
    lang = get_language() or "fr"
    # The list of versions needs their dates, files and diffs, not their (long) texts.
    versions = list(
        document.versions.select_related("file")
        .defer("raw_text", "normalized_text", "html", "metadata", "minhash")
        .order_by("-number")
    )
    version = document.current_version
    wanted = request.GET.get("v", "")
    if wanted.isdigit() and (version is None or version.number != int(wanted)):
        version = document.versions.select_related("file").filter(number=int(wanted)).first()
        if version is None:
            raise Http404(_("This version does not exist."))
    q = request.GET.get("q", "")[:500]
    text = (version.normalized_text or version.raw_text) if version else ""
    themes = document.theme_links.select_related("theme").order_by("-score")
    analyst = is_analyst(request.user)
    context = {
        "document": document,
        "title": document.title_in(lang),
        "version": version,
        "versions": [{"v": v, "diff": diff_rows(v.diff)} for v in versions],
        "text_html": highlight(text, q, version.language if version else None),
        "text_dir": "rtl" if (version and version.language == "ar") else "auto",
        "q": q,
        "themes": [
            {"link": link, "label": link.theme.label_in(lang), "percent": round(link.score * 100)}
            for link in themes
        ],
        "identifiers": list(document.identifiers.all()),
        "relations": _relations(document, request.user),
        "log": list(document.processing_log.order_by("-created_at", "-id")[:MAX_LOG_ENTRIES]),
        "country_label": country_label(document.country, lang) if document.country else "",
        "language_label": language_label(document.language, lang) if document.language else "",
        "analyst": analyst,
    }
    if analyst:
        context["corrections"] = list(document.corrections.select_related("user")[:20])
        context["form"] = CorrectionForm(
            initial={
                "themes": [t["link"].theme_id for t in context["themes"]],
                "doc_type": document.doc_type,
                "relevant": {True: "yes", False: "no"}.get(document.relevant, ""),
            },
            lang=lang,
        )
    return render(request, "web/document.html", context)


def document_original(request, pk: int, number: int):
    """The original file, always as a download: never rendered inline from our domain, where a
    crafted HTML or SVG original could run script with the user's session."""
    document = _visible_document(request, pk)
    version = get_object_or_404(document.versions.select_related("file"), number=number)
    if version.file is None:
        raise Http404(_("This version has no original file."))
    path = blob_path(version.file.sha256)
    if not path.exists():
        logger.error("original %s of document %s is missing from the store", path, pk)
        raise Http404(_("The original file is missing from the store."))
    name = version.file.original_name or f"document-{pk}-v{number}"
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name.rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def document_correct_view(request, pk: int):
    """An analyst confirms or corrects themes, type and relevance (analysis.services records it
    and keeps machines from overriding it)."""
    if not is_analyst(request.user):
        raise PermissionDenied
    document = _visible_document(request, pk)
    form = CorrectionForm(request.POST, lang=get_language() or "fr")
    if not form.is_valid():
        messages.error(
            request,
            _("The correction was not saved: %(errors)s")
            % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
        return redirect("web:document", pk=pk)
    from migralex.analysis.services import document_correct
    from migralex.search.tasks import document_index_task

    data = form.cleaned_data
    relevant = {"yes": True, "no": False}.get(data["relevant"])
    try:
        document_correct(
            document,
            request.user,
            themes=data["themes"],
            doc_type=data["doc_type"] or None,
            relevant=relevant,
        )
    except ValueError as exc:
        messages.error(request, _("The correction was not saved: %(errors)s") % {"errors": exc})
        return redirect("web:document", pk=pk)
    # Facets and filters must show the analyst's decision: re-index once the correction commits.
    transaction.on_commit(lambda: document_index_task(document.pk))
    counts.dashboard_counts_invalidate()
    messages.success(request, _("Your correction was saved."))
    return redirect("web:document", pk=pk)


def document_similar(request, pk: int):
    """More like this, on a page of its own, so the document page does not pay for the term
    statistics on every view."""
    from migralex.search.services import more_like_this

    document = _visible_document(request, pk)
    lang = get_language() or "fr"
    hits = more_like_this(document, 20, user=request.user)
    return render(
        request,
        "web/similar.html",
        {
            "document": document,
            "title": document.title_in(lang),
            "hits": [
                {
                    "hit": hit,
                    "snippet": mark_safe(
                        nh3.clean(hit.snippet_html or "", tags={"mark"}, attributes={})
                    ),  # noqa: S308 - sanitised to <mark> only
                    "type_label": doc_type_label(hit.doc_type) if hit.doc_type else "",
                    "country_label": country_label(hit.country, lang) if hit.country else "",
                }
                for hit in hits
            ],
        },
    )
