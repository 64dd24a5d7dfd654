"""The ``migralex`` command: one entry point, a sub-command per job, ``--help`` on each.

Exit codes (DESIGN.md): 0 success, 1 handled error (one readable line on stderr), 2 bad usage.
Each sub-command lives in ``migralex/commands/<name>.py`` with ``register(subparsers)``; adding
one means adding its module to ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = [
    "migralex.commands.serve",
    "migralex.commands.worker",
    "migralex.commands.init",
    "migralex.commands.manage",
    "migralex.commands.export",
    "migralex.commands.bench",
    "migralex.commands.eval",
    "migralex.commands.source",
    "migralex.commands.search",
    "migralex.commands.ingest",
    "migralex.commands.analyze",
    "migralex.commands.train",
    "migralex.commands.alerts",
]


class CommandError(Exception):
    """A handled failure: printed as one line, exit code 1."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migralex.config.settings.dev")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migralex",
        description="Migralex: legal watch and document management on migrants' rights.",
    )
    parser.add_argument("--version", action="version", version=_version())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _version() -> str:
    from migralex import __version__

    return f"migralex {__version__}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        # Everything after "manage" belongs to Django, --help included.
        from migralex.commands.manage import run_django

        setup_django()
        return run_django(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "needs_django", True):
            setup_django()
        result = args.func(args)
    except CommandError as exc:
        print(f"migralex {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a configuration or database error: one line, not a traceback
        from django.core.exceptions import ImproperlyConfigured
        from django.db import Error as DatabaseError

        if isinstance(exc, ImproperlyConfigured | DatabaseError | OSError):
            print(f"migralex {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        raise
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
