"""What the home page shows, computed from the store (the full dashboard is the web issue)."""

from __future__ import annotations

from migralex.documents import selectors
from migralex.documents.choices import DocType
from migralex.knowledge.reference_data import theme_groups

COUNTRY_NAMES = {
    "MA": {"fr": "Maroc", "en": "Morocco", "ar": "المغرب"},
    "TN": {"fr": "Tunisie", "en": "Tunisia", "ar": "تونس"},
    "LY": {"fr": "Libye", "en": "Libya", "ar": "ليبيا"},
    "EG": {"fr": "Égypte", "en": "Egypt", "ar": "مصر"},
    "INT": {"fr": "International", "en": "International", "ar": "دولي"},
}


def country_label(code: str, lang: str) -> str:
    return COUNTRY_NAMES.get(code, {}).get(lang, code)


def home_context(user, lang: str) -> dict:
    visible = selectors.documents_visible_to(user)
    by_theme = selectors.document_counts_by_theme(visible)
    groups = []
    for group in theme_groups():
        themes = [
            {"id": row["theme"].id, "label": row["theme"].label_in(lang), "count": row["count"]}
            for row in by_theme
            if row["theme"].group == group["id"]
        ]
        groups.append(
            {"id": group["id"], "label": group["label"].get(lang, group["id"]), "themes": themes}
        )
    types = dict(DocType.choices)
    return {
        "total": visible.count(),
        "theme_groups": groups,
        "by_country": [
            {"code": c, "label": country_label(c, lang), "count": n}
            for c, n in selectors.document_counts_by("country", visible)
        ],
        "by_type": [
            {"code": t, "label": types.get(t, t), "count": n}
            for t, n in selectors.document_counts_by("doc_type", visible)
        ],
        "latest": visible.select_related("owner")[:10],
    }
