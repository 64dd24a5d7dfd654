"""``migralex eval classify``: cross-validated quality figures on the development set.

K-fold cross-validation (stratified by language, fixed seed): each fold's model is trained on
the other folds plus the thesaurus, and the whole analyser runs on the held-out texts. Reported
overall and per language: theme micro-F1 (and precision/recall), per-theme
precision/recall/F1, relevance accuracy, document-type and country accuracy, language accuracy
and reference recall. Rules-only figures (``--rules-only``) show what the thesaurus alone does.
"""

from __future__ import annotations

import random
from collections import defaultdict

from migralex.analysis import model, training
from migralex.analysis.pipeline import analyse_text


def add_arguments(parser) -> None:
    parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rules-only", action="store_true", help="no model: thesaurus rules")
    parser.add_argument(
        "--per-theme", action="store_true", help="include per-theme precision/recall/F1"
    )


def _folds(examples: list[dict], k: int, seed: int) -> list[int]:
    """Fold of each example, languages spread evenly over the folds."""
    rng = random.Random(seed)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_lang[e.get("lang", "")].append(i)
    fold = [0] * len(examples)
    for indices in by_lang.values():
        rng.shuffle(indices)
        for n, i in enumerate(indices):
            fold[i] = n % k
    return fold


def _f1(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


class _Tally:
    def __init__(self):
        self.tp = self.fp = self.fn = 0
        self.n = self.relevance = self.doc_type = self.country = self.language = 0
        self.ref_found = self.ref_total = 0

    def add(self, gold: dict, got: dict) -> None:
        expected, predicted = set(gold.get("themes", [])), {t["id"] for t in got["themes"]}
        self.tp += len(expected & predicted)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)
        self.n += 1
        self.relevance += got["relevant"] == gold.get("relevant")
        self.doc_type += got["doc_type"] == gold.get("doc_type")
        self.country += (got["country"] or None) == (gold.get("country") or None)
        self.language += got["language"] == gold.get("lang")
        refs = {(r["type"], r["number"]) for r in got["references"]}
        for ref in gold.get("references", []):
            self.ref_total += 1
            self.ref_found += (ref["type"], ref["number"]) in refs

    def figures(self) -> dict:
        themes = _f1(self.tp, self.fp, self.fn)
        n = self.n or 1
        return {
            "examples": self.n,
            "theme_micro_f1": themes["f1"],
            "theme_precision": themes["precision"],
            "theme_recall": themes["recall"],
            "relevance_accuracy": round(self.relevance / n, 4),
            "doc_type_accuracy": round(self.doc_type / n, 4),
            "country_accuracy": round(self.country / n, 4),
            "language_accuracy": round(self.language / n, 4),
            "reference_recall": round(self.ref_found / self.ref_total, 4)
            if self.ref_total
            else None,
        }


def cross_validate(
    examples: list[dict], *, folds: int = 5, seed: int = 13, rules_only: bool = False
) -> dict:
    fold_of = _folds(examples, folds, seed)
    views = training.views_of(examples)
    predictions: list[dict | None] = [None] * len(examples)
    for k in range(folds):
        train_idx = [i for i in range(len(examples)) if fold_of[i] != k]
        classifier = None
        if not rules_only:
            parts = training.fit([examples[i] for i in train_idx], [views[i] for i in train_idx])
            classifier = model.from_parts(parts)
        for i in range(len(examples)):
            if fold_of[i] == k:
                e = examples[i]
                predictions[i] = analyse_text(e["text"], e.get("title"), classifier=classifier)
    overall, per_lang = _Tally(), defaultdict(_Tally)
    per_theme: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e, got in zip(examples, predictions, strict=True):
        overall.add(e, got)
        per_lang[e.get("lang", "")].add(e, got)
        expected, predicted = set(e.get("themes", [])), {t["id"] for t in got["themes"]}
        for theme in expected | predicted:
            counts = per_theme[theme]
            counts[0] += theme in expected and theme in predicted
            counts[1] += theme in predicted and theme not in expected
            counts[2] += theme in expected and theme not in predicted
    return {
        "folds": folds,
        "mode": "rules-only" if rules_only else "rules+model",
        **overall.figures(),
        "per_language": {lang: t.figures() for lang, t in sorted(per_lang.items())},
        "per_theme": {theme: _f1(*c) for theme, c in sorted(per_theme.items())},
    }


def run(args) -> dict:
    examples = training.devset_examples()
    if not examples:
        from migralex.cli import CommandError

        raise CommandError("no development set found under migralex/data/devset")
    report = cross_validate(examples, folds=args.folds, seed=args.seed, rules_only=args.rules_only)
    if not args.per_theme and not args.json:
        report.pop("per_theme")
    return report
