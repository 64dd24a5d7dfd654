"""``migralex ingest``: one JSON line per input in input order, exit 0 whatever the outcomes."""

import json

import pytest

from migralex.cli import main
from tests.ingestion.builders import LAW_LINES, SAMPLES, make_pdf

pytestmark = pytest.mark.django_db


def run(capsys, *argv):
    code = main(["ingest", *argv])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_jsonl_one_object_per_file_in_input_order_and_exit_zero(tmp_path, capsys):
    tmp_path = tmp_path / "inbox"  # the test's data dir lives in tmp_path too
    tmp_path.mkdir()
    (tmp_path / "law.pdf").write_bytes(make_pdf([LAW_LINES]))
    (tmp_path / "copy.pdf").write_bytes(make_pdf([LAW_LINES]))
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02\x03" * 64)
    code, rows, err = run(
        capsys, "--jsonl", str(tmp_path / "law.pdf"), str(SAMPLES / "page.html"), str(tmp_path)
    )
    assert code == 0
    assert [r["path"].rsplit("/", 1)[-1] for r in rows] == [
        "law.pdf", "page.html", "copy.pdf", "junk.bin", "law.pdf",
    ]  # fmt: skip
    assert [r["status"] for r in rows] == ["ok", "ok", "duplicate", "rejected", "unchanged"]
    assert set(rows[0]) == {"path", "status", "message", "documents", "seconds"}
    assert rows[2]["documents"] == rows[0]["documents"]
    assert "1 duplicate" in err and "1 rejected" in err


def test_missing_path_is_a_handled_error(capsys):
    assert main(["ingest", "/nonexistent/folder"]) == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_url_is_fetched_through_the_guarded_client(httpserver, capsys):
    httpserver.expect_request("/circulaire").respond_with_data(
        (SAMPLES / "page.html").read_bytes(), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    code, rows, _ = run(
        capsys, "--jsonl", httpserver.url_for("/circulaire"), httpserver.url_for("/missing")
    )
    assert code == 0
    assert rows[0]["status"] == "ok" and rows[0]["documents"]
    assert rows[1]["status"] == "error" and "fetch failed" in rows[1]["message"]
