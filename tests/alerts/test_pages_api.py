"""The alerts pages and API: save a search from the search page, list, edit, pause, delete;
the delivery log for administrators; the bulletin editor; the REST endpoints."""

from __future__ import annotations

import pytest
from django.test import Client

from migralex.alerts import services
from migralex.alerts.models import Bulletin, SavedSearch
from tests.alerts.conftest import make_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_save_search_from_the_search_page_then_manage_it(client_for, user):
    client = client_for(user)
    response = client.post(
        "/fr/alerts/new/",
        {
            "q": "asile",
            "f_country": ["MA", "TN"],
            "frequency": "daily",
            "digest_hour": 7,
            "digest_weekday": 0,
            "by_email": "on",
            "expand": "on",
        },
    )
    saved = SavedSearch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fr/alerts/{saved.pk}/"
    assert (saved.query, saved.filters, saved.digest_hour) == (
        "asile",
        {"country": ["MA", "TN"]},
        7,
    )
    _, version = make_document("Loi sur l'asile", "asile", country="TN")
    services.version_percolate(version)
    page = client.get(f"/fr/alerts/{saved.pk}/")
    assert page.status_code == 200 and "Loi sur l&#x27;asile" in page.content.decode()
    listing = client.get("/ar/alerts/")
    assert listing.status_code == 200 and 'dir="rtl"' in listing.content.decode()
    client.post(f"/fr/alerts/{saved.pk}/pause/", {"paused": "1"})
    saved.refresh_from_db()
    assert saved.paused
    client.post(
        f"/fr/alerts/{saved.pk}/edit/",
        {
            "name": "Asile TN",
            "q": "asile OR réfugiés",
            "frequency": "weekly",
            "digest_hour": 9,
            "digest_weekday": 4,
        },
    )
    saved.refresh_from_db()
    assert (saved.name, saved.query, saved.frequency, saved.by_email) == (
        "Asile TN",
        "asile OR réfugiés",
        "weekly",
        False,
    )
    # Another user can neither see nor change it.
    intruder = client_for(UserFactory())
    assert intruder.get(f"/fr/alerts/{saved.pk}/").status_code == 404
    assert intruder.post(f"/fr/alerts/{saved.pk}/delete/").status_code == 404
    client.post(f"/fr/alerts/{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()
    assert Client().get("/fr/alerts/").status_code == 302  # sign in first


def test_delivery_log_is_for_administrators(client_for, user):
    assert client_for(user).get("/fr/alerts/deliveries/").status_code == 302
    admin = UserFactory(is_staff=True)
    assert client_for(admin).get("/fr/alerts/deliveries/").status_code == 200


def test_bulletin_editor_flow(client_for, themes):
    analyst = UserFactory(role="analyst")
    client = client_for(analyst)
    assert client.get("/fr/alerts/bulletins/").status_code == 200
    client.post("/fr/alerts/bulletins/new/", {"title": "Veille", "language": "fr"})
    bulletin = Bulletin.objects.get()
    doc, _ = make_document("Loi sur le travail domestique", "…", themes=("domestic-work",))
    client.post(f"/fr/alerts/bulletins/{bulletin.pk}/add/", {"document": [str(doc.uid)]})
    item = bulletin.items.get()
    client.post(f"/fr/alerts/bulletins/{bulletin.pk}/items/{item.pk}/", {"comment": "Texte clé."})
    preview = client.get(f"/fr/alerts/bulletins/{bulletin.pk}/preview/")
    assert "Texte clé." in preview.content.decode()
    # Its own <style> may apply (standalone document), scripts still may not.
    policy = preview["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy
    assert policy.startswith("default-src 'none'")
    pdf = client.get(f"/fr/alerts/bulletins/{bulletin.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client_for(UserFactory()).get("/fr/alerts/bulletins/").status_code == 302


def test_api_saved_searches(client_for, user):
    client = client_for(user)
    response = client.post(
        "/api/v1/alerts/",
        {"query": "asile", "filters": {"country": "MA"}, "frequency": "realtime"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["feed_url"].endswith(".atom") and data["frequency"] == "realtime"
    pk = data["id"]
    _, version = make_document("Loi sur l'asile", "asile")
    services.version_percolate(version, notify=False)
    hits = client.get(f"/api/v1/alerts/{pk}/hits/").json()
    assert [h["title"] for h in hits["results"]] == ["Loi sur l'asile"]
    response = client.patch(
        f"/api/v1/alerts/{pk}/", {"paused": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["paused"] is True
    bad = client.post("/api/v1/alerts/", {"query": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert client_for(UserFactory()).get(f"/api/v1/alerts/{pk}/").status_code == 404
    assert Client().get("/api/v1/alerts/").status_code in (401, 403)
    assert client.delete(f"/api/v1/alerts/{pk}/").status_code == 204
