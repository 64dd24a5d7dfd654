"""Thesaurus concepts in the tantivy index: a document carries ``theme@lang`` for every
thesaurus expression its terms contain, and cross-lingual expansion looks for those terms
instead of the expressions' phrases, with the same matches."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migralex.search import services
from migralex.search.analysis import text_terms
from migralex.search.backends import tantivy_backend
from migralex.search.backends.tantivy_backend import TantivyBackend
from migralex.search.expansion import (
    Expansion,
    _expressions_analysed,
    document_concepts,
    thesaurus_fingerprint,
)
from migralex.search.plan import IndexRecord, SearchPlan, plan_for
from migralex.search.query import parse

EXPRESSIONS = _expressions_analysed()
VOCABULARY = sorted({t for seqs in EXPRESSIONS.values() for seq in seqs for t in seq})


def _occurs(seq: tuple[str, ...], terms: list[str]) -> bool:
    n = len(seq)
    return any(tuple(terms[i : i + n]) == seq for i in range(len(terms) - n + 1))


def _brute_force(terms: list[str]) -> set[str]:
    return {
        f"{theme}@{lang}"
        for (theme, lang), seqs in EXPRESSIONS.items()
        if any(_occurs(seq, terms) for seq in seqs)
    }


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(VOCABULARY), st.sampled_from(["x", "de", "loi", "قانون"])),
        max_size=40,
    ),
    st.data(),
)
def test_document_concepts_are_the_phrase_matches(terms, data):
    # Plant a whole expression now and then: random terms rarely form a multi-word one.
    if terms and data.draw(st.booleans()):
        seqs = EXPRESSIONS[data.draw(st.sampled_from(sorted(EXPRESSIONS)))]
        if seqs:
            at = data.draw(st.integers(0, len(terms)))
            terms = terms[:at] + list(data.draw(st.sampled_from(seqs))) + terms[at:]
    assert set(document_concepts(terms)) == _brute_force(terms)


def test_document_concepts_order_does_not_depend_on_the_hash_seed():
    # The order is the concepts' positions in the PostgreSQL vector: a reindex in another
    # process must write the same vector.
    terms = [t for seqs in EXPRESSIONS.values() for seq in seqs for t in seq]
    script = (
        "import json, sys; import django; django.setup();"
        "from migralex.search.expansion import document_concepts;"
        "print(json.dumps(list(document_concepts(json.loads(sys.stdin.read())).items())))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(terms),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert len(json.loads(outputs.pop())) > 3


def _record(i: int, text: str, lang: str) -> IndexRecord:
    terms = text_terms(text, lang)
    return IndexRecord(
        id=i,
        version_id=i,
        title="",
        text=text,
        language=lang,
        title_terms=[],
        body_terms=terms,
        facets={"lang": [lang]},
        year=2016,
        date_ord=20160101,
        access=["anon"],
        payload={"id": i, "text": text, "language": lang},
    )


def test_arabic_expression_is_found_by_a_french_query_through_concepts(tmp_path):
    backend = TantivyBackend(tmp_path / "index")
    backend.index(
        [
            _record(1, "La loi protège le travail domestique des migrantes.", "fr"),
            _record(2, "يحدد هذا القانون شروط العمل المنزلي وحماية العاملات.", "ar"),
            _record(3, "يحدد هذا القانون شروط العمل في المنازل.", "ar"),  # not the expression
        ],
        replace=False,
    )
    results = services.search("travail domestique", backend=backend)
    assert [h.document_id for h in results.results] == [1, 2]
    assert results.results[0].score >= tantivy_backend.TIER_BONUS > results.results[1].score
    # The expansion is answered by the concept terms alone: without its phrases, same match.
    plan = plan_for(parse("travail domestique"), access=None)
    (expansion,) = plan.expansions
    assert "domestic-work@ar" in expansion.concepts
    plan.expansions = [Expansion(expansion.theme, expansion.matched, (), expansion.concepts)]
    count, hits, _ = backend.search(plan)
    assert count == 2 and [p["id"] for _, p in hits] == [1, 2]


def test_an_expansion_without_concepts_looks_for_its_phrases(tmp_path):
    backend = TantivyBackend(tmp_path / "index")
    backend.index([_record(1, "شروط العمل المنزلي", "ar"), _record(2, "x", "fr")])
    plan = SearchPlan(
        must=plan_for(parse("x"), access=None).must,
        must_not=[],
        filters={},
        years=None,
        access=None,
        expansions=[Expansion("domestic-work", "x", (tuple(text_terms("العمل المنزلي", "ar")),))],
        facets=False,
    )
    count, hits, _ = backend.search(plan)
    assert count == 2 and [p["id"] for _, p in hits] == [2, 1]


@pytest.mark.django_db
def test_a_thesaurus_change_rebuilds_the_index(corpus_docs, monkeypatch):
    services.documents_reindex()
    backend = services.get_backend()
    assert backend.count() == len(corpus_docs)
    marker = backend.path / "schema-version"
    assert thesaurus_fingerprint() in marker.read_text()
    # Another thesaurus, as after an upgrade: the next process to open the index empties it...
    monkeypatch.setattr(tantivy_backend, "thesaurus_fingerprint", lambda: "another")
    monkeypatch.delitem(tantivy_backend._OPEN, str(backend.path))
    assert backend.count() == 0
    assert "another" in marker.read_text()
    # ...and the start-up check finds the drift and indexes every document again.
    report = services.index_check(quick=True, backend=backend)
    assert report.repaired and len(report.missing) == len(corpus_docs)
    assert backend.count() == len(corpus_docs)
    hits = services.search("travail domestique", backend=backend).results
    assert corpus_docs["ar-domestic"].pk in {h.document_id for h in hits}


def test_tiered_ranking_on_every_page(tmp_path):
    # Exact matches, expansion-only matches, both, neither; searched tier by tier, every page
    # holds the exact matches (by the main query's score) then the expansion-only ones, and
    # the count and facets of the whole query.
    import random

    from tantivy import Occur, Query

    rng = random.Random(5)
    texts = [
        ("la loi protège le travail domestique", "fr"),
        ("travail domestique et travail forcé des migrantes", "fr"),
        ("شروط العمل المنزلي وحماية العاملات", "ar"),
        ("domestic workers and the domestic work convention", "en"),
        ("قانون الجنسية", "ar"),
        ("la loi sur la nationalité", "fr"),
    ]
    records = []
    for i in range(1, 121):
        text, lang = rng.choice(texts)
        words = text.split()
        if rng.random() < 0.3:
            rng.shuffle(words)
        record = _record(i, " ".join(words * rng.randint(1, 3)), lang)
        record.facets["country"] = [rng.choice(["MA", "TN"])]
        records.append(record)
    backend = TantivyBackend(tmp_path / "index")
    backend.index(records, replace=False)
    searcher = backend.searcher()

    def ranked(query, bonus):
        result = searcher.search(query, limit=200)
        return [(round(s + bonus, 3), searcher.doc(a).get_first("payload")) for s, a in result.hits]

    for q in ["travail domestique", "travail domestique country:MA", "العمل المنزلي"]:
        plan = plan_for(parse(q), access=None)
        assert plan.expansions
        main, expansion = backend._main(plan), backend._expansion(plan)
        only = Query.boolean_query([(Occur.Must, expansion), (Occur.MustNot, main)])
        expected = ranked(backend._filtered(main, plan), tantivy_backend.TIER_BONUS)
        expected += ranked(backend._filtered(only, plan), 0.0)
        whole = searcher.search(backend._query(plan), limit=1).count
        assert whole == len(expected)
        for offset in (0, 7, 20, 40, 60, 119):
            for facets in (False, True):
                plan = plan_for(parse(q), access=None, offset=offset, limit=20, facets=facets)
                count, hits, facet_counts = backend.search(plan)
                assert (count() if callable(count) else count) == whole
                got = [(round(s, 3), json.dumps(p, ensure_ascii=False).encode()) for s, p in hits]
                page = expected[offset : offset + 20]
                assert [g[0] for g in got] == [e[0] for e in page], (q, offset)
                assert {g[1] for g in got} == {e[1] for e in page}, (q, offset)
                if facets and whole:
                    assert facet_counts()["lang"]


def test_audiences_are_the_selectors_tokens():
    from migralex.search import selectors

    assert tantivy_backend.AUDIENCES == (selectors.ANONYMOUS, selectors.SIGNED_IN)


def test_access_filter_and_title_boost(tmp_path):
    # Anonymous searches exclude the documents hidden from them; a title word ranks higher.
    records = []
    for i, (title, text, access) in enumerate(
        [
            ("travail", "le travail des migrantes", ["org:1", "anon", "signed"]),
            ("loi", "le travail des migrantes", ["org:1", "anon", "signed"]),
            ("travail", "le travail des migrantes", ["org:1", "signed"]),
            ("travail", "le travail des migrantes", ["org:2"]),
        ],
        start=1,
    ):
        record = _record(i, text, "fr")
        record.title_terms = text_terms(title, "fr")
        record.body_terms = record.title_terms + record.body_terms
        record.access = access
        records.append(record)
    backend = TantivyBackend(tmp_path / "index")
    backend.index(records, replace=False)
    for access, expected in (
        (["anon"], [1, 2]),
        (["signed"], [1, 3, 2]),
        (["signed", "org:2"], [1, 3, 4, 2]),
        (None, [1, 3, 4, 2]),
    ):
        plan = plan_for(parse("travail"), access=access, facets=False)
        count, hits, _ = backend.search(plan)
        assert [p["id"] for _, p in hits] == expected, access
        assert count == len(expected)


def test_title_words_weigh_more_without_making_phrases(tmp_path):
    # The title is indexed again in the body (TITLE_REPEAT times, as separate values): a title
    # word outranks the same word in a body of the same length, and no phrase spans the copies
    # ("forcé travail" would match "travail forcé travail forcé" written as one value).
    records = []
    for i, (title, text) in enumerate(
        [
            ("rapport annuel", "le travail forcé des migrantes"),
            ("travail forcé", "le rapport annuel des migrantes"),
        ],
        start=1,
    ):
        record = _record(i, text, "fr")
        record.title_terms = text_terms(title, "fr")
        record.body_terms = record.title_terms + record.body_terms
        records.append(record)
    backend = TantivyBackend(tmp_path / "index")
    backend.index(records, replace=False)

    def ids(q):
        _, hits, _ = backend.search(plan_for(parse(q), access=["anon"], facets=False))
        return [p["id"] for _, p in hits]

    assert tantivy_backend.TITLE_REPEAT >= 1
    assert ids("travail") == [2, 1]
    assert ids("rapport") == [1, 2]
    assert ids('"travail forcé"') in ([2, 1], [1, 2])
    assert ids('"forcé travail"') == []
