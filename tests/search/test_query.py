"""The query language: examples of each construct, and a property test that any input parses
(or falls back to plain words with a notice) without raising."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.search.query import (
    FALLBACK_NOTICE,
    Phrase,
    Query,
    Word,
    parse,
    query_with_filters,
)


def test_plain_words_are_and_groups():
    q = parse("travail domestique")
    assert q.must == ((Word("travail"),), (Word("domestique"),))
    assert q.notice is None


def test_phrase_or_exclusion_prefix():
    q = parse('"travail forcé" OR traite -enfants migr*')
    assert q.must == ((Phrase(("travail", "forcé")), Word("traite")), (Word("migr", prefix=True),))
    assert q.must_not == (Word("enfants"),)


def test_field_filters_and_year_ranges():
    q = parse("type:decree country:ma theme:domestic-work year:2016..2020 lang:AR visa")
    assert q.filters == {
        "type": ("decree",),
        "country": ("MA",),
        "theme": ("domestic-work",),
        "lang": ("ar",),
    }
    assert q.years == (2016, 2020)
    assert q.must == ((Word("visa"),),)
    assert parse("year:2016").years == (2016, 2016)
    assert parse("year:..2010").years == (None, 2010)
    assert parse("year:2010..").years == (2010, None)


def test_arabic_words_and_punctuated_items():
    q = parse("الأجانب l'étranger")
    assert q.must[0] == (Word("الأجانب"),)
    assert q.must[1] == (Phrase(("l", "étranger")),)


def test_unknown_field_is_a_word():
    assert parse("article:12").must == ((Phrase(("article", "12")),),)


def test_bad_syntax_falls_back_to_plain_words_with_a_notice():
    for bad in [
        '"unclosed phrase',
        "OR visa",
        "visa OR",
        "year:20x0",
        "year:2020..2010",
        "-*",
        "a*b",
    ]:
        q = parse(bad)
        assert q.notice == FALLBACK_NOTICE, bad
        assert not q.must_not and not q.filters
    assert parse('"unclosed phrase').must == ((Word("unclosed"),), (Word("phrase"),))


def test_ui_filters_intersect_with_query_filters():
    q = query_with_filters(parse("country:MA visa"), {"country": ["MA", "TN"], "year": "2016"})
    assert q.filters["country"] == ("MA",)
    assert q.years == (2016, 2016)
    # A contradiction matches nothing rather than silently widening the search.
    q = query_with_filters(parse("country:MA"), {"country": "TN"})
    assert q.filters["country"] == ("\x00none",)
    # Unknown names and bad values from a client are ignored.
    assert query_with_filters(parse("visa"), {"bogus": "x", "type": "<script>"}).filters == {}


_alphabet = st.sampled_from(
    list("abc éàç\"-*:() OR.,'") + ["OR", "year:", "type:", "..", "الأجانب", "ـ", "\u200f", "\x00"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_alphabet, max_size=30).map("".join) | st.text(max_size=200))
def test_any_input_parses_or_falls_back(text):
    q = parse(text)
    assert isinstance(q, Query)
    for group in q.must:
        assert group
        for atom in group:
            words = atom.words if isinstance(atom, Phrase) else (atom.text,)
            assert all(words)
    if q.notice:
        assert q.notice == FALLBACK_NOTICE
        assert not q.must_not and not q.filters and q.years is None
