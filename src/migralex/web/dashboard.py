"""What the dashboard shows: stored counts (``counts.py``) turned into labelled rows and charts,
the source health summary and the latest documents."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from migralex.documents import selectors
from migralex.sources.models import Source
from migralex.web import charts, counts, labels
from migralex.web.labels import country_label, doc_type_label, language_label


def source_health() -> dict:
    """Sources at a glance. The table is small (tens of rows) and changes at every poll, so it
    is read fresh, in one query, and summed here."""
    stale_after = timezone.now() - dt.timedelta(days=2)
    rows = list(
        Source.objects.values_list(
            "pk", "name", "enabled", "consecutive_failures", "last_checked_at"
        )
    )
    enabled = [r for r in rows if r[2]]
    failing = sorted((r for r in enabled if r[3] > 0), key=lambda r: -r[3])
    checked = [r[4] for r in rows if r[4] is not None]
    return {
        "total": len(rows),
        "watched": len(enabled),
        "failing": len(failing),
        "never": sum(1 for r in enabled if r[4] is None),
        "late": sum(1 for r in enabled if r[4] is not None and r[4] < stale_after),
        "last_check": max(checked, default=None),
        "failing_sources": [
            {"pk": pk, "name": name, "consecutive_failures": n}
            for pk, name, _e, n, _c in failing[:5]
        ],
    }


COUNTS_HTML_TTL = 3600  # keyed by the counts' own stamp: a new count is a new key anyway


def home_context(user, lang: str, rtl: bool = False) -> dict:
    """The dashboard: counts drawn once per computation (cached HTML), plus what must be fresh
    at each view (source health, latest documents)."""
    from migralex.web.views import counts_html

    data = counts.counts_for(user)
    return {
        "total": data.get("total", 0),
        "counts_html": counts_html(data, lang, rtl),
        "sources": source_health(),
        "latest_html": latest_html(user),
    }


# One of the latest documents. Drawn here rather than by a template loop (a URL reversal and two
# date formats per row): the dashboard is one page in five.
LATEST_HTML = (
    '<li><a href="{}" dir="auto">{}</a> <span class="meta"><bdi>{}</bdi>{} · '
    '<time datetime="{}" dir="ltr">{}</time></span></li>'
)


def latest_html(user, limit: int = 10) -> str:
    rows = (
        selectors.documents_visible_to(user)
        .order_by("-created_at")
        .values_list("pk", "title", "doc_type", "country", "created_at")[:limit]
    )
    base = reverse("web:document", args=[0])[: -len("0/")]
    return format_html_join(
        "",
        LATEST_HTML,
        (
            (
                f"{base}{pk}/",
                title,
                doc_type_label(doc_type),
                format_html(" · <bdi>{}</bdi>", country) if country else "",
                date_format(timezone.localtime(created), "c"),
                date_format(timezone.localtime(created), "SHORT_DATE_FORMAT"),
            )
            for pk, title, doc_type, country, created in rows
        ),
    )


def counts_context(data: dict, lang: str, rtl: bool = False) -> dict:
    """Labelled rows and SVG charts of stored counts."""
    by_theme = data.get("by_theme", {})
    by_group = data.get("by_group", {})
    themes = labels.themes()
    groups = []
    for group in labels.groups():
        rows = [
            {"id": tid, "label": label.get(lang) or tid, "count": by_theme.get(tid, 0)}
            for tid, group_id, label in themes
            if group_id == group["id"]
        ]
        groups.append(
            {
                "id": group["id"],
                "label": group["label"].get(lang, group["id"]),
                "count": by_group.get(group["id"], 0),
                "themes": rows,
            }
        )
    by_country = [
        {"code": c, "label": country_label(c, lang), "count": n}
        for c, n in data.get("by_country", [])
    ]
    by_type = [
        {"code": t, "label": doc_type_label(t), "count": n} for t, n in data.get("by_type", [])
    ]
    by_language = [
        {"code": c, "label": language_label(c, lang), "count": n}
        for c, n in data.get("by_language", [])
    ]
    return {
        "total": data.get("total", 0),
        "week": data.get("week", 0),
        "month": data.get("month", 0),
        "relevant": data.get("relevant", 0),
        "theme_groups": groups,
        "by_country": by_country,
        "by_type": by_type,
        "by_language": by_language,
        "by_month": data.get("by_month", []),
        "chart_groups": charts.bar_chart(
            [(g["label"], g["count"]) for g in groups],
            title=_("Documents by theme group"),
            rtl=rtl,
            chart_id="c-g",
        ),
        "chart_country": charts.bar_chart(
            [(c["label"], c["count"]) for c in by_country],
            title=_("Documents by country"),
            rtl=rtl,
            chart_id="c-c",
        ),
        "chart_type": charts.bar_chart(
            [(t["label"], t["count"]) for t in by_type],
            title=_("Documents by type"),
            rtl=rtl,
            chart_id="c-t",
        ),
        "chart_month": charts.bar_chart(
            [(m, n) for m, n in data.get("by_month", [])],
            title=_("New documents by month"),
            rtl=rtl,
            chart_id="c-m",
        ),
    }
