from __future__ import annotations

import json

import pytest

from migralex.cli import main
from migralex.sources.models import Source
from migralex.sources.polling import HandOff
from tests.sources.feeds import rss

pytestmark = pytest.mark.django_db


def test_source_commands_add_list_poll_and_opml(web, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("migralex.cli.setup_django", lambda: None)  # pytest-django set it up
    # What reaches ingestion is covered by test_demo_ingest; here only the command matters.
    monkeypatch.setattr("migralex.sources.polling.ingest_item", lambda s, i, t: HandOff(1))
    web.expect_request("/feed").respond_with_data(
        rss((1, "a", "b")), content_type="application/rss+xml"
    )
    assert main(["source", "add", web.url_for("/feed"), "--every", "30m", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["kind"] == "feed" and Source.objects.get().interval_minutes == 30
    assert main(["source", "poll", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "polled": 1,
        "unchanged": 0,
        "changed": 1,
        "error": 0,
    }
    assert main(["source", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["documents_found"] == 1
    out = tmp_path / "s.opml"
    assert main(["source", "export-opml", "-o", str(out)]) == 0
    Source.objects.all().delete()
    assert main(["source", "import-opml", str(out), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["created"]) == 1
    assert main(["source", "poll", "999"]) == 1
    assert "no source with id 999" in capsys.readouterr().err
    assert main(["source", "add", "gopher://x/"]) == 1
