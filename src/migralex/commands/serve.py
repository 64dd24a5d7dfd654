"""``migralex serve``: the web server, the scheduler and background workers in one process.

The web server is waitress (a production WSGI server); the worker is the same Huey consumer as
``migralex worker``. Ctrl-C (SIGINT) or SIGTERM stops both cleanly.
"""

from __future__ import annotations

import os
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
    parser.add_argument("--threads", type=int, default=8, help="web server threads")
    parser.add_argument("--no-worker", action="store_true", help="serve the web only")
    parser.add_argument("--no-init", action="store_true", help="skip migrations and reference data")
    parser.set_defaults(func=run)


def run(args) -> int:
    from waitress.server import create_server

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

    server = create_server(
        application, host=args.host, port=args.port, threads=args.threads, ident="Migralex"
    )
    web = threading.Thread(target=server.run, name="web", daemon=True)
    web.start()
    print(f"Migralex is serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        if args.no_worker:
            threading.Event().wait()
        else:
            from migralex.commands.worker import build_consumer

            build_consumer().run()  # blocks; handles SIGINT/SIGTERM itself
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        print("Migralex stopped.", flush=True)
    return 0
