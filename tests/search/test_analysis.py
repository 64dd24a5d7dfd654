"""The fast paths of search analysis and snippets give exactly what the plain analyser gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.common.text import analyze, clean
from migralex.search import analysis, highlight
from migralex.search.analysis import text_terms

# Words that exercise folding, stemming, glitches, elisions, digits and odd Unicode.
WORDS = [
    "الأجانب",
    "األجانب",
    "والعمل",
    "المنزلي",
    "إال",
    "ال",
    "٢٠١٦",
    "travailleurs",
    "l'étranger",
    "Œuvre",
    "STRASSE",
    "straße",
    "ﬁn",
    "½",
    "migr_ants",
    "réfugiés,",
    "(article",
    "workers.",
    "\u200fدخول",
    "ـــ",
    "ً",
]
text_strategy = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=8)), max_size=40).map(
        " ".join
    ),
    st.lists(st.sampled_from(WORDS + [" ", "\n", "  ", "\t", ", "]), max_size=60).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(text=text_strategy, lang=st.sampled_from([None, "fr", "en", "ar"]))
def test_text_terms_equals_analyze(text, lang):
    assert text_terms(text, lang) == analyze(text, lang)
    cleaned = clean(text)
    assert text_terms(cleaned, lang, cleaned=True) == analyze(text, lang)


def test_text_terms_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(analysis, "_MEMO_MAX", 10)
    words = " ".join(f"mot{i}" for i in range(30))
    assert text_terms(words, "fr") == analyze(words, "fr")
    assert len(analysis._CHUNKS["fr"]) <= 30
    assert text_terms("mot1 mot2", "fr") == analyze("mot1 mot2", "fr")


def test_snippet_marks_words_of_both_scripts_in_mixed_text():
    text = "Le dahir relatif aux étrangers (قانون دخول وإقامة الأجانب) de 2003."
    terms = set(text_terms("étrangers الأجانب 2003", "fr"))
    html = highlight.snippet(text, terms, (), "fr")
    assert "<mark>étrangers</mark>" in html
    assert "<mark>الأجانب</mark>" in html
    assert "<mark>2003</mark>" in html


def test_snippet_of_latin_only_terms_on_arabic_text_is_the_opening():
    text = "يحدد هذا القانون شروط الشغل والتشغيل"
    assert highlight.snippet(text, {"travail"}, (), "ar") == text


def test_snippet_looks_for_matches_in_long_texts_without_reading_everything():
    filler = "mot " * 5000
    text = filler + "le travail domestique " + filler + "travail " * 50
    html = highlight.snippet(text, set(text_terms("travail", "fr")), (), "fr")
    assert html.count("<mark>travail</mark>") == 1
    assert html.startswith("… ") and html.endswith(" …")


@settings(max_examples=300, deadline=None)
@given(
    stems=st.lists(st.sampled_from(WORDS + ["trav", "travail", "tra", "عمل", "عم"]), max_size=12),
    text=text_strategy,
)
def test_factored_stem_pattern_finds_the_words_a_flat_alternation_finds(stems, text):
    import re

    cores = [highlight._core(s) for s in stems if s]
    if not cores:
        return
    flat = re.compile("|".join("".join(c) for c in cores))
    factored = re.compile(highlight._trie_pattern(cores))
    for word in re.findall(r"\w+", text) + stems:
        assert bool(flat.search(word)) == bool(factored.search(word))
