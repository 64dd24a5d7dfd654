"""Server-rendered pages. Views stay thin: read through selectors, render a template."""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi

from migralex.web import dashboard


def home(request):
    lang = get_language() or "fr"
    context = dashboard.home_context(request.user, lang, rtl=get_language_bidi())
    return render(request, "web/home.html", context)


def counts_html(counts: dict, lang: str, rtl: bool) -> str:
    """The counts part of the dashboard (tiles, charts, theme tables), drawn once per
    computation of the counts and language, then served from the cache until they change."""
    key = f"web:dashboard:{counts['stamp']}:{lang}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "web/dashboard_counts.html", dashboard.counts_context(counts, lang, rtl)
        )
        cache.set(key, html, timeout=dashboard.COUNTS_HTML_TTL)
    return html
