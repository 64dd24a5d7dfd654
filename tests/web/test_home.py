import pytest
from django.test import Client

from migralex.documents import services
from migralex.documents.choices import AssignmentSource
from migralex.documents.models import Theme
from migralex.knowledge.reference_data import LoadReport, thesaurus_load
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] in ("/fr/", "/ar/", "/en/")


def test_empty_store_says_so(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert b"No document yet" in response.content


def test_arabic_page_is_right_to_left(client):
    response = client.get("/ar/")
    assert b'<html lang="ar" dir="rtl">' in response.content


def test_counts_by_theme_and_country_come_from_the_database(client):
    thesaurus_load(LoadReport())
    for country in ("MA", "MA", "TN"):
        document = DocumentFactory(country=country)
        services.document_set_themes(document, [("domestic-work", 1.0)], AssignmentSource.RULES)
    DocumentFactory(country="EG")
    response = client.get("/fr/")
    html = response.content.decode()
    label = Theme.objects.get(id="domestic-work").label["fr"]
    assert (
        '<tr data-theme="domestic-work"><th scope="row">'
        f'<a href="/fr/search/?theme=domestic-work">{label}</a></th><td>3</td></tr>'
    ) in html
    assert (
        '<tr data-country="MA"><th scope="row"><a href="/fr/search/?country=MA">Maroc</a></th>'
        "<td>2</td></tr>"
    ) in html
    assert (
        '<tr data-country="EG"><th scope="row"><a href="/fr/search/?country=EG">Égypte</a></th>'
        "<td>1</td></tr>"
    ) in html


def test_private_documents_are_not_counted_for_anonymous_users(client):
    DocumentFactory(country="LY", visibility="organisation")
    assert b'data-country="LY"' not in client.get("/fr/").content


def test_security_headers(client):
    response = client.get("/fr/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_alerts_link_for_signed_in_users_only(client):
    from tests.factories import UserFactory

    assert b"/ar/alerts/" not in client.get("/ar/").content
    client.force_login(UserFactory())
    html = client.get("/ar/").content.decode()
    assert '<a href="/ar/alerts/">التنبيهات</a>' in html
