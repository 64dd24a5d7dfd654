import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from migralex.documents.models import Document
from migralex.sources.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_upload_creates_a_document_through_the_pipeline(contributor_client, thesaurus):
    client, user = contributor_client
    data = "Décret n° 2-09-607 relatif aux travailleurs migrants saisonniers.".encode()
    response = client.post("/en/upload/", {"file": SimpleUploadedFile("decret.txt", data)})
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/documents/{document.pk}/"
    assert document.current_version.file.original_name == "decret.txt"
    again = client.post("/en/upload/", {"file": SimpleUploadedFile("decret.txt", data)})
    assert again["Location"] == f"/en/documents/{document.pk}/"  # nothing created twice
    assert Document.objects.count() == 1


def test_upload_errors_are_shown_and_recorded(contributor_client, thesaurus):
    client, _ = contributor_client
    empty = client.post("/en/upload/", {"file": SimpleUploadedFile("empty.txt", b"")})
    assert empty.status_code == 200
    assert "The file is empty" in empty.content.decode() or "submitted file is empty" in (
        empty.content.decode()
    )
    junk = client.post(
        "/en/upload/", {"file": SimpleUploadedFile("junk.bin", bytes(range(256)) * 64)}
    )
    html = junk.content.decode()
    assert junk.status_code == 200
    assert 'class="outcomes"' in html and "junk.bin" in html
    assert Document.objects.count() == 0


def test_upload_needs_an_account_with_the_right_role(reader_client):
    assert Client().get("/en/upload/").status_code == 302
    client, _ = reader_client
    assert client.get("/en/upload/").status_code == 403


def test_sources_page_shows_status_and_hides_errors_from_visitors(reader_client):
    SourceFactory(name="Feed OK", last_checked_at="2026-01-01T10:00:00Z")
    SourceFactory(name="Feed down", consecutive_failures=4, last_error="connection refused")
    anonymous = Client().get("/en/sources/").content.decode()
    assert "Feed OK" in anonymous and "4 failures in a row" in anonymous
    assert "connection refused" not in anonymous
    client, _ = reader_client
    assert "connection refused" in client.get("/en/sources/").content.decode()
    failing = client.get("/en/sources/", {"status": "failing"}).content.decode()
    assert "Feed down" in failing and "Feed OK" not in failing


def test_analysts_add_a_source(analyst_client):
    client, user = analyst_client
    form = client.get("/en/sources/add/").content.decode()
    for field in ("name", "kind", "url", "interval_minutes", "country", "language"):
        assert f'<label for="id_{field}">' in form
    response = client.post(
        "/en/sources/add/",
        {
            "name": "Bulletin officiel",
            "kind": "feed",
            "url": "http://127.0.0.1:9/feed.xml",
            "interval_minutes": "60",
            "country": "ma",
        },
    )
    assert response.status_code == 302, response.content.decode()
    source = Source.objects.get()
    assert (source.name, source.kind, source.country) == ("Bulletin officiel", "feed", "MA")
    duplicate = client.post(
        "/en/sources/add/",
        {"name": "x", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml", "interval_minutes": 60},
    )
    assert duplicate.status_code == 200
    assert "already exists" in duplicate.content.decode()


def test_bad_source_input_is_refused_with_a_message(analyst_client):
    client, _ = analyst_client
    response = client.post(
        "/en/sources/add/", {"name": "x", "kind": "feed", "url": "ftp://x", "interval_minutes": 1}
    )
    html = response.content.decode()
    assert "needs an http or https address" in html
    assert 'role="alert"' in html
    assert Source.objects.count() == 0


def test_readers_cannot_add_sources(reader_client):
    client, _ = reader_client
    assert client.get("/en/sources/add/").status_code == 403
