"""Adding sources, OPML round trip, watched folders, the threaded cycle and the host gate."""

from __future__ import annotations

import threading
import time

import pytest

from migralex.sources.models import Source
from migralex.sources.opml import opml_export, opml_import
from migralex.sources.politeness import HostGate
from migralex.sources.polling import HandOff, source_poll
from migralex.sources.services import SourceError, interval_parse, source_add, sources_poll
from tests.factories import SourceFactory
from tests.sources.feeds import rss
from tests.sources.rawserver import RawServer


@pytest.mark.django_db
def test_source_add_detects_the_type_from_content(web):
    web.expect_request("/f").respond_with_data(rss((1, "a", "b")), content_type="application/xml")
    web.expect_request("/s").respond_with_data(
        "<urlset xmlns='x'></urlset>", content_type="text/xml"
    )
    web.expect_request("/p").respond_with_data(
        "<html><body>x</body></html>", content_type="text/html"
    )
    web.expect_request("/j").respond_with_json([{"id": 1}])
    kinds = [source_add(web.url_for(p)).kind for p in ("/f", "/s", "/p", "/j")]
    assert kinds == ["feed", "sitemap", "page", "json-api"]
    with pytest.raises(SourceError, match="already exists"):
        source_add(web.url_for("/f"))


@pytest.mark.django_db
def test_source_add_refuses_bad_addresses(settings):
    with pytest.raises(SourceError):
        source_add("/etc", kind="folder")
    with pytest.raises(Exception, match="credentials"):
        source_add("http://u:p@example.org/feed", kind="feed")
    assert (
        interval_parse("2h") == 120 and interval_parse("1d") == 1440 and interval_parse("15") == 15
    )


@pytest.mark.django_db
def test_opml_round_trip_keeps_kind_interval_and_config(settings):
    SourceFactory(kind="feed", url="http://a.example/rss", name="Fil « A »", interval_minutes=30)
    SourceFactory(
        kind="page",
        url="http://b.example/p",
        name="صفحة",
        enabled=False,
        config={"selector": "#main", "password": "never-exported"},
    )
    text = opml_export()
    assert "never-exported" not in text
    before = list(
        Source.objects.order_by("url").values("kind", "url", "name", "interval_minutes", "enabled")
    )
    Source.objects.all().delete()
    report = opml_import(text.encode())
    assert len(report.created) == 2 and report.skipped == []
    after = list(
        Source.objects.order_by("url").values("kind", "url", "name", "interval_minutes", "enabled")
    )
    assert after == before
    assert Source.objects.get(kind="page").config == {"selector": "#main"}
    again = opml_import(text.encode())
    assert again.created == [] and len(again.skipped) == 2


@pytest.mark.django_db
def test_opml_from_a_feed_reader_and_a_broken_file():
    plain = b"""<opml version="1.0"><body><outline text="news">
      <outline text="UNHCR" type="rss" xmlUrl="https://www.unhcr.org/rss"/></outline></body></opml>"""
    report = opml_import(plain)
    assert [s.kind for s in report.created] == ["feed"]
    with pytest.raises(SourceError):
        opml_import(b"<opml><body><outline")


@pytest.mark.django_db
def test_folder_edits_become_new_items_under_the_same_key(settings, sink):
    folder = settings.DATA_DIR / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Loi 02-03", encoding="utf-8")
    (folder / ".hidden").write_text("x")
    source = SourceFactory(kind="folder", url=str(folder))
    assert source_poll(source, sink=sink) == "changed" and sink.keys == ["a.txt"]
    sink.clear()
    assert source_poll(source, sink=sink) == "unchanged"
    (folder / "a.txt").write_text("Loi 02-03 modifiée", encoding="utf-8")
    assert source_poll(source, sink=sink) == "changed" and sink.keys == ["a.txt"]


@pytest.mark.django_db
def test_folder_outside_allowed_roots_is_refused(sink):
    source = SourceFactory(kind="folder", url="/etc")
    assert source_poll(source, sink=sink) == "error" and "outside" in source.last_error


def test_host_gate_allows_two_concurrent_requests_per_host_and_spaces_them(settings):
    settings.SOURCE_HOST_CONCURRENCY = 2
    settings.SOURCE_HOST_DELAY_SECONDS = 0.05
    gate, active, peak, starts = HostGate(), [0], [0], []
    lock = threading.Lock()

    def work():
        with gate.slot("h:1"):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                starts.append(time.monotonic())
            time.sleep(0.1)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    assert peak[0] == 2
    assert all(b - a >= 0.045 for a, b in zip(starts, starts[1:], strict=False))


@pytest.mark.django_db(transaction=True)
def test_threaded_cycle_polls_every_source_and_records_each_failure(settings):
    def ok(conn):
        conn.sendall(
            (
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"
                + rss((1, "t", "b"))
            ).encode()
        )

    handed = []

    def sink(source, item, fetched_at):
        handed.append(source.pk)
        return HandOff(documents=1)

    settings.FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
    with RawServer(ok) as good:
        sources = [
            SourceFactory(kind="feed", url=good.url(f"/f{i}"), ignore_robots=True) for i in range(6)
        ]
        sources.append(
            SourceFactory(kind="feed", url="http://127.0.0.1:9/closed", ignore_robots=True)
        )
        counts = sources_poll(Source.objects.all(), workers=4, sink=sink)
    assert counts == {"changed": 6, "unchanged": 0, "error": 1}
    assert sorted(handed) == sorted(s.pk for s in sources[:6])
    failed = Source.objects.get(pk=sources[-1].pk)
    assert failed.consecutive_failures == 1 and "ConnectFailed" in failed.last_error
    assert failed.poll_records.get().status == "error"


@pytest.mark.django_db
def test_old_poll_records_are_pruned_and_recent_ones_kept(settings):
    import datetime as dt

    from django.utils import timezone

    from migralex.sources.models import PollRecord
    from migralex.sources.services import poll_records_prune

    settings.SOURCE_POLL_HISTORY_DAYS = 30
    source = SourceFactory()
    now = timezone.now()
    old = PollRecord.objects.create(
        source=source, started_at=now - dt.timedelta(days=31), status="error"
    )
    recent = PollRecord.objects.create(
        source=source, started_at=now - dt.timedelta(days=29), status="changed"
    )
    assert poll_records_prune() == 1
    assert not PollRecord.objects.filter(pk=old.pk).exists()
    assert PollRecord.objects.filter(pk=recent.pk).exists()
