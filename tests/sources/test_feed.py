from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from migralex.sources.models import PollRecord, Source
from migralex.sources.polling import source_poll
from tests.factories import SourceFactory, UserFactory
from tests.sources.feeds import rss

pytestmark = pytest.mark.django_db

ENTRIES = [
    (1, "Loi n° 02-03 : rappel", "Entrée et séjour des étrangers."),
    (2, "قانون رقم 27.14", "مكافحة الاتجار بالبشر"),
    (3, "Egypt: Law No. 82 of 2016", "Smuggling of migrants."),
]


def feed_source(web, path="/feed.xml", **kw):
    return SourceFactory(kind=Source.Kind.FEED, url=web.url_for(path), **kw)


def test_new_feed_hands_every_entry_then_304_hands_nothing(web, sink):
    web.expect_request("/feed.xml", headers={"If-None-Match": '"e1"'}).respond_with_data(
        "", status=304
    )
    web.expect_request("/feed.xml").respond_with_data(
        rss(*ENTRIES), content_type="application/rss+xml", headers={"ETag": '"e1"'}
    )
    source = feed_source(web)
    assert source_poll(source, sink=sink) == "changed"
    assert sink.keys == ["urn:item:1", "urn:item:2", "urn:item:3"]
    assert "قانون رقم 27.14".encode() in sink.items[1].data
    source.refresh_from_db()
    assert source.etag == '"e1"' and source.last_changed_at and source.documents_found == 3
    assert source.items.count() == 3
    sink.clear()
    assert source_poll(source, sink=sink) == "unchanged"
    assert sink.items == []


def test_edited_entry_is_handed_again_under_the_same_key(web, sink):
    source = feed_source(web)
    web.expect_oneshot_request("/feed.xml").respond_with_data(
        rss(*ENTRIES), headers={"ETag": '"a"'}
    )
    source_poll(source, sink=sink)
    sink.clear()
    edited = [
        ENTRIES[0],
        (2, "قانون رقم 27.14", "نص معدل"),
        ENTRIES[2],
        (4, "Tunisie", "Loi 2016-61"),
    ]
    web.expect_oneshot_request("/feed.xml").respond_with_data(rss(*edited), headers={"ETag": '"b"'})
    source.refresh_from_db()
    assert source_poll(source, sink=sink) == "changed"
    assert sink.keys == ["urn:item:2", "urn:item:4"]  # the edit and the new one, nothing else
    assert source.items.count() == 4


def test_same_body_without_validators_is_unchanged(web, sink):
    web.expect_request("/feed.xml").respond_with_data(rss(*ENTRIES))
    source = feed_source(web)
    source_poll(source, sink=sink)
    sink.clear()
    source.refresh_from_db()
    assert source_poll(source, sink=sink) == "unchanged" and sink.items == []


def test_detection_delay_is_averaged_after_the_first_poll(web, sink):
    source = feed_source(web)
    web.expect_oneshot_request("/feed.xml").respond_with_data(rss(*ENTRIES[:1]))
    source_poll(source, sink=sink)
    recent = (timezone.now() - dt.timedelta(hours=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = rss(*ENTRIES[:1]).replace(
        "</channel>",
        f"""<item><title>Nouveau</title>
        <guid>urn:new</guid><pubDate>{recent}</pubDate></item></channel>""",
    )
    web.expect_oneshot_request("/feed.xml").respond_with_data(body)
    source.refresh_from_db()
    source_poll(source, sink=sink)
    source.refresh_from_db()
    assert source.detection_count == 1
    assert 7100 < source.average_detection_delay_s < 7300


@pytest.mark.parametrize(
    "body,ctype",
    [
        (b"<rss><channel><item><title>broken", "application/rss+xml"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"just some words, not a feed", "text/plain"),
    ],
)
def test_broken_feeds_and_wrong_content_types_are_recorded_failures(web, sink, body, ctype):
    web.expect_request("/feed.xml").respond_with_data(body, content_type=ctype)
    source = feed_source(web)
    assert source_poll(source, sink=sink) == "error"
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and source.last_error and "\n" not in source.last_error
    assert PollRecord.objects.get(source=source).status == "error"


def test_http_error_backs_off_exponentially_and_recovers(web, sink):
    web.expect_request("/feed.xml").respond_with_data("down", status=503)
    source = feed_source(web, interval_minutes=10)
    delays = []
    for _ in range(3):
        before = timezone.now()
        source_poll(source, sink=sink)
        delays.append((source.next_check_at - before).total_seconds() / 60)
    assert source.consecutive_failures == 3
    assert PollRecord.objects.filter(source=source, http_status=503).count() == 3
    assert 18 <= delays[0] <= 22 and 36 <= delays[1] <= 44 and 72 <= delays[2] <= 88
    web.clear_all_handlers()
    web.expect_request("/robots.txt").respond_with_data("", status=404)
    web.expect_request("/feed.xml").respond_with_data(rss(*ENTRIES))
    assert source_poll(source, sink=sink) == "changed"
    assert source.consecutive_failures == 0 and source.last_error == ""


def test_administrators_get_one_email_when_a_source_fails_n_times(web, sink, settings):
    settings.SOURCE_FAILURE_NOTIFY_AFTER = 2
    settings.ADMINS = [("Ops", "ops@example.org")]
    UserFactory(email="chef@example.org", username="chef@example.org", is_superuser=True)
    web.expect_request("/feed.xml").respond_with_data("x", status=500)
    source = feed_source(web, name="Bulletin officiel")
    source_poll(source, sink=sink)
    assert mail.outbox == []
    source_poll(source, sink=sink)
    source_poll(source, sink=sink)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Bulletin officiel" in message.subject
    assert sorted(message.to) == ["chef@example.org", "ops@example.org"]
    assert "HTTP 500" in message.body


def test_redirect_to_private_address_is_a_recorded_failure(web, sink, settings):
    settings.FETCH_ALLOW_PRIVATE = ["localhost"]
    web.expect_request("/feed.xml").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    source = feed_source(web)
    assert source_poll(source, sink=sink) == "error"
    assert "BlockedAddress" in source.last_error and "169.254.169.254" in source.last_error
