"""Server-rendered pages. Views stay thin: read through selectors, render a template."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import get_language

from migralex.web import dashboard


def home(request):
    lang = get_language() or "fr"
    return render(request, "web/home.html", dashboard.home_context(request.user, lang))
