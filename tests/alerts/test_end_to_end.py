"""End to end: a new text at a watched source (a local HTTP server) is polled, ingested,
analysed and indexed, matched against a saved search, and the real-time e-mail lands in a
real SMTP server, within one polling interval plus 60 s."""

from __future__ import annotations

import time

import pytest

from migralex.alerts import services
from migralex.alerts.models import Frequency, Hit
from migralex.ingestion import hooks
from migralex.sources.models import Source
from migralex.sources.services import sources_poll
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Bulletin officiel (test)</title><link>{base}</link>
<language>fr</language>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>{base}texte/{n}</link><guid>urn:test:{n}</guid>
<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description>{body}</description></item>"""


def _feed(base: str, *items: tuple[int, str, str]) -> str:
    return FEED.format(
        base=base,
        items="".join(ITEM.format(base=base, n=n, title=t, body=b) for n, t, b in items),
    )


def test_new_text_at_a_source_reaches_the_inbox(
    httpserver, smtp, user, django_capture_on_commit_callbacks
):
    assert services.after_version_hook in hooks.AFTER_VERSION  # registered by the app config
    base = httpserver.url_for("/")
    old = (1, "Arrêté sur la pêche maritime", "Conditions de la pêche côtière.")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(base, old), content_type="application/rss+xml"
    )
    source = SourceFactory(
        kind=Source.Kind.FEED, url=httpserver.url_for("/feed.xml"), interval_minutes=5
    )
    saved = services.saved_search_create(
        user, "asile", frequency=Frequency.REALTIME, name="Asile et réfugiés"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sources_poll([source], workers=1)["error"] == 0, Source.objects.get().last_error
    assert smtp.inbox.messages == []  # nothing about asylum yet

    new = (
        2,
        "Décret n° 2-26-101 relatif aux demandeurs d'asile",
        "Le présent décret fixe la procédure d'examen des demandes d'asile et les droits des "
        "réfugiés reconnus au Maroc.",
    )
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(base, new, old), content_type="application/rss+xml"
    )
    changed_at = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        counts = sources_poll([source], workers=1)
    assert counts["error"] == 0, Source.objects.get().last_error
    elapsed = time.monotonic() - changed_at
    assert len(smtp.inbox.messages) == 1
    assert elapsed < source.interval_minutes * 60 + 60
    rcpt, message = smtp.inbox.messages[0]
    assert rcpt == [user.email]
    assert "Asile et réfugiés" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "Décret n° 2-26-101" in body
    hit = Hit.objects.get(saved_search=saved)
    assert hit.document.source_id == source.pk and hit.emailed_at is not None
    # Polling again (nothing new) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        sources_poll([source], workers=1)
    services.alerts_tick()
    assert len(smtp.inbox.messages) == 1
