"""Being a good guest: at most N concurrent requests per host, a minimum delay between two
requests to the same host, and robots.txt (RFC 9309) honoured unless the administrator
overrides it for a source. Every fetch a poller makes goes through :func:`polite_fetch`."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings

from migralex.common.http import FetchError, FetchResult, fetch

ROBOTS_TTL_SECONDS = 6 * 3600
ROBOTS_RETRY_SECONDS = 600
ROBOTS_MAX_BYTES = 512 * 1024


class RobotsDisallowed(FetchError):
    code = "robots"


class HostGate:
    """Per-host concurrency and spacing, shared by every polling thread of the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str):
        with self._lock:
            sem = self._slots.get(host)
            if sem is None:
                sem = self._slots[host] = threading.BoundedSemaphore(
                    settings.SOURCE_HOST_CONCURRENCY
                )
        with sem:
            delay = settings.SOURCE_HOST_DELAY_SECONDS
            with self._lock:  # reserve a start time, then wait for it outside the lock
                now = time.monotonic()
                start = max(now, self._next_start.get(host, 0.0))
                self._next_start[host] = start + delay
            if start > now:
                time.sleep(start - now)
            yield


GATE = HostGate()


class RobotsCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: dict[str, tuple[float, urllib.robotparser.RobotFileParser | bool]] = {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            cached = self._rules.get(origin)
        if cached is None or cached[0] < time.monotonic():
            rules, ttl = self._load(origin)
            cached = (time.monotonic() + ttl, rules)
            with self._lock:
                self._rules[origin] = cached
        rules = cached[1]
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(settings.FETCH_USER_AGENT, url)

    def _load(self, origin: str):
        """RFC 9309: a 4xx robots.txt means no rules; a 5xx or no answer means "disallow all"
        for now (the TTL retries later)."""
        with GATE.slot(urlsplit(origin).netloc):
            try:
                result = fetch(
                    origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, raise_for_status=False
                )
            except FetchError:
                return False, ROBOTS_RETRY_SECONDS
        if 400 <= result.status < 500:
            return True, ROBOTS_TTL_SECONDS
        if result.status >= 500:
            return False, ROBOTS_RETRY_SECONDS
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(result.content.decode("utf-8", "replace").splitlines())
        return parser, ROBOTS_TTL_SECONDS

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()


ROBOTS = RobotsCache()


def polite_fetch(url: str, *, ignore_robots: bool = False, **kwargs) -> FetchResult:
    """:func:`migralex.common.http.fetch` behind the host gate and robots.txt."""
    if not ignore_robots and not ROBOTS.allowed(url):
        raise RobotsDisallowed(f"robots.txt of {urlsplit(url).netloc} disallows {url}", url=url)
    with GATE.slot(urlsplit(url).netloc):
        return fetch(url, **kwargs)
