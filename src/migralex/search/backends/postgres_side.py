"""Side connections of the PostgreSQL backend: the count and facets of a search, and the
ranking of one half of the matches (migration 0006), run on connections of their own while the
caller's connection ranks the other half (see ``PostgresBackend.search`` and ``_page``).

Each of these queries reads every match it covers (the count from the lexeme index and the
narrow rows, the ranking from RUM, which scores each match): one after the other they add up,
side by side on several server processes the search takes about the longest of them.

The threads keep their connection between searches (Django's connections are per thread): a
new server process would load the catalog entries of the table, its indexes and the text search
functions again on its first query. ``close()`` ends the threads and their connections (tests
that drop the database need it); the next ``submit`` starts them again.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

from django.db import connection

WORKERS = 4  # side queries of one process at once (a search makes up to two)

_tasks: queue.SimpleQueue = queue.SimpleQueue()
_threads: list[threading.Thread] = []
_lock = threading.Lock()
_pid = os.getpid()


def submit(fn: Callable, *args) -> Future:
    """Run ``fn(*args)`` on a side thread, with that thread's database connection."""
    global _tasks, _pid
    with _lock:
        if _pid != os.getpid():  # a forked child inherits the list, not the threads
            _tasks, _pid = queue.SimpleQueue(), os.getpid()
            _threads.clear()
        if not _threads:
            for i in range(WORKERS):
                thread = threading.Thread(target=_work, name=f"migralex-pg-side-{i}", daemon=True)
                thread.start()
                _threads.append(thread)
    future: Future = Future()
    _tasks.put((future, fn, args))
    return future


def close() -> None:
    """End the side threads, closing their connections."""
    with _lock:
        for _ in _threads:
            _tasks.put(None)
        for thread in _threads:
            thread.join()
        _threads.clear()


def _work() -> None:
    try:
        while (task := _tasks.get()) is not None:
            future, fn, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                # What Django does around each request: drop a broken or expired connection.
                connection.close_if_unusable_or_obsolete()
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to the caller by future.result()
                future.set_exception(exc)
    finally:
        connection.close()
