"""The trained classifier: vectoriser and linear heads, stored as plain arrays (no pickle).

The artefact is ``<dir>/classifier.npz`` (vocabulary, IDF, coefficients as float16) plus
``classifier.json`` (version, labels, thresholds, provenance). Plain arrays load with
``allow_pickle=False``, so a model file cannot run code, and do not depend on the
scikit-learn version: scikit-learn is used to *train*, prediction is a sparse dot product here.

Where it lives: the model trained on the team's development set ships in the package
(``migralex/data/models``), so ``migralex analyze`` works on a fresh machine without training.
``migralex train`` (dev set + analysts' corrections) writes a new one under
``DATA_DIR/models``, which then takes precedence; see :func:`model_dir`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from migralex.analysis.features import TextView, vector

PACKAGE_MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models"
NAME = "classifier"


def model_dir() -> Path:
    """The retrained model under the data dir if there is one, else the packaged one."""
    # Same default as the settings (./var), so `analyze` without Django finds a trained model.
    data_dir = os.environ.get("MIGRALEX_DATA_DIR", "./var")
    try:
        from django.conf import settings

        if settings.configured:
            data_dir = str(settings.DATA_DIR)
    except ImportError:  # pragma: no cover - Django is a dependency
        pass
    if data_dir:
        local = Path(data_dir) / "models"
        if (local / f"{NAME}.json").exists():
            return local
    return PACKAGE_MODEL_DIR


@dataclass
class Head:
    classes: list[str]
    coef: np.ndarray  # (n_classes, n_features) float32
    intercept: np.ndarray  # (n_classes,)
    kind: str  # "binary" (one-vs-rest sigmoids) or "multiclass" (softmax)

    def predict(self, indices: np.ndarray, values: np.ndarray) -> dict[str, float]:
        scores = self.coef[:, indices] @ values + self.intercept
        if self.kind == "multiclass":
            scores = np.exp(scores - scores.max())
            probs = scores / scores.sum()
        else:
            probs = 1.0 / (1.0 + np.exp(-scores))
        return {label: float(p) for label, p in zip(self.classes, probs, strict=True)}


@dataclass
class Classifier:
    version: str
    vocabulary: dict[str, int]
    idf: np.ndarray  # for text features; rule features have idf 1
    n_text: int  # features [0, n_text) are text features, then rule features
    heads: dict[str, Head]
    meta: dict

    def vectorise(self, v: TextView) -> tuple[np.ndarray, np.ndarray]:
        entries = vector(v, self.vocabulary, self.idf)
        indices = np.fromiter((i for i, _ in entries), dtype=np.int64, count=len(entries))
        values = np.fromiter((x for _, x in entries), dtype=np.float32, count=len(entries))
        return indices, values

    def predict(self, v: TextView) -> dict[str, dict[str, float]]:
        indices, values = self.vectorise(v)
        return {name: head.predict(indices, values) for name, head in self.heads.items()}


def save(classifier_parts: dict, directory: Path) -> None:
    """Write a model (the dict built by ``training.fit``) atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {
        "vocabulary": np.asarray(classifier_parts["vocabulary"], dtype=str),
        "idf": np.asarray(classifier_parts["idf"], dtype=np.float32),
    }
    meta = dict(classifier_parts["meta"])
    meta["heads"] = {}
    for name, head in classifier_parts["heads"].items():
        arrays[f"{name}_coef"] = np.asarray(head["coef"], dtype=np.float16)
        arrays[f"{name}_intercept"] = np.asarray(head["intercept"], dtype=np.float32)
        meta["heads"][name] = {"classes": head["classes"], "kind": head["kind"]}
    meta["n_text"] = classifier_parts["n_text"]
    tmp_npz = directory / f".{NAME}.tmp.npz"
    np.savez_compressed(tmp_npz, **arrays)
    tmp_json = directory / f".{NAME}.tmp.json"
    tmp_json.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp_npz.replace(directory / f"{NAME}.npz")
    tmp_json.replace(directory / f"{NAME}.json")
    _load.cache_clear()


def load(directory: Path | None = None) -> Classifier | None:
    """The model in ``directory`` (default: :func:`model_dir`), or None when there is none.
    Cached per file modification time, so a worker picks up a model that `migralex train`
    wrote from another process."""
    directory = directory or model_dir()
    try:
        stamp = (directory / f"{NAME}.json").stat().st_mtime_ns
    except OSError:
        return None
    return _load(directory, stamp)


@lru_cache(maxsize=2)
def _load(directory: Path, stamp: int) -> Classifier | None:
    meta_path = directory / f"{NAME}.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    with np.load(directory / f"{NAME}.npz", allow_pickle=False) as data:
        vocabulary = {str(term): i for i, term in enumerate(data["vocabulary"])}
        heads = {
            name: Head(
                classes=spec["classes"],
                coef=data[f"{name}_coef"].astype(np.float32),
                intercept=data[f"{name}_intercept"],
                kind=spec["kind"],
            )
            for name, spec in meta["heads"].items()
        }
        idf = data["idf"]
    return Classifier(meta["version"], vocabulary, idf, meta["n_text"], heads, meta)


def current() -> Classifier | None:
    return load(model_dir())


def from_parts(parts: dict) -> Classifier:
    """A classifier straight from ``training.fit`` output (cross-validation, tests)."""
    vocabulary = {name: i for i, name in enumerate(parts["vocabulary"])}
    heads = {
        name: Head(
            classes=list(head["classes"]),
            coef=np.asarray(head["coef"], dtype=np.float16).astype(np.float32),
            intercept=np.asarray(head["intercept"], dtype=np.float32),
            kind=head["kind"],
        )
        for name, head in parts["heads"].items()
    }
    meta = dict(parts["meta"])
    return Classifier(
        meta["version"], vocabulary, np.asarray(parts["idf"]), parts["n_text"], heads, meta
    )
