"""``migralex analyze``: legal analysis of texts, offline, as JSON; or re-analysis of the store.

``migralex analyze FILE…`` prints one JSON object per file (one per line, ``id`` = the path).
``migralex analyze --jsonl`` reads ``{"id", "text", "title"?}`` lines on standard input and
writes one JSON line per input, in the same order, with the same ``id``. Neither needs a
server, a network or a database. A bad input gives ``{"id", "error"}`` in its place and exit
code 1 at the end; the other inputs are still analysed.

``migralex analyze --store`` re-analyses the documents of the store (current versions) with a
progress bar on standard error, sparing what analysts confirmed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MAX_INPUT_BYTES = 50 * 1024 * 1024


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="analyse texts (type, numbers, dates, gazette, country, relations, themes)",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=_raw(),
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="UTF-8 text or JSON files")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--jsonl", action="store_true", help="read JSON lines on standard input")
    mode.add_argument("--store", action="store_true", help="re-analyse the documents of the store")
    parser.add_argument(
        "--only-unanalysed",
        action="store_true",
        help="with --store: skip versions that already have an analysis",
    )
    parser.add_argument("--pretty", action="store_true", help="indent the JSON output")
    parser.set_defaults(func=run, needs_django=False)


def _raw():
    import argparse

    return argparse.RawDescriptionHelpFormatter


def _dump(obj: dict, pretty: bool) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)


def _read_file(path: Path) -> tuple[str, str | None]:
    """(text, title) of a file: JSON objects give their "text"/"title", anything else is text."""
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise ValueError(f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8 text (extract PDFs and office files with `ingest`)") from exc
    if path.suffix.lower() == ".json":
        obj = json.loads(text)
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise ValueError('a JSON file must be an object with a "text" string')
        return obj["text"], obj.get("title")
    return text, None


def run(args) -> int:
    from migralex.cli import CommandError

    if args.store:
        return _run_store(args)
    if args.jsonl == bool(args.files):
        raise CommandError("give FILE… or --jsonl (or --store)")
    from migralex.analysis.pipeline import analyse_text

    failures = 0
    out = sys.stdout
    if args.jsonl:
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            item_id = None
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("a line must be a JSON object")
                item_id = item.get("id")
                if not isinstance(item.get("text"), str):
                    raise ValueError('missing "text" string')
                title = item.get("title") if isinstance(item.get("title"), str) else None
                result = {"id": item_id, **analyse_text(item["text"], title)}
            except ValueError as exc:  # JSONDecodeError is a ValueError
                failures += 1
                result = {"id": item_id, "error": f"line {number}: {exc}"}
            out.write(_dump(result, False) + "\n")
            out.flush()
    else:
        for name in args.files:
            try:
                text, title = _read_file(Path(name))
                result = {"id": name, **analyse_text(text, title)}
            except (OSError, ValueError) as exc:
                failures += 1
                result = {"id": name, "error": str(exc)}
            out.write(_dump(result, args.pretty) + "\n")
    if failures:
        print(f"migralex analyze: {failures} input(s) could not be analysed", file=sys.stderr)
        return 1
    return 0


def _run_store(args) -> int:
    from migralex.cli import setup_django

    setup_django()
    from migralex.analysis.services import versions_reanalyse

    report = versions_reanalyse(only_unanalysed=args.only_unanalysed, progress=True)
    print(_dump(report, args.pretty))
    return 1 if report["errors"] else 0
