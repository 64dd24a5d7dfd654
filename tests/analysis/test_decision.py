"""The model's decision rule and the features it rests on (``classify``, ``features``)."""

from __future__ import annotations

from migralex.analysis import classify, training
from migralex.analysis.features import char_features, view
from migralex.analysis.thesaurus import pseudo_documents, theme_ids

DECISION = {"theme": 0.3, "relative": 0.5, "relevance": 0.5, "unanchored": 0.9}


def test_a_relevant_text_keeps_its_best_theme_and_close_seconds_only():
    probs = {"asylum-refugees": 0.9, "detention": 0.5, "housing": 0.35, "health": 0.1}
    got = classify.accept_themes(probs, DECISION)
    assert [t for t, _ in got] == ["asylum-refugees", "detention"]  # housing < 0.5 * 0.9
    weak = {"asylum-refugees": 0.12, "detention": 0.05}
    assert [t for t, _ in classify.accept_themes(weak, DECISION)] == ["asylum-refugees"]
    many = {t: 0.8 for t in theme_ids()[:6]}
    assert len(classify.accept_themes(many, DECISION)) == classify.MAX_THEMES


def test_calibration_rescales_one_theme_and_leaves_the_others():
    probs = {"gender": 0.2, "housing": 0.2}
    got = classify.calibrate(probs, {"gender": [1.0, 2.0]})
    assert got["gender"] > 0.6
    assert abs(got["housing"] - 0.2) < 1e-9


def test_without_anchor_words_only_a_sure_model_makes_a_text_relevant():
    anchored = view("Loi relative aux étrangers", "Le séjour des étrangers au Maroc.", "fr")
    plain = view("Transferts", "Les envois de fonds vers le Maroc ont augmenté.", "fr")
    assert anchored.mentions_migration and not plain.mentions_migration
    assert classify.is_relevant(anchored, 0.6, DECISION)
    assert not classify.is_relevant(anchored, 0.4, DECISION)
    assert not classify.is_relevant(plain, 0.6, DECISION)
    assert classify.is_relevant(plain, 0.95, DECISION)


def test_character_ngrams_meet_an_arabic_word_under_its_clitics():
    a = char_features(view(None, "المهاجرين", "ar"))
    b = char_features(view(None, "وللمهاجرين", "ar"))
    shared = set(a) & set(b)
    assert {"c:مهاجر", "c:اجرين", "c:جرين "} <= shared


def test_thesaurus_keywords_are_examples_of_their_theme_without_a_relevance_label():
    docs = pseudo_documents()
    keyword_docs = [d for d in docs if "relevant" not in d]
    assert keyword_docs and all(len(d["themes"]) == 1 for d in keyword_docs)
    assert {d["themes"][0] for d in keyword_docs} == set(theme_ids())


def test_decision_is_chosen_from_held_out_training_examples():
    examples = [e for e in training.devset_examples() if e["lang"] == "fr"][:120]
    pseudo = pseudo_documents()
    decision = training.choose_decision(
        examples, training.views_of(examples), pseudo, training.views_of(pseudo)
    )
    assert decision["theme"] in training.THEME_THRESHOLDS
    assert decision["relative"] in training.RELATIVE_THRESHOLDS
    assert decision["relevance"] in training.RELEVANCE_THRESHOLDS
    assert decision["unanchored"] in training.UNANCHORED_THRESHOLDS
    assert set(decision["calibration"]) <= set(theme_ids())
