"""`migralex serve` for real: a fresh data dir, a real port, the pages answer, Ctrl-C stops it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.status, response.read().decode("utf-8")


@pytest.mark.slow
def test_serve_answers_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "MIGRALEX_DATA_DIR": str(tmp_path / "var"),
        "PORT": str(port),
        "MIGRALEX_ADMIN_EMAIL": "admin@example.org",
        "MIGRALEX_ADMIN_PASSWORD": "a-long-password-1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if env.get("DATABASE_URL"):
        pytest.skip(
            "serve is exercised on the embedded default (SQLite); pass 2 covers PostgreSQL elsewhere"
        )
    proc = subprocess.Popen(
        [sys.executable, "-m", "migralex.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, home = _get(f"http://127.0.0.1:{port}/fr/")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "serve did not answer within 120 s"
                time.sleep(0.5)
        assert status == 200
        assert '<html lang="fr" dir="ltr">' in home
        status, arabic = _get(f"http://127.0.0.1:{port}/ar/")
        assert status == 200 and '<html lang="ar" dir="rtl">' in arabic
        assert _get(f"http://127.0.0.1:{port}/healthz")[1] == '{"status": "ok"}'
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 1, "one more web process shares the port"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, output
    assert "Migralex stopped." in output
    assert "(2 web process(es)" in output
    for pid in children:  # the extra web process is gone too
        assert not Path(f"/proc/{pid}").exists()
    assert (tmp_path / "var" / "migralex.sqlite3").exists()
