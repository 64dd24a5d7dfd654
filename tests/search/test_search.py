"""The search service on the default tantivy backend, end to end: real documents in the test
database, a real index under the test's data dir."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from migralex import cli
from migralex.documents import services as documents
from migralex.documents.choices import ReviewStatus
from migralex.documents.models import Document
from migralex.search import services
from migralex.search.selectors import document_date
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(corpus_docs):
    services.documents_reindex()
    return corpus_docs


def titles(results):
    return [hit.title for hit in results.results]


def test_arabic_folding_and_pdf_glitch_repair(indexed):
    # The text was extracted as "األجانب"; both spellings and an undotted one find it.
    for q in ["الأجانب", "الاجانب", "األجانب", "أجانب"]:
        results = services.search(q)
        assert [h.document_id for h in results.results] == [indexed["ar-glitch"].pk], q
    hit = services.search("الأجانب").results[0]
    assert "<mark>الأجانب</mark>" in hit.snippet_html
    assert hit.snippet_dir == "rtl"


def test_stemming_finds_inflected_forms(indexed):
    ids = {h.document_id for h in services.search("travailleur domestique").results}
    assert indexed["fr-domestic"].pk in ids
    ids = {h.document_id for h in services.search("refugee").results}
    assert indexed["en-refugees"].pk in ids


def test_cross_lingual_expansion_ranks_below_exact_language(indexed):
    results = services.search("travail domestique")
    ids = [h.document_id for h in results.results]
    assert ids[0] == indexed["fr-domestic"].pk
    assert indexed["ar-domestic"].pk in ids  # Arabic-only text found through the thesaurus
    assert "domestic-work" in results.expanded_themes
    plain = services.search("travail domestique", expand=False)
    assert [h.document_id for h in plain.results] == [indexed["fr-domestic"].pk]


def test_arabic_query_finds_french_text_through_thesaurus(indexed):
    ids = [h.document_id for h in services.search("العمل المنزلي").results]
    assert ids[0] == indexed["ar-domestic"].pk
    assert indexed["fr-domestic"].pk in ids


def test_phrase_exclusion_prefix_or(indexed):
    phrase = services.search('"travail forcé"', expand=False)
    assert titles(phrase) == ["Protocole relatif à la convention sur le travail forcé"]
    assert services.search('"forcé travail"', expand=False).count == 0
    excluded = services.search("travail -domestique", expand=False)
    assert indexed["fr-domestic"].pk not in {h.document_id for h in excluded.results}
    prefix = {h.document_id for h in services.search("travailleu*").results}
    assert indexed["fr-domestic"].pk in prefix
    either = {h.document_id for h in services.search("asile OR refugee", expand=False).results}
    assert either == {indexed["fr-asile"].pk, indexed["en-refugees"].pk}


def test_field_filters(indexed):
    assert {h.document_id for h in services.search("type:law country:MA").results} == {
        indexed[k].pk for k in ("fr-domestic", "ar-domestic", "ar-glitch")
    }
    assert titles(services.search("loi year:2020..2025")) == ["Loi tunisienne sur l'asile"]
    assert services.search("theme:forced-labour").count == 2
    assert services.search("group:labour").count == 2
    assert services.search("lang:ar").count == 3
    filtered = services.search("loi", filters={"country": "TN"})
    assert titles(filtered) == ["Loi tunisienne sur l'asile"]


def _brute_force_facets(docs: list[Document]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {
        k: Counter() for k in ("type", "country", "theme", "group", "year", "lang", "status")
    }
    for d in docs:
        counts["type"][d.doc_type] += 1
        counts["country"][d.country] += 1
        counts["status"][d.legal_status] += 1
        date = document_date(d)
        if date:
            counts["year"][str(date.year)] += 1
        for lang in {d.language, *d.languages} - {""}:
            counts["lang"][lang] += 1
        links = list(d.theme_links.select_related("theme"))
        for theme in {link.theme_id for link in links}:
            counts["theme"][theme] += 1
        for group in {link.theme.group for link in links}:
            counts["group"][group] += 1
    return counts


@pytest.mark.parametrize("q", ["", "loi", "travail", "قانون", "type:law", "year:1900..2000"])
def test_facet_counts_equal_brute_force(indexed, q):
    results = services.search(q, per_page=100, expand=False)
    matched = list(Document.objects.filter(pk__in=[h.document_id for h in results.results]))
    assert len(matched) == results.count
    expected = _brute_force_facets(matched)
    for name, counter in expected.items():
        assert dict(results.facets.get(name, [])) == dict(counter), name


def test_visibility_is_filtered_in_the_index(private_docs, settings):
    services.documents_reindex()
    internal, pending = private_docs["internal"], private_docs["pending"]
    anonymous = {h.document_id for h in services.search("travail domestique").results}
    assert internal.pk not in anonymous and pending.pk not in anonymous
    member = UserFactory()
    signed = {h.document_id for h in services.search("travail domestique", user=member).results}
    assert internal.pk in signed and pending.pk not in signed
    contributor = UserFactory(organisation=private_docs["other_org"])
    own = {h.document_id for h in services.search("travail domestique", user=contributor).results}
    assert pending.pk in own
    admin = UserFactory(is_superuser=True)
    everything = {h.document_id for h in services.search("travail domestique", user=admin).results}
    assert {internal.pk, pending.pk} <= everything
    # Counts and facets follow the same rule: nothing leaks through numbers either.
    assert services.search("", per_page=100).count == 8  # the public published fixtures only
    assert services.search("", per_page=100, user=admin).count == 10


def test_document_index_updates_and_removes(indexed):
    doc = indexed["fr-asile"]
    documents.version_add(doc, "Nouvelle version : protection subsidiaire des apatrides.")
    doc.refresh_from_db()
    assert services.search("apatrides").count == 0  # not indexed yet
    assert services.document_index(doc) is True
    assert titles(services.search("apatrides")) == [doc.title]
    doc.review_status = ReviewStatus.REJECTED
    doc.save()
    assert services.document_index(doc) is False
    assert services.search("apatrides").count == 0


def test_drift_check_repairs_missing_and_extra(indexed):
    backend = services.get_backend()
    backend.delete([indexed["en-forced"].pk])
    gone = indexed["eg-nationality"].pk
    Document.objects.filter(pk=gone).delete()
    report = services.index_check()
    assert report.missing == [indexed["en-forced"].pk] and report.extra == [gone]
    assert report.repaired
    assert services.index_check().ok


def test_sorting_pagination_and_api_shape(indexed):
    by_date = services.search("", sort="date", per_page=3)
    dates = [h.date for h in by_date.results]
    assert dates == sorted(dates, reverse=True)
    page2 = services.search("", sort="date", per_page=3, page=2)
    assert not {h.document_id for h in by_date.results} & {h.document_id for h in page2.results}
    shape = services.results_as_dict(services.search("loi"))
    assert set(shape) >= {"count", "results", "facets"}
    assert set(shape["results"][0]) >= {
        "document_id",
        "score",
        "title",
        "snippet_html",
        "doc_type",
        "country",
        "language",
        "date",
        "themes",
    }
    json.dumps(shape)


def test_snippets_escape_document_text(db, corpus_docs):
    from tests.search.conftest import make_document

    make_document(
        "xss",
        "Circulaire <script>alert(1)</script>",
        "fr",
        "MA",
        "circular",
        2020,
        [],
        "Texte <img src=x onerror=alert(1)> sur le visa & le séjour.",
    )
    services.documents_reindex()
    hit = services.search("visa").results[0]
    assert "onerror=alert(1)&gt;" in hit.snippet_html
    assert hit.snippet_html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_bad_syntax_is_searched_as_words(indexed):
    results = services.search('"travail forcé')
    assert results.notice and "syntax" in results.notice
    assert results.count >= 1


def test_more_like_this(indexed):
    similar = services.more_like_this(indexed["fr-travail-forc"], limit=3)
    assert similar and indexed["fr-travail-forc"].pk not in {h.document_id for h in similar}


def test_cli_search_json(indexed, capsys):
    assert cli.main(["search", "--json", "travail", "domestique"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["results"][0]["document_id"] == indexed["fr-domestic"].pk
    assert cli.main(["search", "--no-expand", "travail", "domestique"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("1 documents")


def test_quick_drift_check_skips_the_full_comparison_when_in_step(indexed, monkeypatch):
    backend = services.get_backend()
    calls = []
    real_versions = type(backend).versions
    monkeypatch.setattr(
        type(backend), "versions", lambda self: calls.append(1) or real_versions(self)
    )
    report = services.index_check(quick=True, backend=backend)
    assert report.ok and not report.full and calls == []
    assert report.in_database == report.in_index == len(indexed)


@pytest.mark.parametrize("drift", ["missing", "deleted", "new-version"])
def test_quick_drift_check_finds_and_repairs_drift(indexed, drift):
    backend = services.get_backend()
    doc = indexed["fr-asile"]
    if drift == "missing":
        backend.delete([doc.pk])
    elif drift == "deleted":
        Document.objects.filter(pk=doc.pk).delete()
    else:
        documents.version_add(doc, "Nouvelle version : protection des apatrides.")
    report = services.index_check(quick=True, backend=backend)
    assert report.full and report.repaired
    assert (report.extra if drift == "deleted" else report.missing) == [doc.pk]
    again = services.index_check(quick=True, backend=backend)
    assert again.ok and not again.full
