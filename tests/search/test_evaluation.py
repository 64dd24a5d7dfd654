"""The search evaluation on the team's judgement set over the bundled reference data."""

from __future__ import annotations

import pytest

from migralex.search import evaluation
from migralex.search.backends.tantivy_backend import TantivyBackend


def test_metrics_on_known_rankings():
    relevant = {"a": 2, "b": 1}
    assert evaluation.ndcg_at(["a", "b"], relevant) == pytest.approx(1.0)
    assert evaluation.ndcg_at(["x", "b", "a"], relevant) < evaluation.ndcg_at(
        ["a", "x", "b"], relevant
    )
    assert evaluation.recall_at(["x", "a"], relevant) == 0.5


def test_judgement_set_has_forty_queries_in_three_languages():
    items = evaluation.read_judgements()
    assert len(items) >= 40
    assert {i["lang"] for i in items} == {"fr", "ar", "en"}
    assert {"phrase", "filtered"} <= {i["kind"] for i in items}


@pytest.mark.django_db
def test_evaluation_reaches_the_issue_figures(tmp_path):
    from migralex.knowledge.reference_data import reference_data_load

    reference_data_load()
    figures = evaluation.evaluate(TantivyBackend(tmp_path / "idx"), verbose=True)
    print({k: v for k, v in figures.items() if k != "per_query"})
    assert figures["ndcg@10_all"] >= 0.8
    assert figures["ndcg@10_ar"] >= figures["ndcg@10_fr"] - 0.05
