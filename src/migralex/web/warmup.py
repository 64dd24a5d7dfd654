"""What every web process would otherwise build on its first requests, built once by ``serve``
before it forks the web processes, which then share it: translation catalogues and URL reversal
tables per language, compiled templates, the thesaurus' labels and the search expansion table.

Without it, on the 100k benchmark store, each new process spent about a second of CPU on its first
search (the expansion table) and more on its first page in each language, while every request
queued behind those held the interpreter lock stalled with it.

Nothing here opens the search index or starts a thread: a forked process would inherit them
half-usable.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# A word of each language that names a thesaurus theme, so the expansion table is built.
SAMPLE_QUERIES = {"fr": "travailleurs migrants", "ar": "العمال المهاجرين", "en": "migrant workers"}


def warm_up() -> None:
    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import reverse
    from django.utils import translation

    import migralex.search.services  # noqa: F401 (imported by the search page at first use)
    from migralex.search.plan import plan_for
    from migralex.search.query import parse
    from migralex.web import labels

    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        get_template(str(path.relative_to(TEMPLATES_DIR)))
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            reverse("web:home")  # builds this language's reversal table for the whole site
            labels.theme_choices(lang)
            labels.country_label("MA", lang)
            plan_for(parse(SAMPLE_QUERIES.get(lang, "")), access=None, lang=lang)
