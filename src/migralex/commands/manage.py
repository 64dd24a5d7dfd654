"""``migralex manage …``: Django's management commands (migrate, createsuperuser, shell…)."""

from __future__ import annotations


def register(subparsers) -> None:
    # Parsing is bypassed in cli.main (Django parses its own arguments); this entry gives the
    # command its line in ``migralex --help``.
    subparsers.add_parser(
        "manage",
        help="run a Django management command (e.g. migrate, shell, reindex)",
        description="Pass the remaining arguments to Django's management utility.",
    )


def run_django(arguments: list[str]) -> int:
    from django.core.management import execute_from_command_line

    if arguments in ([], ["-h"], ["--help"]):
        print(
            "usage: migralex manage COMMAND [ARGS ...]\n\nRun one of Django's management commands."
        )
        arguments = ["help"]
    try:
        execute_from_command_line(["migralex manage", *arguments])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
