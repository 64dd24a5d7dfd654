"""analyse_version and document_correct on the real document store (SQLite)."""

from __future__ import annotations

import pytest

from migralex.analysis.models import Correction
from migralex.analysis.services import analyse_version, document_correct, versions_reanalyse
from migralex.documents import services as documents
from migralex.documents.choices import AssignmentSource
from migralex.documents.models import Relation
from migralex.knowledge.reference_data import LoadReport, thesaurus_load
from tests.factories import DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

DECREE = (
    "Décret n° 2-09-607 du 25 safar 1431 (10 février 2010) pris pour l'application de la loi "
    "n° 02-03 relative à l'entrée et au séjour des étrangers au Royaume du Maroc, à l'émigration "
    "et l'immigration irrégulières.\n"
    "Article premier. — La demande de carte d'immatriculation est déposée par l'étranger auprès "
    "des services de police. Le titre de séjour est renouvelé sur présentation du récépissé.\n"
    "Publié au Bulletin officiel n° 5816 du 18 février 2010."
)


@pytest.fixture
def themes_loaded():
    thesaurus_load(LoadReport())


def _version(text, **kwargs):
    document = DocumentFactory(title="", language="", doc_type="other", country="", **kwargs)
    return documents.version_add(document, text).version


def test_analyse_version_detects_language_and_stores_result():
    version = _version("القانون رقم 02.03 المتعلق بدخول وإقامة الأجانب بالمملكة المغربية")
    result = analyse_version(version)
    version.refresh_from_db()
    version.document.refresh_from_db()
    assert result["language"] == "ar"
    assert version.metadata["analysis"] == result
    assert version.document.language == "ar"


def test_analyse_version_applies_metadata_identifiers_relations_and_themes(themes_loaded):
    version = _version(DECREE)
    result = analyse_version(version)
    document = version.document
    document.refresh_from_db()
    assert document.doc_type == "decree"
    assert document.country == "MA"
    assert document.official_number == "2-09-607"
    assert str(document.date_signed) == "2010-02-10" or str(document.date_signed) == "2010-02-09"
    assert document.gazette_name == "Bulletin officiel"
    assert document.gazette_number == "5816"
    assert str(document.gazette_date) == "2010-02-18"
    relation = Relation.objects.get(source=document)
    assert (relation.type, relation.target_type, relation.target_number) == (
        "implements",
        "law",
        "02-03",
    )
    assert document.relevant is True
    links = {link.theme_id: link for link in document.theme_links.all()}
    assert set(links) == {t["id"] for t in result["themes"]}
    assert "residence-permits" in links
    for link in links.values():
        assert link.assigned_by in (AssignmentSource.MODEL, AssignmentSource.RULES)
        assert link.model_version == result["model_version"]


def test_analyse_version_is_idempotent(themes_loaded):
    version = _version(DECREE)
    first = analyse_version(version)
    links = sorted(version.document.theme_links.values_list("theme_id", flat=True))
    second = analyse_version(version)
    assert first == second
    assert sorted(version.document.theme_links.values_list("theme_id", flat=True)) == links
    assert Relation.objects.filter(source=version.document).count() == 1


def test_relation_resolves_when_the_target_arrives(themes_loaded):
    decree = _version(DECREE)
    analyse_version(decree)
    law = _version(
        "Loi n° 02-03 relative à l'entrée et au séjour des étrangers au Royaume du Maroc"
    )
    analyse_version(law)
    relation = Relation.objects.get(source=decree.document)
    assert relation.target == law.document


def test_correction_is_recorded_applied_and_survives_reanalysis(themes_loaded):
    version = _version(DECREE)
    analyse_version(version)
    document = version.document
    analyst = UserFactory()
    correction = document_correct(
        document,
        analyst,
        themes=["residence-permits", "access-to-justice"],
        doc_type="order",
        relevant=True,
    )
    assert correction.fields == ["themes", "doc_type", "relevant"]
    assert correction.previous["doc_type"] == "decree"
    assert correction.text.startswith("Décret")
    document.refresh_from_db()
    assert document.doc_type == "order"
    links = {link.theme_id: link for link in document.theme_links.all()}
    assert set(links) == {"residence-permits", "access-to-justice"}
    assert all(
        link.assigned_by == AssignmentSource.HUMAN and link.confirmed for link in links.values()
    )

    analyse_version(version)  # the machine runs again
    document.refresh_from_db()
    assert document.doc_type == "order"
    assert set(document.theme_links.values_list("theme_id", flat=True)) == set(links)


def test_correction_rejects_unknown_values(themes_loaded):
    document = DocumentFactory()
    with pytest.raises(ValueError, match="unknown theme"):
        document_correct(document, None, themes=["no-such-theme"])
    with pytest.raises(ValueError, match="unknown document type"):
        document_correct(document, None, doc_type="poem")
    with pytest.raises(ValueError, match="needs"):
        document_correct(document, None)
    assert Correction.objects.count() == 0


def test_reanalyse_store_reports_counts(themes_loaded):
    _version(DECREE)
    _version("Law No. 82 of 2016 on Combating Illegal Migration and Smuggling of Migrants")
    report = versions_reanalyse()
    assert report == {"analysed": 2, "errors": []}
    assert versions_reanalyse(only_unanalysed=True) == {"analysed": 0, "errors": []}


def test_file_name_title_is_not_read_as_a_heading(themes_loaded):
    version = _version(DECREE)
    version.document.title = "decret-2-09-607.pdf"
    version.document.save()
    assert analyse_version(version)["title"].startswith("Décret n° 2-09-607")
