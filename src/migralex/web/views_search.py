"""The search page and its exports. The search itself is migralex.search.services; this module
only reads the request, calls it and labels what comes back."""

from __future__ import annotations

import csv
from urllib.parse import quote

import nh3
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from migralex.web import labels

FILTER_NAMES = ("type", "country", "theme", "group", "year", "lang", "source", "status")
SORTS = ("relevance", "date")  # what the search service knows; date = newest first
PER_PAGE = 20
MAX_PAGE = 500
EXPORT_MAX = 1000
# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def search_params(request) -> dict:
    """The search as the request states it, with out-of-range values brought back in range."""
    get = request.GET
    filters = {}
    for name in FILTER_NAMES:
        values = [v[:100] for v in get.getlist(name) if v.strip()][:20]
        if values:
            filters[name] = values
    try:
        page = min(max(int(get.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        page = 1
    sort = get.get("sort", "relevance")
    return {
        "q": get.get("q", "")[:1000],
        "filters": filters,
        "page": page,
        "sort": sort if sort in SORTS else "relevance",
        "expand": get.get("expand", "1") != "0",
    }


def run_search(request, params: dict, *, page: int | None = None, per_page: int = PER_PAGE):
    from migralex.search.services import search

    return search(
        params["q"],
        filters=params["filters"],
        user=request.user,
        page=page or params["page"],
        per_page=per_page,
        sort=params["sort"],
        expand=params["expand"],
        lang=get_language() or "fr",
    )


def facet_label(name: str, value, lang: str, themes: dict[str, str]) -> str:
    value = str(value)
    if name == "type":
        return labels.doc_type_label(value)
    if name == "country":
        return labels.country_label(value, lang)
    if name == "lang":
        return labels.language_label(value, lang)
    if name == "theme":
        return themes.get(value, value)
    if name == "group":
        return labels.group_label(value, lang)
    if name == "status":
        return labels.status_label(value)
    return value


FACET_TITLES = {
    "type": gettext_lazy("Document type"),
    "country": gettext_lazy("Country"),
    "group": gettext_lazy("Theme group"),
    "theme": gettext_lazy("Theme"),
    "year": gettext_lazy("Year"),
    "lang": gettext_lazy("Language"),
    "source": gettext_lazy("Source"),
    "status": gettext_lazy("Legal status"),
}


FACET_VALUES_SHOWN = 12  # the most frequent values, plus any the user checked


def _facets(results, params: dict, lang: str) -> list[dict]:
    """Facets as ready-made checkbox rows: rendered here rather than in the template, because a
    results page has hundreds of them and the template engine is the slowest part of a page."""
    themes = labels.theme_labels(lang)
    sources = {}
    if (results.facets or {}).get("source"):
        from migralex.sources.models import Source

        sources = {str(pk): name for pk, name in Source.objects.values_list("pk", "name")}
    out = []
    for name in FILTER_NAMES:
        rows = (results.facets or {}).get(name)
        if not rows:
            continue
        chosen = set(params["filters"].get(name, []))
        shown = [r for i, r in enumerate(rows) if i < FACET_VALUES_SHOWN or str(r[0]) in chosen]
        html = format_html_join(
            "",
            '<label><input type="checkbox" name="{}" value="{}" data-autosubmit{}> '
            '<span dir="auto">{}</span> <span class="n">({})</span></label>',
            (
                (
                    name,
                    str(value),
                    " checked" if str(value) in chosen else "",
                    sources.get(str(value)) or facet_label(name, value, lang, themes),
                    count,
                )
                for value, count in shown
            ),
        )
        out.append({"name": name, "title": str(FACET_TITLES[name]), "html": html})
    return out


def _query_string(params: dict, **changes) -> str:
    items = [("q", params["q"])] if params["q"] else []
    for name, values in params["filters"].items():
        items += [(name, v) for v in values]
    if params["sort"] != "relevance":
        items.append(("sort", params["sort"]))
    if not params["expand"]:
        items.append(("expand", "0"))
    for key, value in changes.items():
        items = [(k, v) for k, v in items if k != key]
        if value not in (None, ""):
            items.append((key, value))
    return urlencode(items)


# The search service's notices are English sentences for logs and the CLI; the page shows them
# in the interface language.
NOTICES = {
    "syntax error: searched as plain words": gettext_lazy(
        "Your query could not be read as written: it was searched as plain words."
    ),
    "no document has all the words: showing those with any of them": gettext_lazy(
        "No document has all the words: showing those with any of them."
    ),
}


def search_page(request):
    params = search_params(request)
    lang = get_language() or "fr"
    results = run_search(request, params)
    doc_url = reverse("web:document", args=[0])  # one reverse() for the whole page
    pages = max(1, -(-results.count // PER_PAGE))
    page = min(params["page"], pages)
    if page != params["page"]:  # past the last page (an old link): show the last one
        params["page"] = page
        results = run_search(request, params)
    context = {
        "params": params,
        "results": results,
        "hits_html": _hits_html(
            results.results, lang, doc_url, f"?q={quote(params['q'])}" if params["q"] else ""
        ),
        "facets": _facets(results, params, lang),
        "page": page,
        "pages": pages,
        "start": (page - 1) * PER_PAGE + 1,
        "prev_qs": _query_string(params, page=page - 1) if page > 1 else "",
        "next_qs": _query_string(params, page=page + 1) if page < pages else "",
        "export_qs": _query_string(params),
        "sorts": [("relevance", _("Relevance")), ("date", _("Newest first"))],
        "frequencies": _frequencies(),
        "searched": bool(params["q"] or params["filters"]),
        "notice": NOTICES.get(results.notice or "", results.notice),
    }
    return render(request, "web/search.html", context)


# One result in the list. Drawn here, like the facets, rather than by a template loop: twenty
# results of a dozen template nodes each cost more than the rest of the page.
HIT_HTML = (
    '<li class="hit" data-id="{}">\n      <h3><a href="{}" dir="auto">{}</a></h3>\n'
    '      <p class="meta">{}</p>\n      {}\n    </li>'
)


def _hits_html(hits, lang: str, doc_url: str, q_suffix: str) -> str:
    base = doc_url[: -len("0/")]
    return format_html_join(
        "",
        HIT_HTML,
        (
            (hit.document_id, f"{base}{hit.document_id}/{q_suffix}", hit.title)
            + (_hit_meta(hit, lang), _hit_snippet(hit))
            for hit in hits
        ),
    )


def _hit_meta(hit, lang: str) -> str:
    parts = [labels.doc_type_label(hit.doc_type) if hit.doc_type else ""]
    if hit.country:
        parts.append(labels.country_label(hit.country, lang))
    if hit.language:
        parts.append(labels.language_label(hit.language, lang))
    if hit.date:
        parts.append(hit.date)
    return format_html_join(" · ", "{}", ((part,) for part in parts))


def _hit_snippet(hit) -> str:
    # The search service escapes snippets; keeping only <mark> here is defence in depth.
    snippet = nh3.clean(hit.snippet_html or "", tags={"mark"}, attributes={})
    if not snippet:
        return ""
    return format_html(
        '<p class="snippet" dir="{}"{}>{}</p>',
        getattr(hit, "snippet_dir", "auto"),
        format_html(' lang="{}"', hit.language) if hit.language else "",
        mark_safe(snippet),  # noqa: S308 - sanitised to <mark> only
    )


def _frequencies() -> list[tuple[str, str]]:
    from migralex.alerts.models import Frequency

    return list(Frequency.choices)


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text, never evaluates (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _export_hits(request, params: dict) -> list:
    hits = []
    page = 1
    while len(hits) < EXPORT_MAX:
        results = run_search(request, params, page=page, per_page=100)
        hits.extend(results.results)
        if not results.results or page * 100 >= results.count:
            break
        page += 1
    return hits[:EXPORT_MAX]


def export_csv(request):
    params = search_params(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="migralex-search.csv"'
    response.write("\ufeff")  # BOM: spreadsheet programs then read UTF-8 (Arabic) correctly
    writer = csv.writer(response)
    writer.writerow(
        ["id", "title", "type", "country", "language", "date", "themes", "score", "url"]
    )
    for hit in _export_hits(request, params):
        url = request.build_absolute_uri(reverse("web:document", args=[hit.document_id]))
        writer.writerow(
            [
                csv_safe(hit.document_id),
                csv_safe(hit.title),
                csv_safe(hit.doc_type),
                csv_safe(hit.country),
                csv_safe(hit.language),
                csv_safe(hit.date),
                csv_safe(" ".join(hit.themes or [])),
                csv_safe(round(hit.score, 4) if hit.score is not None else ""),
                csv_safe(url),
            ]
        )
    return response


def export_json(request):
    from migralex.search.services import results_as_dict

    params = search_params(request)
    first = run_search(request, params, page=1, per_page=1)
    payload = results_as_dict(first)
    payload["results"] = [_hit_dict(hit) for hit in _export_hits(request, params)]
    payload["query"] = {k: params[k] for k in ("q", "filters", "sort", "expand")}
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="migralex-search.json"'
    return response


def _hit_dict(hit) -> dict:
    return {
        "document_id": hit.document_id,
        "title": hit.title,
        "doc_type": hit.doc_type,
        "country": hit.country,
        "language": hit.language,
        "date": str(hit.date) if hit.date else None,
        "themes": list(hit.themes or []),
        "score": hit.score,
    }
