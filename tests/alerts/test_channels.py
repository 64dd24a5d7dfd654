"""Webhooks (signed, retried, disabled with a notice), the Atom feed, visibility and document
following."""

from __future__ import annotations

import json

import feedparser
import pytest
from django.core import mail
from django.test import Client
from werkzeug.wrappers import Response

from migralex.alerts import services, webhooks
from migralex.alerts.models import Delivery, Frequency, Hit, MatchedVersion
from migralex.documents import services as documents
from migralex.documents.choices import RelationType, Visibility
from tests.alerts.conftest import make_document
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _asylum_text(title="Loi relative à l'asile"):
    return make_document(title, "Conditions d'accueil des demandeurs d'asile.")


def test_webhook_is_signed_and_verifies(httpserver, user, django_capture_on_commit_callbacks):
    received = []

    def handler(request):
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    saved = services.saved_search_create(
        user,
        "asile",
        frequency=Frequency.DAILY,
        by_email=False,
        webhook_url=httpserver.url_for("/hook"),
    )
    doc, version = _asylum_text()
    with django_capture_on_commit_callbacks(execute=True):
        services.version_percolate(version)
    (request,) = received
    body = request.get_data()
    timestamp = request.headers[webhooks.TIMESTAMP_HEADER]
    signature = request.headers[webhooks.SIGNATURE_HEADER]
    assert webhooks.verify(saved.webhook_secret, timestamp, body, signature)
    assert not webhooks.verify("another-secret", timestamp, body, signature)
    assert not webhooks.verify(saved.webhook_secret, timestamp, body + b" ", signature)
    assert not webhooks.verify(saved.webhook_secret, str(int(timestamp) - 3600), body, signature)
    payload = json.loads(body)
    assert payload["event"] == "alert.hits"
    assert payload["hits"][0]["document"] == str(doc.uid)
    assert payload["hits"][0]["title"] == doc.title
    assert Hit.objects.get().webhook_sent_at is not None
    services.alerts_tick()
    assert len(received) == 1  # sent once


def test_failing_webhook_is_retried_then_disabled_with_a_notice(httpserver, user, monkeypatch):
    monkeypatch.setattr(webhooks, "WEBHOOK_MAX_FAILURES", 3)
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    saved = services.saved_search_create(
        user, "asile", by_email=False, webhook_url=httpserver.url_for("/hook")
    )
    _, version = _asylum_text()
    services.version_percolate(version, notify=False)
    for _ in range(3):
        with pytest.raises(webhooks.WebhookFailed):
            webhooks.saved_search_webhook_send(saved)
    saved.refresh_from_db()
    assert saved.webhook_disabled_at is not None and saved.webhook_last_error == "HTTP 503"
    assert webhooks.saved_search_webhook_send(saved) is None  # disabled: no more attempts
    assert len(httpserver.log) == 3
    (notice,) = mail.outbox
    assert notice.to == [user.email] and "webhook" in notice.subject.lower()
    assert Delivery.objects.filter(channel="webhook", status="failed").count() == 3
    assert Delivery.objects.filter(channel="notice", status="sent").count() == 1
    # Saving the address again re-enables it and the pending hit goes out.
    httpserver.clear()
    httpserver.expect_request("/hook").respond_with_data("ok")
    services.saved_search_update(saved, webhook_url=httpserver.url_for("/hook") + "?v=2")
    assert services.alerts_tick()["webhooks"]["sent"] == 1


def test_webhook_to_a_private_address_is_refused(user, settings):
    settings.FETCH_ALLOW_PRIVATE = []
    saved = services.saved_search_create(
        user, "asile", by_email=False, webhook_url="http://127.0.0.1:9/hook"
    )
    _, version = _asylum_text()
    services.version_percolate(version, notify=False)
    with pytest.raises(webhooks.WebhookFailed, match="not public"):
        webhooks.saved_search_webhook_send(saved)


def test_atom_feed_is_valid_with_stable_ids(user):
    saved = services.saved_search_create(user, "asile")
    for title in ("Loi relative à l'asile", "Décret d'application sur l'asile"):
        _, version = _asylum_text(title)
        services.version_percolate(version, notify=False)
    url = f"/a/feed/{saved.feed_token}.atom"
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [
        "Décret d'application sur l'asile",
        "Loi relative à l'asile",
    ]
    assert all(e.get("updated_parsed") for e in feed.entries)
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == 2
    again = feedparser.parse(Client().get(url).content)
    assert [e.id for e in again.entries] == ids
    assert Client().get("/a/feed/nope.atom").status_code == 404


def test_alerts_never_reveal_documents_their_owner_cannot_see(user):
    services.saved_search_create(user, "asile")
    other_org = OrganisationFactory(name="Autre organisation")
    _, version = make_document(
        "Note interne sur l'asile",
        "asile",
        owner=other_org,
        visibility=Visibility.ORGANISATION,
    )
    assert services.version_percolate(version) == []
    colleague = UserFactory(organisation=other_org)
    services.saved_search_create(colleague, "asile")
    _, version2 = make_document(
        "Deuxième note sur l'asile", "asile", owner=other_org, visibility=Visibility.ORGANISATION
    )
    assert [h.saved_search.user for h in services.version_percolate(version2)] == [colleague]


def test_following_a_document_hears_of_versions_and_amendments(user):
    law, _ = make_document(
        "Loi 02-03 relative à l'entrée et au séjour des étrangers", "Texte initial."
    )
    saved = services.saved_search_create(user, followed_document=law, frequency=Frequency.REALTIME)
    new = documents.version_add(law, "Texte initial, modifié.").version
    assert [h.saved_search_id for h in services.version_percolate(new)] == [saved.pk]
    amending, amending_version = make_document("Loi modifiant la loi 02-03", "Article unique.")
    documents.relation_add(amending, RelationType.AMENDS, target=law)
    assert [h.document for h in services.version_percolate(amending_version)] == [amending]
    unrelated, unrelated_version = make_document("Loi sur la pêche", "Article unique.")
    assert services.version_percolate(unrelated_version) == []


def test_paused_alerts_do_not_match(user):
    saved = services.saved_search_create(user, "asile")
    services.saved_search_pause(saved)
    _, version = _asylum_text()
    assert services.version_percolate(version) == []


def test_without_any_saved_search_a_version_is_marked_matched_without_building_its_record(
    user, monkeypatch
):
    _, version = make_document("Loi sur l'asile", "asile")

    def no_record(version):
        raise AssertionError("nothing can match: the index record must not be built")

    monkeypatch.setattr(services, "version_record", no_record)
    assert services.version_percolate(version) == []
    assert MatchedVersion.objects.filter(version=version, hits=0).exists()
    monkeypatch.undo()
    services.saved_search_create(user, "asile")
    assert services.version_percolate(version) == []  # matched once only
