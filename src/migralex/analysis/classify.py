"""Themes, relevance and (model) document type of a text: thesaurus rules plus the model.

The model weighs words, character n-grams and the thesaurus' keyword evidence together. A
relevant text gets the themes whose probability reaches a threshold and stays within a ratio
of the best theme's (secondary themes are judged against the main one), and always its best
theme. The thresholds are chosen when the model is trained, by an inner cross-validation on its
own training examples (``training.choose_decision``), and stored with it. Without a model (a
broken or absent artefact) the rules decide alone, so the analyser degrades instead of failing.

What limits theme F1 is the ranking of secondary themes, not this decision: on the relevant
dev-set texts, 85.9 % of the gold themes are among the |gold| best-ranked (5-fold CV, seed 13),
and the decision here scores F1 0.807 on them. Tried on the same held-out probabilities, without
gain: passage evidence (each sentence of 40+ characters scored by the theme heads, the best
passage's log-odds learnt together with the text's, global slopes and per-theme intercepts:
best F1 0.803 -> 0.806 with thresholds chosen after the fact; the dev-set texts are short,
median 500 characters, so one sentence is not diluted much), heads trained on sentences that
inherit their text's labels (0.803), those plus keyword hits and co-occurrence with the best
theme (0.808), per-theme offsets on the threshold chosen on the other folds (-0.005; +0.001 with
shrinkage 0.8 toward the global one), MAX_THEMES 3, 5 or 6 (0.793, 0.795, 0.794 against 0.794).
"""

from __future__ import annotations

import math

from migralex.analysis.features import TextView
from migralex.analysis.model import Classifier

MAX_THEMES = 4
# For a model stored without its own decision (older artefacts).
DEFAULT_DECISION = {"theme": 0.2, "relative": 0.3, "relevance": 0.4, "unanchored": 1.0}
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


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def calibrate(theme_probs: dict[str, float], calibration: dict) -> dict[str, float]:
    """Probabilities after each theme's Platt scaling (``training._calibration``)."""
    out = {}
    for theme, p in theme_probs.items():
        slope, intercept = calibration.get(theme, (1.0, 0.0))
        out[theme] = 1.0 / (1.0 + math.exp(-(slope * logit(p) + intercept)))
    return out


def is_relevant(v: TextView, relevance: float, decision: dict) -> bool:
    """Relevant when the model says so and the text names the field (``relevance``), or,
    without those words, when the model is sure (``unanchored``): the anchor list cannot name
    every way a text is about migrants (remittances, returnees, a labour agreement)."""
    if relevance < decision["relevance"]:
        return False
    return v.mentions_migration or relevance >= decision["unanchored"]


def accept_themes(theme_probs: dict[str, float], decision: dict) -> list[tuple[str, float]]:
    """The accepted (theme, probability) pairs of a relevant text, most probable first."""
    ranked = sorted(theme_probs.items(), key=lambda item: -item[1])
    if not ranked:
        return []
    floor = max(decision["theme"], decision["relative"] * ranked[0][1])
    kept = [(theme, p) for theme, p in ranked if p >= floor]
    return (kept or ranked[:1])[:MAX_THEMES]


def classify(v: TextView, classifier: Classifier | None) -> dict:
    if classifier is None:
        return _rules_only(v)
    decision = {**DEFAULT_DECISION, **classifier.meta.get("decision", {})}
    probs = classifier.predict(v)
    relevance = probs["relevance"]["relevant"]
    relevant = is_relevant(v, relevance, decision)
    theme_probs = calibrate(probs["themes"], decision.get("calibration", {}))
    themes = accept_themes(theme_probs, decision) if relevant else []
    best = themes[0][1] if themes else 0.0
    return {
        "themes": [{"id": t, "score": round(p, 4), "by": "model"} for t, p in themes],
        "relevant": relevant,
        "relevance": round(max(relevance, best * 0.9) if relevant else relevance, 4),
        "doc_type_probs": probs.get("doc_type", {}),
        "country_probs": probs.get("country", {}),
        "model_version": classifier.version,
    }
