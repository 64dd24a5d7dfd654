"""Themes, relevance and (model) document type of a text: thesaurus rules plus the model.

The rules are the team's trilingual keywords: a keyword found votes for its theme. The model
weighs words, keyword evidence and cues together. A theme is accepted when the model is
confident, or moderately confident with keyword evidence; without a model (a broken or absent
artefact) the rules decide alone, so the analyser degrades instead of failing.
"""

from __future__ import annotations

from migralex.analysis.features import TextView
from migralex.analysis.model import Classifier

MAX_THEMES = 4
# Global decision parameters (the same for every theme, so nothing is fitted to one theme's
# handful of examples). A theme is accepted when the model is confident (``theme``), or when
# the thesaurus has at least two of its keywords in the text and the model does not rule it
# out (``rule_hits``, ``with_rules``), or when it has a keyword and comes close to the best
# theme (``relative``): secondary themes are what a small training set learns worst.
_DEFAULT_THRESHOLDS = {
    "theme": 0.6,
    "with_rules": 0.1,
    "rule_hits": 2,
    "relative": 0.3,
    "relevance": 0.4,
    # A text whose best theme is this probable is relevant even if the relevance head hesitates
    # (down to ``relevance_floor``): themes are evidence of relevance.
    "theme_relevance": 0.6,
    "relevance_floor": 0.25,
}
_RULE_ONLY_MIN_HITS = 2


def _rules_only(v: TextView) -> dict:
    themes = []
    for theme, phrases in v.theme_hits.items():
        hits = len(phrases)
        if hits >= _RULE_ONLY_MIN_HITS or theme in v.title_theme_hits:
            themes.append({"id": theme, "score": round(1 - 0.5 ** (hits + 1), 4), "by": "rules"})
    themes.sort(key=lambda t: -t["score"])
    if not v.mentions_migration:
        themes = []
    relevance = min(1.0, sum(len(p) for p in v.theme_hits.values()) / 4) if themes else 0.0
    return {
        "themes": themes[:MAX_THEMES],
        "relevant": bool(themes),
        "relevance": relevance,
        "doc_type_probs": {},
        "country_probs": {},
        "model_version": "rules",
    }


def classify(v: TextView, classifier: Classifier | None) -> dict:
    if classifier is None:
        return _rules_only(v)
    th = {**_DEFAULT_THRESHOLDS, **classifier.meta.get("decision", {})}
    probs = classifier.predict(v)
    relevance = probs["relevance"]["relevant"]
    ranked = sorted(probs["themes"].items(), key=lambda item: -item[1])
    best = ranked[0][1] if ranked else 0.0
    relevant = v.mentions_migration and (
        relevance >= th["relevance"]
        or (best >= th["theme_relevance"] and relevance >= th["relevance_floor"])
    )
    themes = []
    if relevant:
        for theme, p in ranked:
            hits = len(v.theme_hits.get(theme, ()))
            if p >= th["theme"]:
                themes.append({"id": theme, "score": round(p, 4), "by": "model"})
            elif (hits >= th["rule_hits"] and p >= th["with_rules"]) or (
                hits and p >= th["relative"] * best
            ):
                themes.append({"id": theme, "score": round(p, 4), "by": "rules"})
        if not themes and ranked:
            # A relevant text has at least one theme: the most probable one.
            theme, p = ranked[0]
            themes.append({"id": theme, "score": round(p, 4), "by": "model"})
    return {
        "themes": themes[:MAX_THEMES],
        "relevant": relevant,
        "relevance": round(max(relevance, best * 0.9) if relevant else relevance, 4),
        "doc_type_probs": probs.get("doc_type", {}),
        "country_probs": probs.get("country", {}),
        "model_version": classifier.version,
    }
