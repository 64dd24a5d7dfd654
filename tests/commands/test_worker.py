"""The task queue for real: a consumer (the one `serve` and `worker` run) executes an enqueued
task, on SQLite by default and on Redis when REDIS_URL is set."""

import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from huey.contrib.djhuey import HUEY, task

from migralex.commands.worker import build_consumer


@task()
def write_marker(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def _run_one_task(tmp_path) -> str:
    marker = tmp_path / "marker.txt"
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    HUEY.immediate = False
    HUEY.flush()
    try:
        write_marker(str(marker), "done by a worker")
        assert not marker.exists(), "the task must wait for a worker"
        consumer = build_consumer(workers=1, periodic=False)
        consumer.start()
        try:
            deadline = time.monotonic() + 30
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            consumer.stop(graceful=True)
    finally:
        HUEY.immediate = True
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return marker.read_text(encoding="utf-8") if marker.exists() else ""


def test_sqlite_queue_runs_a_task(tmp_path):
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: the Redis test covers the queue in this pass")
    assert HUEY.__class__.__name__ == "SqliteHuey"
    assert _run_one_task(tmp_path) == "done by a worker"


@pytest.mark.redis
def test_redis_queue_runs_a_task(tmp_path):
    assert HUEY.__class__.__name__ == "RedisHuey"
    assert _run_one_task(tmp_path) == "done by a worker"
