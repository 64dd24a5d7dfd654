"""``migralex export``: the whole store as machine-readable data."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export documents with versions, themes, identifiers and relations",
        description="Write every document (metadata, identifiers, themes, relations and the "
        "current text) as JSON: one object per line with --format jsonl, or one JSON document.",
    )
    parser.add_argument("--format", choices=["json", "jsonl"], default="json")
    parser.add_argument(
        "--output", "-o", default="-", help="file to write (default: standard output)"
    )
    parser.add_argument("--no-text", action="store_true", help="leave the texts out")
    parser.set_defaults(func=run)


def run(args) -> int:
    from migralex.documents.export import export_documents

    if args.output == "-":
        export_documents(sys.stdout, fmt=args.format, with_text=not args.no_text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            count = export_documents(handle, fmt=args.format, with_text=not args.no_text)
        print(f"{count} documents written to {args.output}", file=sys.stderr)
    return 0
