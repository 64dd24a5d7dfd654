"""Server-rendered pages. Views stay thin: read through selectors, render a template."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import get_language, get_language_bidi

from migralex.web import dashboard


def home(request):
    lang = get_language() or "fr"
    context = dashboard.home_context(request.user, lang, rtl=get_language_bidi())
    return render(request, "web/home.html", context)
