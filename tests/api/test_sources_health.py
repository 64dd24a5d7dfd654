"""/api/v1/sources/: failing sources first with the page's health fields, a source's snapshots
and its recent polls (failure details for signed-in users only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from migralex.sources.models import PollRecord, Snapshot, Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_failing_sources_first_in_the_same_order_as_the_page(reader_client):
    now = timezone.now()
    fine = SourceFactory(name="A fine feed", last_checked_at=now, documents_found=7)
    never = SourceFactory(name="B never checked")
    once = SourceFactory(name="C failed once", consecutive_failures=1, last_checked_at=now)
    often = SourceFactory(
        name="D failing",
        consecutive_failures=5,
        last_checked_at=now,
        last_error="ConnectError:\n   refused\tby 10.0.0.1",
        detection_delay_total_s=600,
        detection_count=4,
        next_check_at=now + dt.timedelta(hours=2),
    )
    client, _ = reader_client
    api = client.get("/api/v1/sources/").json()["results"]
    assert [r["id"] for r in api] == [often.pk, once.pk, never.pk, fine.pk]
    page = client.get("/en/sources/").content.decode()
    order = [page.index(f'<tr data-source="{s.pk}"') for s in (often, once, never, fine)]
    assert order == sorted(order)
    top = api[0]
    assert top["consecutive_failures"] == 5
    assert top["last_error"] == "ConnectError: refused by 10.0.0.1"  # one readable line
    assert top["average_detection_delay_s"] == 150.0
    assert top["next_check_at"] and top["last_checked_at"]
    assert api[3]["documents_found"] == 7 and api[3]["average_detection_delay_s"] is None
    assert Client().get("/api/v1/sources/").json()["results"][0]["last_error"] == ""


def test_pages_of_sources_never_overlap_when_health_ties():
    SourceFactory.create_batch(5, name="Same")
    ids = []
    for page in (1, 2, 3):
        body = Client().get("/api/v1/sources/", {"page_size": 2, "page": page}).json()
        ids += [r["id"] for r in body["results"]]
    assert len(ids) == len(set(ids)) == 5


def test_snapshots_of_a_page_source_newest_first_with_their_diff():
    source = SourceFactory(kind=Source.Kind.PAGE)
    t0 = timezone.now() - dt.timedelta(days=1)
    Snapshot.objects.create(
        source=source, url=source.url, fetched_at=t0, content_hash="a", text="A"
    )
    Snapshot.objects.create(
        source=source,
        url=source.url,
        fetched_at=t0 + dt.timedelta(hours=1),
        content_hash="b",
        text="A\nB",
        diff="--- \n+++ \n@@ -1 +1,2 @@\n A\n+B",
        lines_added=1,
    )
    other = SourceFactory(kind=Source.Kind.PAGE)
    Snapshot.objects.create(source=other, url=other.url, fetched_at=t0, content_hash="c", text="Z")
    body = Client().get(f"/api/v1/sources/{source.pk}/snapshots/").json()
    assert body["count"] == 2
    assert [s["content_hash"] for s in body["results"]] == ["b", "a"]
    assert body["results"][0]["lines_added"] == 1 and "+B" in body["results"][0]["diff"]
    assert Client().get("/api/v1/sources/999999/snapshots/").status_code == 404


def test_polls_of_a_source_hide_failure_details_from_visitors(reader_client):
    source = SourceFactory()
    now = timezone.now()
    PollRecord.objects.create(source=source, started_at=now, status="error", message="503 x.ma")
    PollRecord.objects.create(
        source=source, started_at=now - dt.timedelta(hours=1), status="changed", message="2 new"
    )
    client, _ = reader_client
    signed_in = client.get(f"/api/v1/sources/{source.pk}/polls/").json()["results"]
    assert [(p["status"], p["message"]) for p in signed_in] == [
        ("error", "503 x.ma"),
        ("changed", "2 new"),
    ]
    anonymous = Client().get(f"/api/v1/sources/{source.pk}/polls/").json()["results"]
    assert [p["message"] for p in anonymous] == ["", "2 new"]


def test_malformed_source_ids_are_404_not_errors():
    for path in ("snapshots", "polls"):
        assert Client().get(f"/api/v1/sources/null,null/{path}/").status_code == 404
