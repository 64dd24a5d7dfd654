"""``migralex worker``: a background worker (task queue consumer) without the web server."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run background workers and the scheduler (no web server)",
        description="Consume the task queue (SQLite by default, Redis when REDIS_URL is set). "
        "Run several on as many machines as needed with Redis; only one should run the scheduler.",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="worker threads (default MIGRALEX_WORKERS or 2)"
    )
    parser.add_argument(
        "--no-periodic", action="store_true", help="do not run the scheduler on this worker"
    )
    parser.set_defaults(func=run)


def build_consumer(workers: int | None = None, periodic: bool = True):
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    import migralex.common.tasks  # noqa: F401  (registers the periodic tasks)
    from migralex.commands._tasks import import_all_tasks

    import_all_tasks()
    return HUEY.create_consumer(
        workers=workers or settings.HUEY_WORKERS,
        worker_type="thread",
        periodic=periodic,
        check_worker_health=True,
        scheduler_interval=1,
    )


def run(args) -> int:
    from migralex.commands._setup import ensure_data_dirs

    ensure_data_dirs()
    build_consumer(args.workers, periodic=not args.no_periodic).run()
    return 0
