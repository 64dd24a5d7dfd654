"""Run a parser on untrusted bytes in a child process with CPU, memory and wall-clock limits.

Parsing libraries (pdfium, lxml, zip, feedparser) face hostile files; a crash, a hang or a
memory blow-up must cost one input, never the worker. Each parse runs in a process forked from
a *fork server* that imported the parsers once (``multiprocessing`` "forkserver"), so a parse
costs a fork (milliseconds), not a Python start-up with heavy imports (a second). The child
sets its own ``RLIMIT_CPU`` and ``RLIMIT_AS``, reads the stored original by path, and sends the
parser's result back through a pipe; the parent enforces the wall clock and kills on expiry.
The fork server never touches Django or the database.
"""

from __future__ import annotations

import io
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


def _child(conn, kind: str, path: str, options: dict, limits: Limits) -> None:
    cpu = limits.cpu_seconds
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from migralex.ingestion.parsers import Rejected, parser_for

    try:
        data = Path(path).read_bytes()
        out = parser_for(kind)(data, {**options, "wall_seconds": limits.wall_seconds})
        own = resource.getrusage(resource.RUSAGE_SELF)
        tools = resource.getrusage(resource.RUSAGE_CHILDREN)  # ocrmypdf, tesseract, gs
        out["sandbox"] = {
            "max_rss_mb": round(max(own.ru_maxrss, tools.ru_maxrss) / 1024, 1),
            "cpu_seconds": round(own.ru_utime + own.ru_stime + tools.ru_utime + tools.ru_stime, 3),
        }
        conn.send(("ok", out))
    except Rejected as exc:
        conn.send(("rejected", str(exc)))
    except MemoryError:
        conn.send(("rejected", f"resource limit: memory ({limits.memory_mb} MiB) exhausted"))
    except RecursionError:
        conn.send(("error", "input nested too deeply for the parser"))
    except BaseException as exc:  # noqa: BLE001 - any parser failure is this input's outcome
        conn.send(("error", _one_line(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def run_parser(
    kind: str, path: str | Path, options: dict | None = None, limits: Limits | None = None
) -> dict:
    """Parse the file at ``path`` as ``kind`` in a limited child; return the parser's dict or
    raise :class:`SandboxFailure`."""
    limits = limits or Limits.from_settings()
    ctx, process_class = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    process = process_class(
        target=_child, args=(sender, kind, str(path), options or {}, limits), daemon=True
    )
    process.start()
    sender.close()
    deadline = time.monotonic() + limits.wall_seconds
    message = None
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxFailure(
                    "rejected",
                    f"resource limit: parser still running after {limits.wall_seconds} s",
                )
            if receiver.poll(min(remaining, 1.0)):
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    message = None
                break
            if not process.is_alive() and not receiver.poll(0):
                break
    finally:
        if message is None or process.is_alive():
            process.join(timeout=2 if message is not None else 0.05)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
        receiver.close()
    if message is None:
        raise _death(process.exitcode, limits)
    status, payload = message
    if status == "ok":
        return payload
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
