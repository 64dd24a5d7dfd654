"""The demo sources through the real ingestion pipeline: documents appear, and editing a feed
entry makes a new version of the same document at the next poll."""

from __future__ import annotations

import os

import pytest

from migralex.documents.models import Document
from migralex.sources.demo import demo_feed_path, demo_inbox, demo_sources_install
from migralex.sources.models import Source
from migralex.sources.services import sources_poll

pytestmark = pytest.mark.django_db


def _bump_mtime(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_demo_sources_ingest_and_an_edited_entry_becomes_a_new_version():
    assert demo_sources_install() == 2
    assert demo_sources_install() == 2  # idempotent
    counts = sources_poll(Source.objects.all(), workers=1)
    assert counts["error"] == 0, list(Source.objects.values_list("last_error", flat=True))
    feed_source = Source.objects.get(kind=Source.Kind.FEED)
    folder_source = Source.objects.get(kind=Source.Kind.FOLDER)
    assert feed_source.items.count() == 8 and folder_source.items.count() == 3
    entry = Document.objects.get(source_item_id="migralex-demo-tn-lo-2016-61")
    assert Document.objects.filter(source=folder_source).count() == 3
    assert entry.versions.count() == 1

    # Nothing changed: nothing new.
    before = Document.objects.count()
    assert sources_poll(Source.objects.all(), workers=1)["changed"] == 0
    assert Document.objects.count() == before

    feed = demo_feed_path()
    text = feed.read_text(encoding="utf-8")
    feed.write_text(
        text.replace("crée l'Instance nationale", "crée et organise l'Instance nationale"),
        encoding="utf-8",
    )
    _bump_mtime(feed)
    (demo_inbox() / "nouveau.txt").write_text(
        "Note : la loi n° 68-7 du 8 mars 1968 régit la condition des étrangers en Tunisie.",
        encoding="utf-8",
    )
    counts = sources_poll(Source.objects.all(), workers=1)
    assert counts == {"changed": 2, "unchanged": 0, "error": 0}
    entry.refresh_from_db()
    assert entry.versions.count() == 2
    assert "organise" in entry.current_version.diff
    assert Document.objects.count() == before + 1
