"""``migralex serve``: the web server, the scheduler and background workers in one command.

The web server is waitress (a production WSGI server). Python threads share one interpreter
lock, so one process uses one core: ``--processes N`` (default: one per core) forks N-1 more web
processes that accept connections on the same listening socket, each only while it holds no more
connections than the others (``web/server.py``: keep-alive clients stay with one process). The parent also runs the Huey
consumer (workers and scheduler), the same as ``migralex worker``. Ctrl-C (SIGINT) or SIGTERM
stops everything cleanly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the web UI and API with the scheduler and workers",
        description="Initialise if needed (migrations, reference data, first admin), then serve "
        "the product with its scheduler and background workers. Ctrl-C stops everything.",
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--threads", type=int, default=8, help="web server threads per process")
    parser.add_argument(
        "--processes",
        type=int,
        default=int(os.environ.get("MIGRALEX_WEB_PROCESSES", "0")) or (os.cpu_count() or 1),
        help="web server processes sharing the port (default: MIGRALEX_WEB_PROCESSES or one per core)",
    )
    parser.add_argument("--no-worker", action="store_true", help="serve the web only")
    parser.add_argument("--no-init", action="store_true", help="skip migrations and reference data")
    parser.set_defaults(func=run)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def _child(application, sock: socket.socket, threads: int, balance) -> None:
    """A forked web-only process: serve until the parent (or Ctrl-C) tells it to stop."""
    from migralex.web.server import web_server

    server = web_server(application, sock, threads, balance)
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    try:
        server.run()
    except (KeyboardInterrupt, OSError):
        pass
    finally:
        server.close()
        os._exit(0)


def _fork_children(application, sock: socket.socket, threads: int, balance) -> list[int]:
    from django.db import connections

    # Children must not share the parent's database connections; fork before any thread starts.
    connections.close_all()
    pids = []
    for slot in range(1, balance.processes):
        pid = os.fork()
        if pid == 0:
            balance.use_slot(slot)
            _child(application, sock, threads, balance)
        pids.append(pid)
    return pids


def _stop_children(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def run(args) -> int:
    from migralex.commands._setup import ensure_data_dirs, initialise

    ensure_data_dirs()
    if not args.no_init:
        initialise(
            interactive=False,
            quiet=True,
            admin_email=os.environ.get("MIGRALEX_ADMIN_EMAIL"),
            admin_password=os.environ.get("MIGRALEX_ADMIN_PASSWORD"),
        )
    from migralex.config.wsgi import application  # after the data dirs exist (static root)
    from migralex.web.server import ConnectionBalance, web_server
    from migralex.web.warmup import warm_up

    warm_up()  # once, before forking: every web process starts with it built
    sock = _listen(args.host, args.port)
    balance = ConnectionBalance(max(args.processes, 1))  # the parent serves from slot 0
    children = _fork_children(application, sock, args.threads, balance)
    server = web_server(application, sock, args.threads, balance)
    web = threading.Thread(target=server.run, name="web", daemon=True)
    web.start()
    print(
        f"Migralex is serving on http://{args.host}:{args.port}/ "
        f"({1 + len(children)} web process(es); Ctrl-C to stop)",
        flush=True,
    )
    try:
        if args.no_worker:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            stop.wait()
        else:
            from migralex.commands.worker import build_consumer

            build_consumer().run()  # blocks; handles SIGINT/SIGTERM itself
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        _stop_children(children)
        sock.close()
        print("Migralex stopped.", flush=True)
        sys.stdout.flush()
    return 0
