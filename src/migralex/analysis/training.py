"""Training the classifier (scikit-learn) from the development set, the thesaurus and analysts'
corrections. Prediction does not need this module (see ``model.py``).

Examples are dicts ``{"id", "lang", "title", "text", "themes", "relevant", "doc_type"}``; a
missing key means "not labelled" for that head (a correction of the type only says nothing
about themes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from migralex.analysis import thesaurus
from migralex.analysis.features import TextView, rule_features, text_features, view
from migralex.common.text import clean

DEVSET_DIR = Path(__file__).resolve().parents[1] / "data" / "devset"
DEVSET_FILES = ("classify_fr_en.jsonl", "classify_ar.jsonl")
MIN_DF = 2
THEME_C = 8.0
RELEVANCE_C = 4.0
TYPE_C = 8.0


def devset_examples() -> list[dict]:
    rows = []
    for name in DEVSET_FILES:
        path = DEVSET_DIR / name
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name} line {number}: {exc}") from exc
    return rows


def correction_examples() -> list[dict]:
    """Analysts' corrections as examples (latest correction per document and field wins)."""
    from migralex.analysis.models import Correction

    by_document: dict[int, dict] = {}
    for correction in Correction.objects.order_by("created_at", "id"):
        example = by_document.setdefault(
            correction.document_id,
            {
                "id": f"correction-{correction.document_id}",
                "lang": correction.language,
                "title": "",
                "text": correction.text,
            },
        )
        example["text"] = correction.text or example["text"]
        if "themes" in correction.fields:
            example["themes"] = list(correction.themes or [])
        if "doc_type" in correction.fields:
            example["doc_type"] = correction.doc_type
        if "relevant" in correction.fields:
            example["relevant"] = correction.relevant
    return [e for e in by_document.values() if e["text"]]


def views_of(examples: list[dict]) -> list[TextView]:
    return [view(e.get("title"), clean(e.get("text", "")), e.get("lang")) for e in examples]


def _matrix(views: list[TextView], vocabulary: dict[str, int], idf: np.ndarray) -> csr_matrix:
    rows, cols, vals = [], [], []
    for r, v in enumerate(views):
        entries = []
        for name, count in text_features(v).items():
            i = vocabulary.get(name)
            if i is not None:
                entries.append((i, (1.0 + math.log(count)) * idf[i]))
        norm = math.sqrt(sum(x * x for _, x in entries)) or 1.0
        entries = [(i, x / norm) for i, x in entries]
        for name, value in rule_features(v).items():
            i = vocabulary.get(name)
            if i is not None:
                entries.append((i, value))
        for i, x in entries:
            rows.append(r)
            cols.append(i)
            vals.append(x)
    return csr_matrix((vals, (rows, cols)), shape=(len(views), len(vocabulary)), dtype=np.float32)


def _binary(X, y: np.ndarray, C: float) -> tuple[np.ndarray, float]:
    if y.sum() == 0:
        return np.zeros(X.shape[1]), -6.0
    if y.sum() == len(y):
        return np.zeros(X.shape[1]), 6.0
    clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)
    clf.fit(X, y)
    return clf.coef_[0], float(clf.intercept_[0])


def fit(examples: list[dict], views: list[TextView] | None = None, provenance: dict | None = None):
    """Train every head on ``examples`` (thesaurus pseudo-documents are added); return the parts
    ``model.save`` writes."""
    pseudo = thesaurus.pseudo_documents()
    all_examples = list(examples) + pseudo
    all_views = (list(views) if views is not None else views_of(examples)) + views_of(pseudo)

    text_counts = [text_features(v) for v in all_views]
    df: Counter = Counter()
    for counts in text_counts:
        df.update(counts.keys())
    text_names = sorted(name for name, n in df.items() if n >= MIN_DF)
    n_docs = len(all_views)
    rule_names = sorted({name for v in all_views for name in rule_features(v)})
    vocabulary = {name: i for i, name in enumerate(text_names + rule_names)}
    idf = np.ones(len(vocabulary), dtype=np.float32)
    for name in text_names:
        idf[vocabulary[name]] = math.log((1 + n_docs) / (1 + df[name])) + 1.0
    X = _matrix(all_views, vocabulary, idf)

    heads = {}
    theme_ids = thesaurus.theme_ids()
    labelled = np.array([e.get("themes") is not None for e in all_examples])
    Xt = X[labelled]
    coefs, intercepts = [], []
    for theme in theme_ids:
        y = np.array([theme in (e.get("themes") or []) for e in all_examples])[labelled]
        coef, intercept = _binary(Xt, y.astype(int), THEME_C)
        coefs.append(coef)
        intercepts.append(intercept)
    heads["themes"] = {
        "classes": theme_ids,
        "coef": np.vstack(coefs),
        "intercept": np.array(intercepts),
        "kind": "binary",
    }

    rel_mask = np.array([e.get("relevant") is not None for e in all_examples])
    y = np.array([bool(e.get("relevant")) for e in all_examples])[rel_mask].astype(int)
    coef, intercept = _binary(X[rel_mask], y, RELEVANCE_C)
    heads["relevance"] = {
        "classes": ["relevant"],
        "coef": coef[None, :],
        "intercept": np.array([intercept]),
        "kind": "binary",
    }

    for head, key in (("doc_type", "doc_type"), ("country", "country")):
        mask = np.array([bool(e.get(key)) for e in all_examples])
        labels = [e[key] for e, keep in zip(all_examples, mask, strict=True) if keep]
        if len(set(labels)) >= 2:
            clf = LogisticRegression(C=TYPE_C, max_iter=3000)
            clf.fit(X[mask], labels)
            heads[head] = {
                "classes": [str(c) for c in clf.classes_],
                "coef": clf.coef_,
                "intercept": clf.intercept_,
                "kind": "multiclass",
            }

    # The version names what was learnt: the same data, features and code give the same id.
    fingerprint = hashlib.sha256()
    for name in sorted(heads):
        fingerprint.update(name.encode())
        fingerprint.update(np.asarray(heads[name]["coef"], dtype=np.float16).tobytes())
    digest = fingerprint.hexdigest()[:10]
    today = dt.date.today().isoformat()
    meta = {
        "version": f"lr-{today}-{digest}",
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "examples": len(examples),
        "pseudo_documents": len(pseudo),
        "features": len(vocabulary),
        "provenance": provenance or {},
    }
    return {
        "vocabulary": text_names + rule_names,
        "idf": idf,
        "n_text": len(text_names),
        "heads": heads,
        "meta": meta,
    }


def train(directory: Path, *, with_corrections: bool = True) -> dict:
    """Train on the dev set (+ corrections) and save to ``directory``; return the metadata."""
    from migralex.analysis import model

    examples = devset_examples()
    corrections = correction_examples() if with_corrections else []
    parts = fit(
        examples + corrections,
        provenance={
            "devset": len(examples),
            "corrections": len(corrections),
            "files": list(DEVSET_FILES),
        },
    )
    model.save(parts, directory)
    return parts["meta"]
