"""Shared fixtures. Tests use real SQLite (or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are
set), real files under a temporary data dir, and local servers for anything remote."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPORA = Path(
    os.environ.get(
        "MIGRALEX_CORPORA", Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
    )
)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    """Each test gets its own data dir (originals, index), so tests never see each other's files."""
    settings.DATA_DIR = tmp_path / "var"
    settings.ORIGINALS_DIR = settings.DATA_DIR / "originals"
    settings.INDEX_DIR = settings.DATA_DIR / "index"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def _keep_test_connections_open():
    """Tests that call the WSGI application directly (schemathesis) must not have Django close
    the test database connection around each request, as Django's own test client prevents
    during its requests (and reconnects after: hence per test, not per session): on a real
    database file that would close the connection inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"third-party corpora not found at {CORPORA} (set MIGRALEX_CORPORA)")
    return CORPORA


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postg")
    on_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs DATABASE_URL pointing at PostgreSQL (run by .ci/run pass 2)"
                )
            )
        if "redis" in item.keywords and not on_redis:
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL (run by .ci/run pass 2)"))
