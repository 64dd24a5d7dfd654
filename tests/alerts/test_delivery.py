"""Real-time e-mails, digests and one-click unsubscribe, against a real SMTP server (aiosmtpd
on loopback) that the tests stop and start again."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client

from migralex.alerts import delivery, services
from migralex.alerts.models import Delivery, Frequency, Hit
from migralex.documents.models import Theme
from tests.alerts.conftest import make_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _new_text(title="Loi relative à l'asile et aux réfugiés", text=None, **kw):
    text = text or "La présente loi fixe les conditions d'accueil des demandeurs d'asile."
    return make_document(title, text, themes=("asylum-refugees",), **kw)


def _parts(message):
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_realtime_alert_is_emailed_once_with_content_and_headers(
    smtp, user, themes, django_capture_on_commit_callbacks
):
    saved = services.saved_search_create(user, "asile", frequency=Frequency.REALTIME, name="Asile")
    doc, version = _new_text(year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        hits = services.version_percolate(version)
    assert [h.saved_search_id for h in hits] == [saved.pk]
    assert len(smtp.inbox.messages) == 1
    rcpt, message = smtp.inbox.messages[0]
    assert rcpt == ["reader@example.org"]
    # In the reader's language (French here): the alerts app's own translation catalogue.
    assert message["Subject"] == "Alerte Migralex « Asile » : 1 nouveau texte"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http") and saved.unsubscribe_token in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    text, html = parts["text/plain"], parts["text/html"]
    for body in (text, html):
        assert "Loi relative" in body
        assert "asylum-refugees" in body  # theme label (the test theme's French label is its id)
        assert "Maroc" in body  # country in the reader's language
        assert "demandeurs d" in body  # snippet
        assert "2024" in body  # date
    assert Hit.objects.get().emailed_at is not None
    # Retried task or re-ingestion: matched once, nothing sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.version_percolate(version) == []
    services.alerts_tick()
    assert len(smtp.inbox.messages) == 1
    assert Hit.objects.count() == 1
    log = Delivery.objects.get()
    assert (log.channel, log.status, log.hit_count) == ("email", "sent", 1)


def test_arabic_reader_gets_right_to_left_email(smtp, themes, django_capture_on_commit_callbacks):
    Theme.objects.filter(pk="asylum-refugees").update(label={"ar": "اللجوء ووضع اللاجئ"})
    reader = UserFactory(email="qari@example.org", language="ar")
    services.saved_search_create(reader, "اللجوء", frequency=Frequency.REALTIME)
    _, version = make_document(
        "قانون يتعلق باللجوء",
        "يحدد هذا القانون شروط اللجوء.",
        lang="ar",
        themes=("asylum-refugees",),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.version_percolate(version)
    ((_, message),) = smtp.inbox.messages
    html = _parts(message)["text/html"]
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "قانون يتعلق باللجوء" in html and "اللجوء ووضع اللاجئ" in html
    assert "المغرب" in html  # country name in Arabic
    assert message["Content-Language"] == "ar"


def test_many_hits_grouped_in_one_message_with_a_cap(smtp, user, themes, monkeypatch):
    monkeypatch.setattr(delivery, "MAX_HITS_PER_EMAIL", 3)
    saved = services.saved_search_create(user, "asile", frequency=Frequency.REALTIME)
    for i in range(5):
        _, version = _new_text(title=f"Décret {i} sur l'asile")
        services.version_percolate(version, notify=False)
    delivery.saved_search_send_pending(saved)
    ((_, message),) = smtp.inbox.messages
    text = _parts(message)["text/plain"]
    assert text.count("Décret") == 3
    assert "Et 2 autres textes." in text and f"/fr/alerts/{saved.pk}/" in text  # see all
    assert Hit.objects.filter(emailed_at__isnull=True).count() == 0


def test_smtp_down_then_up_loses_nothing(smtp, user, themes, django_capture_on_commit_callbacks):
    services.saved_search_create(user, "asile", frequency=Frequency.REALTIME)
    smtp.stop()
    _, version = _new_text()
    with django_capture_on_commit_callbacks(execute=True):
        services.version_percolate(version)  # the task fails: server down
    assert Hit.objects.get().emailed_at is None
    assert Delivery.objects.filter(status="failed").count() >= 1
    report = services.alerts_tick()  # still down: still pending
    assert report["realtime"]["failed"] == 1
    smtp.start()
    report = services.alerts_tick()
    assert report["realtime"]["sent"] == 1
    assert len(smtp.inbox.messages) == 1
    services.alerts_tick()
    assert len(smtp.inbox.messages) == 1  # and never twice
    assert Hit.objects.get().emailed_at is not None


def test_one_click_unsubscribe(smtp, user, themes, django_capture_on_commit_callbacks):
    saved = services.saved_search_create(user, "asile", frequency=Frequency.REALTIME)
    _, version = _new_text()
    with django_capture_on_commit_callbacks(execute=True):
        services.version_percolate(version)
    ((_, message),) = smtp.inbox.messages
    path = urlsplit(str(message["List-Unsubscribe"]).strip().strip("<>")).path
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200  # a link preview changes nothing
    saved.refresh_from_db()
    assert saved.by_email
    # RFC 8058: a bare POST from the mail client, no cookie, no CSRF token.
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    saved.refresh_from_db()
    assert not saved.by_email
    _, other = _new_text(title="Autre loi sur l'asile")
    with django_capture_on_commit_callbacks(execute=True):
        services.version_percolate(other)
    assert len(smtp.inbox.messages) == 1
    assert Client().post("/a/unsubscribe/not-a-token/").status_code == 404


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    # Africa/Casablanca is UTC+1 in these months (no Ramadan shift in the chosen dates).
    return dt.datetime(2025, 11, day, hour - 1, minute, tzinfo=dt.UTC)


def test_daily_digest_at_the_users_hour_once_and_after_an_outage(smtp, user, themes):
    saved = services.saved_search_create(user, "asile", frequency=Frequency.DAILY, digest_hour=8)
    saved.last_digest_at = _at(3, 8)
    saved.save()
    for i in range(2):
        _, version = _new_text(title=f"Circulaire {i} sur l'asile")
        services.version_percolate(version)
    assert smtp.inbox.messages == []  # a daily alert does not e-mail in real time
    assert delivery.digests_send_due(_at(4, 7, 59)) == {"sent": 0, "empty": 0, "failed": 0}
    smtp.stop()
    assert delivery.digests_send_due(_at(4, 8, 5))["failed"] == 1
    smtp.start()
    assert delivery.digests_send_due(_at(4, 8, 10))["sent"] == 1
    assert delivery.digests_send_due(_at(4, 9))["sent"] == 0
    ((_, message),) = smtp.inbox.messages
    assert _parts(message)["text/plain"].count("Circulaire") == 2
    # The next day: nothing new, nothing sent; a new text goes in the next digest only.
    assert delivery.digests_send_due(_at(5, 8, 1)) == {"sent": 0, "empty": 1, "failed": 0}
    _, version = _new_text(title="Arrêté sur l'asile")
    services.version_percolate(version)
    assert delivery.digests_send_due(_at(5, 20))["sent"] == 0
    assert delivery.digests_send_due(_at(6, 8))["sent"] == 1
    assert len(smtp.inbox.messages) == 2


def test_weekly_digest_slot_in_the_users_time_zone(user):
    user.time_zone = "Asia/Tokyo"
    saved = services.saved_search_create(
        user, "asile", frequency=Frequency.WEEKLY, digest_hour=9, digest_weekday=2
    )
    # Wednesday 2025-11-05 09:00 in Tokyo is 00:00 UTC that day.
    now = dt.datetime(2025, 11, 7, 12, 0, tzinfo=dt.UTC)
    assert delivery.digest_slot(saved, now) == dt.datetime(2025, 11, 5, 0, 0, tzinfo=dt.UTC)
