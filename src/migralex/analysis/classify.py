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
_DEFAULT_THRESHOLDS = {"theme": 0.4, "theme_with_rules": 0.25, "relevance": 0.5}
_RULE_ONLY_MIN_HITS = 2


def _rules_only(v: TextView) -> dict:
    themes = []
    for theme, phrases in v.theme_hits.items():
        hits = len(phrases)
        if hits >= _RULE_ONLY_MIN_HITS or theme in v.title_theme_hits:
            themes.append({"id": theme, "score": round(1 - 0.5 ** (hits + 1), 4), "by": "rules"})
    themes.sort(key=lambda t: -t["score"])
    relevance = min(1.0, sum(len(p) for p in v.theme_hits.values()) / 4)
    return {
        "themes": themes[:MAX_THEMES],
        "relevant": bool(themes),
        "relevance": relevance,
        "doc_type_probs": {},
        "model_version": "rules",
    }


def classify(v: TextView, classifier: Classifier | None) -> dict:
    if classifier is None:
        return _rules_only(v)
    thresholds = {**_DEFAULT_THRESHOLDS, **classifier.meta.get("thresholds", {})}
    probs = classifier.predict(v)
    relevance = probs["relevance"]["relevant"]
    relevant = relevance >= thresholds["relevance"]
    themes = []
    if relevant:
        ranked = sorted(probs["themes"].items(), key=lambda item: -item[1])
        for theme, p in ranked:
            hits = len(v.theme_hits.get(theme, ()))
            if p >= thresholds["theme"]:
                themes.append({"id": theme, "score": round(p, 4), "by": "model"})
            elif hits and p >= thresholds["theme_with_rules"]:
                themes.append({"id": theme, "score": round(p, 4), "by": "rules"})
        if not themes and ranked:
            # A relevant text has at least one theme: the most probable one.
            theme, p = ranked[0]
            themes.append({"id": theme, "score": round(p, 4), "by": "model"})
    return {
        "themes": themes[:MAX_THEMES],
        "relevant": relevant,
        "relevance": round(relevance, 4),
        "doc_type_probs": probs.get("doc_type", {}),
        "model_version": classifier.version,
    }
