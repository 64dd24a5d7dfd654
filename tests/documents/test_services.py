import pytest

from migralex.documents import services
from migralex.documents.choices import AssignmentSource, RelationType, StageStatus
from migralex.documents.models import ProcessingLogEntry, StoredFile, Theme, Version
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes():
    for i, theme_id in enumerate(["domestic-work", "human-trafficking", "health"]):
        Theme.objects.create(id=theme_id, group="g", position=i, label={"en": theme_id})


def test_stored_file_is_kept_once():
    first = services.stored_file_put(b"%PDF-1.4 original", "a.pdf", "application/pdf")
    again = services.stored_file_put(b"%PDF-1.4 original", "b.pdf", "application/pdf")
    assert first.pk == again.pk
    assert StoredFile.objects.count() == 1
    assert first.size == len(b"%PDF-1.4 original")


def test_version_add_new_unchanged_and_changed_with_diff():
    document = DocumentFactory()
    first = services.version_add(document, "Article 1\nLes étrangers.")
    assert first.created and first.version.number == 1
    same = services.version_add(document, "Article 1\n\nLes   étrangers.\n")
    assert not same.created and same.version.pk == first.version.pk
    changed = services.version_add(document, "Article 1\nLes étrangers résidents.")
    assert changed.created and changed.version.number == 2
    assert "-Les étrangers." in changed.version.diff
    assert "+Les étrangers résidents." in changed.version.diff
    document.refresh_from_db()
    assert document.current_version_id == changed.version.pk
    assert Version.objects.filter(document=document).count() == 2


def test_version_add_to_a_new_document_asks_nothing_and_numbers_it_one():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document = DocumentFactory()
    with CaptureQueriesContext(connection) as queries:
        first = services.version_add(document, "Article 1\nLes étrangers.", new_document=True)
    assert first.created and first.version.number == 1
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    document.refresh_from_db()
    assert document.current_version_id == first.version.pk
    assert services.version_add(document, "Article 1 Les étrangers.").created is False


def test_relation_to_unknown_text_is_resolved_when_it_arrives():
    decree = DocumentFactory(doc_type="decree")
    relation = services.relation_add(
        decree, RelationType.IMPLEMENTS, target_type="law", target_number="19-12"
    )
    assert relation.target is None
    law = DocumentFactory(doc_type="law")
    services.document_set_identifiers(
        law, [{"type": "law", "number": "19-12", "text": "loi n° 19-12"}]
    )
    relation.refresh_from_db()
    assert relation.target_id == law.pk
    law.refresh_from_db()
    assert law.official_number == "19-12"


def test_relation_add_is_idempotent():
    a, b = DocumentFactory(), DocumentFactory(official_number="02-03")
    services.relation_add(a, RelationType.AMENDS, target=b)
    services.relation_add(a, RelationType.AMENDS, target=b)
    assert a.relations_out.count() == 1


def test_machine_themes_never_override_an_analyst(themes):
    document = DocumentFactory()
    services.document_set_themes(document, [("health", 1.0)], AssignmentSource.HUMAN)
    services.document_set_themes(
        document, [("domestic-work", 0.9), ("health", 0.2)], AssignmentSource.MODEL, "m1"
    )
    links = {link.theme_id: link for link in document.theme_links.all()}
    assert set(links) == {"health", "domestic-work"}
    assert links["health"].assigned_by == AssignmentSource.HUMAN and links["health"].confirmed
    assert links["domestic-work"].model_version == "m1"
    services.document_set_themes(
        document, [("human-trafficking", 0.8)], AssignmentSource.MODEL, "m2"
    )
    assert set(document.theme_links.values_list("theme_id", flat=True)) == {
        "health",
        "human-trafficking",
    }


def test_unknown_theme_ids_are_ignored(themes):
    document = DocumentFactory()
    services.document_set_themes(document, [("no-such-theme", 1.0)], AssignmentSource.RULES)
    assert document.theme_links.count() == 0


def test_processing_stage_logs_success_and_error():
    document = DocumentFactory()
    with services.processing_stage("run-1", "extract", document=document) as outcome:
        outcome["message"] = "12 pages"
    with (
        pytest.raises(ValueError),
        services.processing_stage("run-1", "analyse", document=document),
    ):
        raise ValueError("bad input")
    entries = list(ProcessingLogEntry.objects.filter(run_id="run-1"))
    assert [(e.stage, e.status) for e in entries] == [
        ("extract", StageStatus.OK),
        ("analyse", StageStatus.ERROR),
    ]
    assert entries[1].message == "ValueError: bad input"
