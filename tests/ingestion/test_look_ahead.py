"""ingest_path's look-ahead: the next file is parsed in a sandbox worker while the current one
is finished, with the same outcomes as parsing each file when it is reached."""

import pytest

from migralex.common import storage
from migralex.documents.models import Document, Version
from migralex.ingestion import detect, sandbox, services
from migralex.ingestion.services import ingest_path
from tests.ingestion.builders import SAMPLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(monkeypatch):
    """Every PendingParse created (look-ahead or direct), and the direct run_parser calls."""
    made: list[sandbox.PendingParse] = []
    original_init = sandbox.PendingParse.__init__

    def counting_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(sandbox.PendingParse, "__init__", counting_init)
    return made


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.html").write_bytes((SAMPLES / "page.html").read_bytes())
    (folder / "b.txt").write_text("Texte sur la protection consulaire des ressortissants.")
    (folder / "c.bin").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "d.txt").write_text("Circulaire relative au regroupement familial des migrants.")
    return folder


def test_each_parsed_file_uses_the_parse_started_ahead(inbox, started, monkeypatch):
    direct, requested = [], []
    monkeypatch.setattr(sandbox, "run_parser", lambda *a, **kw: direct.append(a))
    monkeypatch.setattr(services, "LOOK_AHEAD", 2)
    parse_ahead = services._parse_ahead

    def counting(*args):  # a parse ahead is requested here, started by the look-ahead thread
        starting = parse_ahead(*args)
        if starting is not None:
            requested.append(starting)
        return starting

    monkeypatch.setattr(services, "_parse_ahead", counting)
    outcomes, under_way = [], []
    for outcome in ingest_path(inbox):
        outcomes.append(outcome)
        under_way.append(len(requested))
    assert [o.status for o in outcomes] == ["ok", "ok", "rejected", "ok"]
    # The next two files' parses were started before the current file's outcome (none for
    # c.bin): a.html's outcome came with a.html and b.txt started, b.txt's with d.txt too.
    assert under_way == [2, 3, 3, 3]
    assert direct == [] and len(started) == 3  # every parse came from the look-ahead, once
    parsed = {p.path for p in started}
    stored = {str(storage.blob_path(v.file.sha256)) for v in Version.objects.all()}
    assert len(stored) == 3 and parsed == stored  # nothing started for the refused binary
    last = Version.objects.get(document_id=outcomes[3].documents[0])
    assert "regroupement familial" in last.normalized_text


def test_a_second_run_starts_no_parse(inbox, started):
    list(ingest_path(inbox))
    first = len(started)
    assert [o.status for o in ingest_path(inbox)] == [
        "unchanged",
        "unchanged",
        "rejected",
        "unchanged",
    ]
    assert len(started) == first


def test_outcomes_are_the_same_without_look_ahead(inbox, tmp_path, monkeypatch):
    with_look_ahead = [(o.status, o.message) for o in ingest_path(inbox)]
    Document.objects.all().delete()
    services.IngestionRecord.objects.all().delete()
    monkeypatch.setattr(services, "LOOK_AHEAD", False)
    without = [(o.status, o.message) for o in ingest_path(inbox)]
    assert [s for s, _ in with_look_ahead] == [s for s, _ in without]


def test_a_hanging_file_ahead_costs_that_file_only(inbox, settings, monkeypatch):
    settings.PARSER_WALL_SECONDS = 1
    settings.PARSER_CPU_SECONDS = 1
    (inbox / "b.txt").write_bytes(b"hang please")
    real = detect.detect_kind
    monkeypatch.setattr(
        detect,
        "detect_kind",
        lambda data: "tests.ingestion.hostile:hang" if data.startswith(b"hang") else real(data),
    )
    outcomes = list(ingest_path(inbox))
    assert [o.status for o in outcomes] == ["ok", "rejected", "rejected", "ok"]
    assert "still running" in outcomes[1].message


def test_stopping_early_collects_the_parse_started_ahead(inbox, started):
    walk = ingest_path(inbox)
    assert next(walk).status == "ok"
    walk.close()
    assert started and all(p._outcome is not None for p in started)  # no worker left busy
