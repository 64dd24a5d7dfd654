import pytest
from django.test import Client

from migralex.documents import services
from migralex.documents.models import Version
from tests.factories import DocumentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_metadata_themes_and_highlighted_text(corpus):
    document = corpus["fr"]
    html = Client().get(f"/fr/documents/{document.pk}/", {"q": "travailleurs"}).content.decode()
    assert "02-03" in html
    assert "Maroc" in html
    assert "<mark>travailleurs</mark>" in html
    assert 'class="text" dir="auto" lang="fr"' in html
    assert 'data-theme="' in html  # the analyser's themes, with their scores
    assert "%</span>" in html


def test_arabic_text_is_right_to_left_and_highlighted_through_folding(corpus):
    html = Client().get(f"/ar/documents/{corpus['ar'].pk}/", {"q": "الاجانب"}).content.decode()
    assert 'class="text" dir="rtl" lang="ar"' in html
    assert "<mark>الأجانب</mark>" in html


def test_the_original_is_a_download_never_inline(corpus):
    document = corpus["fr"]
    response = Client().get(f"/en/documents/{document.pk}/versions/1/original")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith("Loi n° 02-03".encode())


def test_html_original_is_not_served_as_html(ingest):
    document = ingest(
        "<html><body><h1>Circulaire</h1><p>travailleurs migrants</p>"
        "<script>alert(1)</script></body></html>",
        "page.html",
    )
    response = Client().get(f"/en/documents/{document.pk}/versions/1/original")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    page = Client().get(f"/en/documents/{document.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page


def test_missing_original_is_a_clear_404(corpus):
    from migralex.common.storage import blob_path

    version = corpus["fr"].current_version
    path = blob_path(version.file.sha256)
    path.chmod(0o644)
    path.unlink()
    response = Client().get(f"/en/documents/{corpus['fr'].pk}/versions/1/original")
    assert response.status_code == 404


def test_versions_show_a_readable_diff(corpus):
    document = corpus["fr"]
    text = document.current_version.normalized_text
    services.version_add(document, text.replace("carte de résident", "carte de séjour"))
    html = Client().get(f"/en/documents/{document.pk}/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert '<del class="d-del">' in html and "carte de résident" in html
    assert '<ins class="d-add">' in html
    old = Client().get(f"/en/documents/{document.pk}/", {"v": "1"}).content.decode()
    assert "carte de résident" in old.split('class="text"', 1)[1].split("</div>", 1)[0]
    assert Client().get(f"/en/documents/{document.pk}/", {"v": "9"}).status_code == 404
    assert Version.objects.filter(document=document).count() == 2


def test_relations_are_links_and_unknown_targets_stay_references(corpus):
    decree = DocumentFactory(title="Décret d'application", doc_type="decree")
    services.relation_add(decree, "implements", target=corpus["fr"])
    services.relation_add(decree, "amends", target_type="law", target_number="99-99")
    html = Client().get(f"/en/documents/{decree.pk}/").content.decode()
    assert f'href="/en/documents/{corpus["fr"].pk}/"' in html
    assert "law 99-99" in html and "not in the store yet" in html
    back = Client().get(f"/en/documents/{corpus['fr'].pk}/").content.decode()
    assert f'href="/en/documents/{decree.pk}/"' in back


def test_relation_to_a_private_document_shows_no_link(corpus):
    private = DocumentFactory(visibility="organisation", owner=OrganisationFactory())
    services.relation_add(corpus["fr"], "cites", target=private)
    html = Client().get(f"/en/documents/{corpus['fr'].pk}/").content.decode()
    assert f"/documents/{private.pk}/" not in html


def test_processing_log_is_shown(corpus):
    html = Client().get(f"/en/documents/{corpus['fr'].pk}/").content.decode()
    assert 'class="log"' in html
    assert "extract" in html


def test_private_documents_are_404_for_others(reader_client):
    client, _ = reader_client
    private = DocumentFactory(visibility="organisation", owner=OrganisationFactory())
    assert client.get(f"/en/documents/{private.pk}/").status_code == 404
    assert Client().get(f"/en/documents/{private.pk}/").status_code == 404


def test_readers_see_no_correction_form_and_cannot_post_one(corpus, reader_client):
    client, _ = reader_client
    url = f"/en/documents/{corpus['fr'].pk}/"
    assert "Confirm or correct" not in client.get(url).content.decode()
    assert client.post(url + "correct", {"doc_type": "decree"}).status_code == 403


def test_analyst_corrects_themes_type_and_relevance(
    corpus, analyst_client, django_capture_on_commit_callbacks
):
    client, user = analyst_client
    document = corpus["en"]
    url = f"/en/documents/{document.pk}/"
    form = client.get(url).content.decode()
    assert "Confirm or correct" in form
    assert '<label for="id_doc_type">' in form and '<label for="id_relevant">' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url + "correct",
            {"themes": ["health", "human-trafficking"], "doc_type": "report", "relevant": "yes"},
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.doc_type == "report" and document.relevant is True
    links = {link.theme_id: link for link in document.theme_links.all()}
    assert set(links) == {"health", "human-trafficking"}
    assert all(link.confirmed and link.assigned_by == "human" for link in links.values())
    page = client.get(url).content.decode()
    assert "confirmed by an analyst" in page and "Earlier corrections" in page
    # The search index follows the correction (facets show the analyst's type).
    found = client.get("/en/search/", {"type": "report"}).content.decode()
    assert f'data-id="{document.pk}"' in found


def test_a_bad_correction_is_refused_with_a_message(corpus, analyst_client):
    client, _ = analyst_client
    document = corpus["en"]
    before = list(document.theme_links.values_list("theme_id", flat=True))
    response = client.post(
        f"/en/documents/{document.pk}/correct", {"themes": ["no-such-theme"]}, follow=True
    )
    assert "The correction was not saved" in response.content.decode()
    assert list(document.theme_links.values_list("theme_id", flat=True)) == before


def test_similar_texts(ingest):
    first = ingest("Les travailleurs domestiques migrants et leur contrat de travail.", "a.txt")
    second = ingest("Contrat de travail des travailleurs domestiques étrangers.", "b.txt")
    ingest("Tarifs douaniers des produits agricoles importés.", "c.txt")
    html = Client().get(f"/en/documents/{first.pk}/similar/").content.decode()
    assert f'data-id="{second.pk}"' in html
    assert f'data-id="{first.pk}"' not in html
    private = DocumentFactory(visibility="organisation", owner=OrganisationFactory())
    assert Client().get(f"/en/documents/{private.pk}/similar/").status_code == 404
