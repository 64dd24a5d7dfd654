"""The sources health page, a source's page (snapshots and their diff, recent polls) and
"poll now", on real SQLite with real polls against a local HTTP server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from migralex.sources.models import PollRecord, Snapshot, Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_politeness_delay(settings):
    settings.SOURCE_HOST_DELAY_SECONDS = 0


def _row_order(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-source="(\d+)"', html)]


def test_failing_sources_come_first_with_every_health_field(reader_client):
    now = timezone.now()
    ok = SourceFactory(
        name="Working feed",
        last_checked_at=now - dt.timedelta(minutes=5),
        last_changed_at=now - dt.timedelta(days=1),
        next_check_at=now + dt.timedelta(minutes=55),
        documents_found=12,
        detection_delay_total_s=2 * 7500,
        detection_count=2,
    )
    failing = SourceFactory(
        name="Zz broken feed",
        last_checked_at=now,
        consecutive_failures=3,
        last_error="ConnectError:\n  connection   refused\n by 10.0.0.1",
    )
    client, _ = reader_client
    html = client.get("/en/sources/").content.decode()
    assert _row_order(html) == [failing.pk, ok.pk]
    assert "3 failures in a row" in html
    # The error in one readable line, whatever the exception's layout.
    assert "ConnectError: connection refused by 10.0.0.1" in html
    assert "2 h 05 min" in html  # average detection delay
    assert ">12<" in html
    assert "Next check" in html
    assert f'href="/en/sources/{ok.pk}/"' in html


def test_visitors_see_health_but_no_error_details_nor_poll_button():
    SourceFactory(consecutive_failures=2, last_error="refused by 10.0.0.1")
    html = Client().get("/en/sources/").content.decode()
    assert "2 failures in a row" in html
    assert "10.0.0.1" not in html
    assert "Poll now" not in html


def test_page_source_shows_the_diff_between_consecutive_snapshots_escaped():
    source = SourceFactory(kind=Source.Kind.PAGE, url="http://127.0.0.1/circulaires")
    t0 = timezone.now() - dt.timedelta(days=2)
    Snapshot.objects.create(
        source=source,
        url=source.url,
        fetched_at=t0,
        content_hash="a",
        text="Circulaires\nCirculaire 1\nAncienne note",
    )
    Snapshot.objects.create(
        source=source,
        url=source.url,
        fetched_at=t0 + dt.timedelta(days=1),
        content_hash="b",
        text="Circulaires\nCirculaire 1\nCirculaire 2 <script>alert(1)</script>\nمنشور رقم 3",
    )
    html = Client().get(f"/en/sources/{source.pk}/").content.decode()
    assert "<ins>+ Circulaire 2 &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "<ins>+ منشور رقم 3</ins>" in html
    assert "<del>- Ancienne note</del>" in html
    assert "<script>alert(1)" not in html
    assert "2 lines added, 1 lines removed" in html
    assert "First snapshot" in html  # the oldest one is shown whole, not as a diff
    assert "+ Circulaire 1" not in html  # unchanged lines are not part of the diff


def test_recent_polls_list_changes_and_failures_errors_for_signed_in_only(reader_client):
    source = SourceFactory()
    now = timezone.now()
    PollRecord.objects.create(
        source=source, started_at=now, status="error", http_status=503, message="HTTP 503 x.ma"
    )
    PollRecord.objects.create(
        source=source,
        started_at=now - dt.timedelta(hours=1),
        status="changed",
        http_status=200,
        documents=4,
        message="2 entries",
    )
    client, _ = reader_client
    html = client.get(f"/en/sources/{source.pk}/").content.decode()
    assert re.findall(r'data-status="(\w+)"', html) == ["error", "changed"]
    assert "HTTP 503 x.ma" in html and "503" in html
    anonymous = Client().get(f"/en/sources/{source.pk}/").content.decode()
    assert "HTTP 503 x.ma" not in anonymous and "2 entries" in anonymous
    assert Client().get("/en/sources/999999/").status_code == 404


def test_analyst_polls_now_a_failing_server_and_the_failure_is_recorded(analyst_client, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data("down", status=503)
    source = SourceFactory(url=httpserver.url_for("/feed.xml"))
    client, _ = analyst_client
    page = client.get("/en/sources/").content.decode()
    assert f'action="/en/sources/{source.pk}/poll"' in page and "csrfmiddlewaretoken" in page
    response = client.post(f"/en/sources/{source.pk}/poll", follow=True)
    assert response.redirect_chain[-1][0] == "/en/sources/"
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "503" in source.last_error
    assert PollRecord.objects.get(source=source).status == "error"
    assert "the check failed" in response.content.decode()


def test_analyst_polls_a_page_now_from_its_page_and_gets_a_snapshot(analyst_client, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p").respond_with_data(
        "<html><head><title>Notes</title></head><body><main><p>Note 1 sur le séjour des "
        "étrangers</p></main></body></html>",
        content_type="text/html",
    )
    source = SourceFactory(kind=Source.Kind.PAGE, url=httpserver.url_for("/p"))
    client, _ = analyst_client
    response = client.post(f"/en/sources/{source.pk}/poll", {"next": "detail"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/en/sources/{source.pk}/"
    assert Snapshot.objects.filter(source=source).count() == 1
    assert "a change was found" in response.content.decode()


def test_poll_needs_an_analyst_and_a_post(reader_client):
    source = SourceFactory(url="http://127.0.0.1:9/never-polled.xml")
    anonymous = Client().post(f"/en/sources/{source.pk}/poll")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client, _ = reader_client
    assert client.post(f"/en/sources/{source.pk}/poll").status_code == 403
    assert client.get(f"/en/sources/{source.pk}/poll").status_code == 405
    source.refresh_from_db()
    assert source.last_checked_at is None and not PollRecord.objects.exists()


def test_poll_refuses_a_missing_csrf_token(settings):
    from tests.factories import UserFactory

    source = SourceFactory(url="http://127.0.0.1:9/never-polled.xml")
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role="analyst"))
    assert client.post(f"/en/sources/{source.pk}/poll").status_code == 403
    source.refresh_from_db()
    assert source.last_checked_at is None


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Délai moyen de détection", "Vérifications récentes", "Instantanés"]),
        ("ar", ["متوسط مدة الرصد", "الفحوص الأخيرة", "اللقطات"]),
        ("en", ["Average detection delay", "Recent polls", "Snapshots"]),
    ],
)
def test_source_page_in_each_language(lang, words):
    source = SourceFactory(kind=Source.Kind.PAGE, detection_delay_total_s=90, detection_count=1)
    html = Client().get(f"/{lang}/sources/{source.pk}/").content.decode()
    assert all(w in html for w in words), lang
    assert {"fr": "1 min", "ar": "1 د", "en": "1 min"}[lang] in html
