"""Training: the dev set's shape, corrections feeding `migralex train`, the model artefact."""

from __future__ import annotations

import json

import numpy as np
import pytest

from migralex.analysis import model, training
from migralex.analysis.features import view
from migralex.analysis.services import document_correct
from migralex.analysis.thesaurus import theme_ids
from migralex.cli import main
from migralex.documents import services as documents
from migralex.documents.choices import DocType
from migralex.knowledge.reference_data import LoadReport, thesaurus_load
from tests.factories import DocumentFactory

DOC_TYPES = set(DocType.values)


def test_devset_has_the_shape_the_issue_asks_for():
    rows = training.devset_examples()
    assert len(rows) >= 250
    assert {r["lang"] for r in rows} == {"fr", "ar", "en"}
    assert sum(not r["relevant"] for r in rows) >= 60
    counts = {t: 0 for t in theme_ids()}
    for r in rows:
        assert r["doc_type"] in DOC_TYPES, r["id"]
        assert set(r["themes"]) <= set(counts), r["id"]
        assert r["relevant"] or not r["themes"], r["id"]
        for t in r["themes"]:
            counts[t] += 1
    assert min(counts.values()) >= 5, counts


def test_packaged_model_loads_without_pickle_and_predicts_every_head():
    classifier = model.load(model.PACKAGE_MODEL_DIR)
    assert classifier is not None
    assert set(classifier.heads) >= {"themes", "relevance", "doc_type"}
    with np.load(model.PACKAGE_MODEL_DIR / "classifier.npz", allow_pickle=False) as data:
        assert data["vocabulary"].dtype.kind == "U"
    probs = classifier.predict(
        view("Loi relative au droit d'asile", "réfugiés et demandeurs d'asile", "fr")
    )
    assert set(probs["themes"]) == set(theme_ids())
    assert max(probs["themes"], key=probs["themes"].get) == "asylum-refugees"


@pytest.mark.django_db
def test_train_learns_from_corrections_and_the_new_model_is_used(settings, capsys):
    thesaurus_load(LoadReport())
    # A wording no dev-set example uses, corrected by an analyst to a theme.
    text = "Zorglub quintessence opérationnelle du dispositif Zorglub pour les zorglubiens."
    for _ in range(3):
        document = DocumentFactory()
        documents.version_add(document, text)
        document_correct(document, None, themes=["housing"], relevant=True, doc_type="other")
    examples = [e for e in training.correction_examples() if e["text"] == text]
    assert len(examples) == 3
    assert all(e["themes"] == ["housing"] and e["relevant"] is True for e in examples)

    assert main(["train", "--json"]) == 0
    meta = json.loads(capsys.readouterr().out)
    assert meta["provenance"]["corrections"] == 3
    assert (settings.DATA_DIR / "models" / "classifier.json").exists()
    assert model.model_dir() == settings.DATA_DIR / "models"
    trained = model.current()
    assert trained.version == meta["version"]
    probs = trained.predict(view(None, text, "fr"))
    packaged = model.load(model.PACKAGE_MODEL_DIR).predict(view(None, text, "fr"))
    assert probs["themes"]["housing"] > packaged["themes"]["housing"]
