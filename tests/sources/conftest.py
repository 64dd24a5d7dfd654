"""Fixtures of the source-monitoring tests: no politeness delay, a fresh robots cache, robots.txt
answered (404 = no rules) on the local server, and a recording sink standing in for ingestion
where a test checks what polling hands over rather than what ingestion makes of it."""

from __future__ import annotations

import pytest

from migralex.sources.politeness import ROBOTS
from migralex.sources.polling import HandOff


@pytest.fixture(autouse=True)
def _polite_but_fast(settings):
    settings.SOURCE_HOST_DELAY_SECONDS = 0
    ROBOTS.clear()
    yield
    ROBOTS.clear()


@pytest.fixture
def web(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    return httpserver


class RecordingSink:
    def __init__(self):
        self.items = []

    def __call__(self, source, item, fetched_at):
        self.items.append(item)
        return HandOff(documents=1)

    @property
    def keys(self):
        return [i.key for i in self.items]

    def clear(self):
        self.items.clear()


@pytest.fixture
def sink():
    return RecordingSink()
