"""``migralex init``: migrate, load the reference data and create the first administrator."""

from __future__ import annotations

import os
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "init",
        help="create or upgrade the database, load reference data, create the first admin",
        description="Create or upgrade the database (migrations), load or refresh the bundled "
        "reference data (thesaurus, instruments, national texts, demo sources) and create the first "
        "administrator if there is none. Safe to run again: nothing is created twice.",
    )
    parser.add_argument(
        "--no-input",
        action="store_true",
        help="never prompt: take the admin from MIGRALEX_ADMIN_EMAIL/_PASSWORD or generate one",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="do not add the offline demo sources"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only the admin credentials, if created"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from migralex.commands._setup import initialise

    initialise(
        interactive=not args.no_input and sys.stdin.isatty(),
        demo=not args.no_demo,
        quiet=args.quiet,
        admin_email=os.environ.get("MIGRALEX_ADMIN_EMAIL"),
        admin_password=os.environ.get("MIGRALEX_ADMIN_PASSWORD"),
    )
    return 0
