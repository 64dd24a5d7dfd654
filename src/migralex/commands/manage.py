"""``migralex manage …``: Django's management commands (migrate, createsuperuser, shell…)."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "manage",
        help="run a Django management command (e.g. migrate, shell, reindex)",
        description="Pass the remaining arguments to Django's management utility.",
        add_help=False,
    )
    parser.add_argument("args", nargs="...", help="the management command and its arguments")
    parser.set_defaults(func=run)


def run(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["migralex manage", *(args.args or ["help"])])
    return 0
