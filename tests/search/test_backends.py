"""Both backends, same fixtures, same results semantics (needs PostgreSQL: run with
DATABASE_URL=postgres://…; .ci/run's second pass does)."""

from __future__ import annotations

import pytest

from migralex.search import services
from migralex.search.backends.postgres import PostgresBackend
from migralex.search.backends.postgres_literals import (
    expansion_tsqueries,
    facet_terms_literal,
    tsvector_literal,
)
from migralex.search.expansion import thesaurus_fingerprint
from migralex.search.plan import IndexRecord, plan_for
from migralex.search.query import parse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

QUERIES = [
    "travail domestique",
    "العمل المنزلي",
    "الأجانب",
    "refugees",
    '"travail forcé"',
    "travail -domestique",
    "travailleu*",
    "asile OR refugee",
    "type:law country:MA",
    "loi year:2020..2025",
    "theme:forced-labour",
    "group:labour lang:fr",
    "",
]


@pytest.fixture
def both(corpus_docs):
    tantivy_backend = services.get_backend("tantivy")
    postgres_backend = PostgresBackend()
    services.documents_reindex(backend=tantivy_backend)
    services.documents_reindex(backend=postgres_backend)
    return tantivy_backend, postgres_backend


def test_rum_index_is_used_when_installed(both):
    # The project's set-up installs postgresql-15-rum; the migration falls back to GIN otherwise.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        available = cursor.fetchone() is not None
    assert PostgresBackend().has_rum() == available


@pytest.mark.parametrize("q", QUERIES)
def test_same_results_and_facets(both, q):
    tantivy_backend, postgres_backend = both
    a = services.search(q, backend=tantivy_backend, per_page=50)
    b = services.search(q, backend=postgres_backend, per_page=50)
    assert a.count == b.count
    assert {h.document_id for h in a.results} == {h.document_id for h in b.results}
    assert a.facets == b.facets
    if a.results and a.results[0].score >= 1000 > (a.results[1].score if len(a.results) > 1 else 0):
        # One exact-language match and the rest through the thesaurus: same first result.
        assert a.results[0].document_id == b.results[0].document_id


def test_expansion_tiers_on_postgres(both):
    _, postgres_backend = both
    ids = [
        h.document_id
        for h in services.search("travail domestique", backend=postgres_backend).results
    ]
    assert len(ids) == 2
    plain = services.search("travail domestique", backend=postgres_backend, expand=False)
    assert plain.count == 1 and plain.results[0].document_id == ids[0]
    # Page 2 of size 1 is the expansion-only match.
    second = services.search("travail domestique", backend=postgres_backend, per_page=1, page=2)
    assert [h.document_id for h in second.results] == ids[1:]


def test_tsvector_literal_quotes_and_weights():
    assert tsvector_literal(["l'a"], ["x", "l'a"]) == "'l''a':1A,3 'x':2"


def test_tsvector_literal_concepts_after_the_text():
    # One position per occurrence, after the text's: frequency ranks, no phrase spans them.
    literal = tsvector_literal(["a"], ["b"], {"domestic-work@ar": 2})
    assert literal == "'domestic-work@ar':3,4 'a':1A 'b':2"


def test_expansion_looks_for_concepts_on_postgres(both):
    # One tsquery of concept lexemes instead of the thesaurus phrases; the Arabic-only text
    # about domestic work is found by a French query through its concepts alone.
    plan = plan_for(parse("travail domestique"), access=None)
    assert expansion_tsqueries(plan) == ["('domestic-work@en' | 'domestic-work@ar')"]
    _, postgres_backend = both
    plain = services.search("travail domestique", backend=postgres_backend, expand=False)
    expanded = services.search("travail domestique", backend=postgres_backend)
    assert expanded.count > plain.count


def test_rows_of_another_thesaurus_are_reindexed(both):
    # A row whose concept lexemes come from another thesaurus is stale: the drift check sees
    # it (quick numbers differ) and reindexes it with the current concepts.
    from django.db import connection

    _, postgres_backend = both
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE search_searchentry SET concepts_of = 'old' WHERE document_id = "
            "(SELECT min(document_id) FROM search_searchentry)"
        )
    report = services.index_check(quick=True, backend=postgres_backend)
    assert report.full and report.repaired and len(report.missing) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT concepts_of FROM search_searchentry")
        assert cursor.fetchall() == [(thesaurus_fingerprint(),)]


def test_quick_drift_check_on_postgres(both):
    _, postgres_backend = both
    assert postgres_backend.version_summary() == services.database_summary()
    assert not services.index_check(quick=True, backend=postgres_backend).full
    postgres_backend.delete([postgres_backend.versions().popitem()[0]])
    report = services.index_check(quick=True, backend=postgres_backend)
    assert report.full and report.repaired and len(report.missing) == 1


def test_phrase_needs_adjacent_words_on_postgres(both):
    # RUM checks phrases from the positions in the index, without a recheck on the heap.
    _, postgres_backend = both
    assert services.search('"travail migrants"', backend=postgres_backend).count == 0
    assert services.search("travail migrants", backend=postgres_backend).count >= 1


def test_snippets_come_from_the_indexed_version(both, corpus_docs):
    _, postgres_backend = both
    hits = services.search("réfugiés", backend=postgres_backend, expand=False).results
    assert [h.document_id for h in hits] == [corpus_docs["fr-asile"].pk]
    assert "<mark>réfugiés</mark>" in hits[0].snippet_html


def test_facet_terms_literal():
    record = IndexRecord(
        id=1,
        version_id=1,
        title="",
        text="",
        language="fr",
        title_terms=[],
        body_terms=[],
        facets={"type": ["law"], "theme": ["a", "b"], "source": [], "country": [""]},
        year=0,
        date_ord=0,
        access=[],
    )
    assert facet_terms_literal(record) == "'all' 'theme:a' 'theme:b' 'type:law'"


def test_bench_on_postgres():
    import argparse

    from django.db import connection

    from migralex.search import bench

    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)  # the command's own defaults, so a new option cannot be missed
    args = parser.parse_args(["--docs", "300", "--queries", "200", "--backend", "postgres"])
    result = bench.run(args)
    assert result["docs"] == 300 and result["queries"] == 200
    assert result["engine"].startswith("postgres") and result["index_mb"] > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", bench.SCRATCH_TABLES)
        assert cursor.fetchone() == (None, None)


def test_bench_keep_and_reuse_on_postgres(tmp_path):
    # --keep leaves the scratch tables and the build figures; --reuse times queries on them.
    import argparse

    from migralex.search import bench

    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    common = ["--docs", "200", "--queries", "200", "--backend", "postgres"]
    try:
        built = bench.run(parser.parse_args([*common, "--keep", str(tmp_path)]))
        again = bench.run(parser.parse_args([*common, "--reuse", str(tmp_path)]))
        assert again["index_docs_per_s"] == built["index_docs_per_s"]
        assert again["index_mb"] == built["index_mb"] > 0
    finally:
        bench._drop_scratch_table()


def test_lexeme_index_next_to_rum(both):
    # Counting uses a GIN index of the lexemes without positions when RUM ranks (0004).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_entry_terms_gin'")
        assert (cursor.fetchone() is not None) == PostgresBackend().has_rum()


def test_migration_fills_the_facet_terms_the_backend_writes(both):
    # Migration 0003 computes facet_terms in SQL for rows indexed before it.
    import importlib

    from django.db import connection

    migration = importlib.import_module("migralex.search.migrations.0003_facet_terms_narrow_rows")
    query = "SELECT document_id, facet_terms::text FROM search_searchentry ORDER BY 1"
    with connection.cursor() as cursor:
        cursor.execute(query)
        written = cursor.fetchall()
        cursor.execute(migration.FILL_FACET_TERMS)
        cursor.execute(query)
        assert cursor.fetchall() == written


@pytest.mark.django_db(transaction=True)
def test_count_and_facets_on_a_side_connection(corpus_docs):
    # Outside a transaction the count and facets run on a side connection while the page is
    # ranked; they must be those of the same query run on the caller's connection.
    from django.db import connection

    from migralex.search.backends import postgres_side

    backend = PostgresBackend()
    services.documents_reindex(backend=backend)
    assert not connection.in_atomic_block
    try:
        for q in QUERIES:
            plan = plan_for(parse(q), access=None)
            count, hits, facets = backend.search(plan)
            assert callable(count) and callable(facets)
            inline = PostgresBackend()
            inline.count_apart = False
            assert (count(), hits, facets()) == inline.search(plan)
            results = services.search(q, backend=backend)
            assert (
                results.count == count()
                and results.facets == services.search(q, backend=inline).facets
            )
    finally:
        postgres_side.close()


def test_rum_halves_rank_as_one_index(both, monkeypatch):
    # Migration 0006 splits RUM by document parity; the page merged from both halves must be
    # the one ranking all the matches in one pass gives, page after page.
    from migralex.search.backends import postgres

    _, backend = both
    if backend._rum() != "halves":
        pytest.skip("no RUM extension: GIN ranks the matches")

    def pages(q):
        return [
            [h.document_id for h in services.search(q, backend=backend, per_page=3, page=n).results]
            for n in (1, 2, 3)
        ]

    split = {q: pages(q) for q in QUERIES}
    assert any(len(ids) == 3 for q in QUERIES for ids in split[q])
    monkeypatch.setitem(postgres._rum_layout, backend.table, "whole")  # one ranked scan
    assert {q: pages(q) for q in QUERIES} == split


def test_side_threads_start_again_in_a_forked_child():
    # A child forked after a search inherits the list of side threads but not the threads.
    import os

    from migralex.search.backends import postgres_side

    try:
        assert postgres_side.submit(lambda: 1).result(timeout=5) == 1
        pid = os.fork()
        if pid == 0:  # the child: report through the exit status only
            try:
                os._exit(0 if postgres_side.submit(lambda: 42).result(timeout=5) == 42 else 1)
            except BaseException:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        postgres_side.close()
