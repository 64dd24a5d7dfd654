"""``migralex bench web`` runs end to end on a tiny store (the figures themselves are for the
command's report, never asserted here)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_bench_web_runs_and_reports_its_figures(tmp_path):
    data_dir = tmp_path / "bench"
    command = [
        sys.executable,
        "-m",
        "migralex.cli",
        "bench",
        "web",
        "--json",
        "--docs",
        "60",
        "--seconds",
        "1",
        "--clients",
        "2",
        "--data-dir",
        str(data_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["docs"] == figures["indexed"] == 60
    assert figures["errors"] == 0, figures.get("first_errors")
    assert figures["requests"] > 0 and figures["requests_per_s"] > 0
    for key in (
        "p50_ms",
        "p95_ms",
        "search_p95_ms",
        "document_p95_ms",
        "dashboard_p95_ms",
        "server_cpu_ms_per_request",
        "client_cpu_ms_per_request",
    ):
        assert key in figures

    # The kept store is reused; an index emptied meanwhile (a schema change) is rebuilt first.
    shutil.rmtree(data_dir / "index")
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    check = [sys.executable, "-m", "migralex.web.bench", "index-check", "60"]
    env = {
        **os.environ,
        "MIGRALEX_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "migralex.config.settings.dev",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(check, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"reindexed": 0}


def test_bench_web_refuses_a_real_data_dir(tmp_path):
    (tmp_path / "migralex.sqlite3").write_bytes(b"not a benchmark store")
    command = [sys.executable, "-m", "migralex.cli", "bench", "web", "--data-dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "holds no benchmark store" in done.stderr
    assert (tmp_path / "migralex.sqlite3").read_bytes() == b"not a benchmark store"
