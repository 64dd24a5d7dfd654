"""The `migralex` command: help everywhere, the exit-code convention, init and export."""

import json
import subprocess
import sys

import pytest

from migralex.cli import build_parser, main

SUBCOMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name, capsys):
    try:
        code = main([name, "--help"])
    except SystemExit as exc:
        code = exc.code
    assert code == 0
    assert "usage: migralex" in capsys.readouterr().out


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2
    assert main([]) == 2


def test_handled_error_is_one_line_and_exit_1(tmp_path):
    # A data dir that is a file cannot hold a database: a clear one-line error, exit code 1.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    env = {"MIGRALEX_DATA_DIR": str(blocker), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "migralex.cli", "init", "--no-input"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("migralex init: ")
    assert "Traceback" not in proc.stderr


@pytest.mark.django_db(transaction=True)
def test_init_is_idempotent_and_creates_one_admin(capsys, monkeypatch):
    from migralex.accounts.models import User
    from migralex.documents.models import Document, Theme

    monkeypatch.setenv("MIGRALEX_ADMIN_EMAIL", "chef@example.org")
    monkeypatch.delenv("MIGRALEX_ADMIN_PASSWORD", raising=False)
    assert main(["init", "--no-input"]) == 0
    out = capsys.readouterr().out
    assert "Administrator created: chef@example.org  password: " in out
    counts = (Theme.objects.count(), Document.objects.count(), User.objects.count())
    assert counts[0] == 34
    assert main(["init", "--no-input"]) == 0
    assert "Administrator created" not in capsys.readouterr().out
    assert (Theme.objects.count(), Document.objects.count(), User.objects.count()) == counts
    assert User.objects.get().is_superuser
    # init leaves the reference texts searchable (the index is repaired from the database).
    from migralex.search.services import search

    assert search("travail domestique").count > 0


@pytest.mark.django_db(transaction=True)
def test_export_json_and_jsonl(capsys, tmp_path):
    assert main(["init", "--no-input", "--quiet", "--no-demo"]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "json"]) == 0
    documents = json.loads(capsys.readouterr().out)
    assert documents, "reference data gives documents to export"
    first = documents[0]
    for key in (
        "uid",
        "title",
        "titles",
        "doc_type",
        "country",
        "identifiers",
        "themes",
        "relations",
        "text",
    ):
        assert key in first
    out_file = tmp_path / "export.jsonl"
    assert main(["export", "--format", "jsonl", "--no-text", "-o", str(out_file)]) == 0
    lines = out_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(documents)
    assert "text" not in json.loads(lines[0])
