import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from migralex.knowledge.reference_data import LoadReport, instruments_load
from tests.factories import DocumentFactory, OrganisationFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_document_search_returns_count_results_facets(corpus):
    data = Client().get("/api/v1/documents/", {"q": "travailleurs"}).json()
    assert data["count"] == 1
    assert data["results"][0]["id"] == corpus["fr"].pk
    assert "<mark>travailleurs</mark>" in data["results"][0]["snippet_html"]
    assert {"value": "MA", "count": 1} in data["facets"]["country"]


def test_document_filters_and_pagination_are_those_of_search(corpus):
    client = Client()
    assert client.get("/api/v1/documents/", {"country": "TN"}).json()["count"] == 1
    page = client.get("/api/v1/documents/", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["page"] == 2
    bad = client.get("/api/v1/documents/", {"page": "x", "page_size": "-3", "sort": "?"})
    assert bad.status_code == 200


def test_document_detail_and_visibility(corpus):
    document = corpus["fr"]
    data = Client().get(f"/api/v1/documents/{document.pk}/").json()
    assert data["official_number"] == "02-03"
    assert data["current_version"] == document.current_version_id
    private = DocumentFactory(visibility="organisation", owner=OrganisationFactory())
    assert Client().get(f"/api/v1/documents/{private.pk}/").status_code == 404
    member = UserFactory(organisation=private.owner)
    client = Client()
    client.force_login(member)
    assert client.get(f"/api/v1/documents/{private.pk}/").status_code == 200


def test_anonymous_reading_can_be_switched_off(corpus, settings):
    settings.ANONYMOUS_READ = False
    assert Client().get("/api/v1/documents/").status_code in (401, 403)
    token = Token.objects.create(user=UserFactory())
    response = Client().get("/api/v1/documents/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_upload_with_a_token(thesaurus):
    user = UserFactory(role="contributor")
    token = Token.objects.create(user=user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post(
        "/api/v1/documents/",
        {"file": SimpleUploadedFile("c.txt", "Circulaire sur le séjour des étrangers".encode())},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 201, response.content
    outcome = response.json()[0]
    assert outcome["status"] == "ok" and len(outcome["documents"]) == 1
    missing = Client().post("/api/v1/documents/", {}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert missing.status_code == 400
    assert Client().post("/api/v1/documents/", {}).status_code in (401, 403)
    reader = Token.objects.create(user=UserFactory(role="reader"))
    assert (
        Client()
        .post("/api/v1/documents/", {}, HTTP_AUTHORIZATION=f"Token {reader.key}")
        .status_code
        == 403
    )


def test_versions_and_files(corpus):
    document = corpus["fr"]
    client = Client()
    versions = client.get("/api/v1/versions/", {"document": document.pk}).json()
    assert versions["count"] == 1
    version = client.get(f"/api/v1/versions/{versions['results'][0]['id']}/").json()
    assert version["normalized_text"].startswith("Loi n° 02-03")
    sha = version["file"]
    assert client.get(f"/api/v1/files/{sha}/").json()["original_name"] == "loi-02-03.txt"
    download = client.get(f"/api/v1/files/{sha}/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_files_of_private_documents_are_hidden(ingest):
    secret = ingest("Note interne confidentielle", "secret.txt", owner=OrganisationFactory())
    secret.visibility = "organisation"
    secret.save()
    sha = secret.current_version.file.sha256
    assert Client().get(f"/api/v1/files/{sha}/").status_code == 404
    assert Client().get(f"/api/v1/files/{sha}/download/").status_code == 404
    assert Client().get(f"/api/v1/versions/{secret.current_version_id}/").status_code == 404


def test_sources_list_and_create(analyst_client):
    SourceFactory(name="B.O.", last_error="refused by 10.0.0.1")
    listed = Client().get("/api/v1/sources/").json()
    assert listed["results"][0]["name"] == "B.O."
    assert listed["results"][0]["last_error"] == ""  # details are for signed-in users
    client, _ = analyst_client
    created = client.post(
        "/api/v1/sources/",
        {"name": "Feed", "kind": "feed", "url": "http://127.0.0.1:9/f.xml", "interval_minutes": 30},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    bad = client.post(
        "/api/v1/sources/",
        {"name": "Feed", "kind": "feed", "url": "gopher://x", "interval_minutes": 30},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "url" in bad.json()
    assert Client().post("/api/v1/sources/", {}).status_code in (401, 403)


def test_themes_and_instruments(thesaurus):
    instruments_load(LoadReport())
    themes = Client().get("/api/v1/themes/", {"page_size": 100}).json()
    assert themes["count"] == 34
    theme = Client().get("/api/v1/themes/domestic-work/").json()
    assert theme["label"]["ar"] and theme["group"] == "labour"
    instruments = Client().get("/api/v1/instruments/").json()
    assert instruments["count"] > 0
    key = instruments["results"][0]["key"]
    assert Client().get(f"/api/v1/instruments/{key}/").json()["key"] == key


def test_schema_and_docs_page():
    schema = Client().get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/documents/" in schema.content
    docs = Client().get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]
