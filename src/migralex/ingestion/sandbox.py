"""Run a parser on untrusted bytes in a child process with CPU, memory and wall-clock limits.

Parsing libraries (pdfium, lxml, zip, feedparser) face hostile files; a crash, a hang or a
memory blow-up must cost one input, never the worker. Parses run in *warm worker processes*
forked from a fork server that imported the parsers once (``multiprocessing`` "forkserver").
A worker parses one input after another: forking a fresh process per input cost ~19 ms of
the ~23 ms of a small HTML parse (measured), a reused worker costs a pipe round trip. Each
task gets its own ``RLIMIT_CPU`` allowance and ``RLIMIT_AS`` in the worker; the worker reads
the stored original by path and sends the result back through its pipe; the parent enforces
the wall clock and kills on expiry. A worker that crashed, hit a limit or failed an input is
never reused, and a healthy one is recycled after ``RECYCLE_AFTER_TASKS`` inputs or when it
has grown past ``RECYCLE_ABOVE_RSS_MB``. Workers never touch Django or the database.
"""

from __future__ import annotations

import contextlib
import io
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import set_spawning_popen
from pathlib import Path

from migralex.ingestion.parsers import PRELOAD


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 30
    memory_mb: int = 1024
    wall_seconds: int = 60

    @classmethod
    def from_settings(cls, **override) -> Limits:
        from django.conf import settings

        values = {
            "cpu_seconds": settings.PARSER_CPU_SECONDS,
            "memory_mb": settings.PARSER_MEMORY_MB,
            "wall_seconds": settings.PARSER_WALL_SECONDS,
        }
        values.update(override)
        return cls(**values)


class SandboxFailure(Exception):
    """A parse that did not produce a result. ``outcome`` is ``rejected`` (a rule or a resource
    limit) or ``error`` (corrupt input, parser crash)."""

    def __init__(self, outcome: str, reason: str):
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


_context_lock = threading.Lock()
_context = None


class _Popen(popen_forkserver.Popen):
    """The fork server's launcher, minus one thing: the child must not re-import the
    parent's ``__main__`` (a script calling ingestion at module level would run again in the
    child, and our target lives in this module anyway). Same steps as CPython 3.11's."""

    def _launch(self, process_obj):
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_name", None)
        prep_data.pop("init_main_from_path", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class SandboxProcess(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def _ctx():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = (ctx, SandboxProcess)
        return _context


_pool_lock = threading.Lock()
_idle: list[_Worker] = []
_pool_pid: int | None = None
RECYCLE_AFTER_TASKS = 200  # bounds what one hostile input could leave behind for the next
RECYCLE_ABOVE_RSS_MB = 300  # a worker grown by a big input gives its memory back
MAX_IDLE_WORKERS = 4


class _Worker:
    """One warm parser process (forked from the fork server) that parses task after task."""

    def __init__(self):
        ctx, process_class = _ctx()
        self.conn, child_conn = ctx.Pipe(duplex=True)
        self.process = process_class(target=_serve, args=(child_conn,), daemon=True)
        self.process.start()
        child_conn.close()
        self.tasks = 0

    def retire(self) -> None:
        """Ask a healthy worker to exit; kill one that does not (or cannot) listen."""
        try:
            if self.process.is_alive():
                self.conn.send(None)
                self.process.join(timeout=1)
        except (OSError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _worker_take() -> _Worker:
    global _pool_pid
    with _pool_lock:
        if _pool_pid != os.getpid():
            # A forked copy of a process that had workers: those pipes belong to the parent.
            _idle.clear()
            _pool_pid = os.getpid()
        while _idle:
            worker = _idle.pop()
            if worker.process.is_alive():
                return worker
            worker.retire()
    return _Worker()


def _worker_give_back(worker: _Worker, rss_mb: float) -> None:
    worker.tasks += 1
    if worker.tasks < RECYCLE_AFTER_TASKS and rss_mb < RECYCLE_ABOVE_RSS_MB:
        with _pool_lock:
            if _pool_pid == os.getpid() and len(_idle) < MAX_IDLE_WORKERS:
                _idle.append(worker)
                return
    worker.retire()


def pool_shutdown() -> None:
    """Retire the idle workers (tests, and a process about to exit cleanly)."""
    with _pool_lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.retire()


def _serve(conn) -> None:
    """Body of a warm worker: one task at a time until told to stop (``None``) or the parent
    goes away. Each task gets its own limits (see :func:`_task_limits`)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(_parse_task(*task))


def _task_limits(limits: Limits) -> None:
    """RLIMIT_CPU counts the process's whole life, so a reused worker's CPU limit is what it
    has used so far plus this task's allowance; the hard limits stay where they are so the next
    task can be given its own allowance (a worker that hits a limit dies and is not reused)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    used = own.ru_utime + own.ru_stime
    _set_soft(resource.RLIMIT_CPU, math.ceil(used) + limits.cpu_seconds)
    _set_soft(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)


def _set_soft(which: int, value: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def _parse_task(kind: str, path: str, options: dict, limits: Limits) -> tuple[str, object, float]:
    """(status, payload, resident MiB after the task): ``ok`` and the parser's dict, or
    ``rejected``/``error`` and a reason."""
    from migralex.ingestion.parsers import Rejected, parser_for

    before, started = _cpu_seconds(), time.monotonic()
    try:
        _task_limits(limits)
        data = Path(path).read_bytes()
        out = parser_for(kind)(data, {**options, "wall_seconds": limits.wall_seconds})
        # Optional work only while the parse left half of the task's allowance: it must
        # never be what makes an input hit a limit.
        if (
            _cpu_seconds() - before < limits.cpu_seconds / 2
            and time.monotonic() - started < limits.wall_seconds / 2
        ):
            _prepare(out, options)
        own = resource.getrusage(resource.RUSAGE_SELF)
        tools = resource.getrusage(resource.RUSAGE_CHILDREN)  # tesseract and other tools
        out["sandbox"] = {
            "max_rss_mb": round(max(own.ru_maxrss, tools.ru_maxrss) / 1024, 1),
            "cpu_seconds": round(_cpu_seconds() - before, 3),
        }
        message = ("ok", out)
    except Rejected as exc:
        message = ("rejected", str(exc))
    except MemoryError:
        message = ("rejected", f"resource limit: memory ({limits.memory_mb} MiB) exhausted")
    except RecursionError:
        message = ("error", "input nested too deeply for the parser")
    except BaseException as exc:  # noqa: BLE001 - any parser failure is this input's outcome
        message = ("error", _one_line(f"{type(exc).__name__}: {exc}"))
    return (*message, _resident_mb())


def _prepare(out: dict, options: dict) -> None:
    """Normalise the text, compute its signature and, when the options name the analysis
    model, its language and analysis here, on the worker's core (see ingestion.prepare); an
    optimisation only, so a failure just leaves it to the pipeline."""
    from migralex.ingestion.prepare import analysed, prepare

    if out.get("entries") is None and out.get("text") and not out.get("needs_ocr"):
        with contextlib.suppress(Exception):  # the pipeline computes what is missing again
            out["prepared"] = prepared = prepare(out["text"])
            if options.get("analysis_model"):
                prepared.update(
                    analysed(
                        prepared,
                        out["text"],
                        out.get("title") or "",
                        options.get("name") or "",
                        options["analysis_model"],
                    )
                )


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    tools = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + tools.ru_utime + tools.ru_stime


def _resident_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * resource.getpagesize() / (1024 * 1024)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def run_parser(
    kind: str, path: str | Path, options: dict | None = None, limits: Limits | None = None
) -> dict:
    """Parse the file at ``path`` as ``kind`` in a limited warm worker process; return the
    parser's dict or raise :class:`SandboxFailure`. A worker that crashed, hit a limit or
    failed is never reused."""
    return PendingParse(kind, path, options, limits).result()


class PendingParse:
    """A parse started in a worker and collected later with :meth:`result`, so the caller can
    do other work meanwhile (ingest_path parses the next file while it saves and analyses the
    current one: the second core works instead of idling)."""

    def __init__(
        self, kind: str, path: str | Path, options: dict | None = None, limits: Limits | None = None
    ):
        self.kind, self.path, self.options = kind, str(path), options or {}
        self.limits = limits or Limits.from_settings()
        task = (kind, self.path, self.options, self.limits)
        self._worker = _worker_take()
        try:
            self._worker.conn.send(task)
        except OSError:  # died while idle (killed from outside): one fresh worker
            self._worker.retire()
            self._worker = _Worker()
            self._worker.conn.send(task)
        self._deadline = time.monotonic() + self.limits.wall_seconds
        self._outcome: tuple[str, object] | None = None

    def result(self) -> dict:
        """The parser's dict, or raise :class:`SandboxFailure` (same answer on every call)."""
        if self._outcome is None:
            try:
                self._outcome = ("ok", self._collect())
            except SandboxFailure as failure:
                self._outcome = ("failed", failure)
        status, value = self._outcome
        if status == "ok":
            return value
        raise value

    def discard(self) -> None:
        """Not needed after all: wait for it (within its limits) so the worker is freed."""
        with contextlib.suppress(SandboxFailure):
            self.result()

    def _collect(self) -> dict:
        worker, limits = self._worker, self.limits
        message = None
        try:
            while True:
                remaining = self._deadline - time.monotonic()
                # A result already sent counts even when collected late (a parse started
                # ahead is collected only when the pipeline reaches its file).
                if worker.conn.poll(min(max(remaining, 0.0), 1.0)):
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    break
                if remaining <= 0:
                    raise SandboxFailure(
                        "rejected",
                        f"resource limit: parser still running after {limits.wall_seconds} s",
                    )
                if not worker.process.is_alive() and not worker.conn.poll(0):
                    break
        finally:
            if message is None:
                worker.process.join(timeout=0.5)
                if worker.process.is_alive():
                    worker.process.kill()
                worker.process.join(timeout=5)
                worker.conn.close()
        if message is None:
            raise _death(worker.process.exitcode, limits)
        status, payload, rss_mb = message
        if status == "ok":
            _worker_give_back(worker, rss_mb)
            return payload
        worker.retire()  # a refused or failed input may have left the worker in a bad state
        raise SandboxFailure(status, payload)


def _death(exitcode: int | None, limits: Limits) -> SandboxFailure:
    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        if sig == signal.SIGXCPU:
            return SandboxFailure("rejected", f"resource limit: CPU time ({limits.cpu_seconds} s)")
        if sig == signal.SIGKILL:
            return SandboxFailure(
                "rejected", f"resource limit: parser killed (memory {limits.memory_mb} MiB?)"
            )
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
        return SandboxFailure("error", f"parser crashed (signal {name})")
    return SandboxFailure("error", f"parser exited without a result (exit code {exitcode})")
