"""``migralex ingest PATH|URL …``: files, folders (recursively) and URLs into the store."""

from __future__ import annotations

import json
import sys
import time


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="ingest files, folders and URLs",
        description="Ingest files, folders (recursively, in sorted order) and URLs. Each input "
        "ends ok, degraded, duplicate, unchanged, rejected or error; the command exits 0 when "
        "the run completed, whatever the per-file outcomes.",
    )
    parser.add_argument("inputs", nargs="+", metavar="PATH|URL")
    parser.add_argument(
        "--jsonl", action="store_true", help="print one JSON object per input file, in order"
    )
    parser.add_argument("--owner", help="name of the owning organisation (default: the watch team)")
    parser.set_defaults(func=run)


def _fetch_outcomes(url: str, owner):
    from migralex.ingestion.services import IngestOutcome, ingest_bytes

    started = time.monotonic()
    try:
        from migralex.common.http import fetch
    except ImportError:
        return [IngestOutcome(url, "error", "fetching URLs is not available in this version")]
    try:
        response = fetch(url)
    except Exception as exc:  # the fetcher's own errors are readable; report them per input
        return [IngestOutcome(url, "error", f"fetch failed: {type(exc).__name__}: {exc}")]
    data = getattr(response, "content", response)
    final_url = str(getattr(response, "url", "") or url)
    headers = getattr(response, "headers", {}) or {}
    outcome = ingest_bytes(
        data,
        name=url,
        source_url=final_url,
        owner=owner,
        declared_type=headers.get("content-type", "") if hasattr(headers, "get") else "",
    )[0]
    outcome.seconds = round(time.monotonic() - started, 3)
    return [outcome]


def _iter_outcomes(inputs: list[str], owner):
    from migralex.ingestion.services import ingest_path

    for item in inputs:
        if item.startswith(("http://", "https://")):
            yield from _fetch_outcomes(item, owner)
        else:
            yield from ingest_path(item, owner=owner)


def _count_files(inputs: list[str]) -> int:
    from pathlib import Path

    total = 0
    for item in inputs:
        path = Path(item)
        total += sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
    return total


def run(args) -> int:
    from migralex.cli import CommandError

    owner = None
    if args.owner:
        from migralex.accounts.services import organisation_get_or_create

        owner = organisation_get_or_create(args.owner)
    from pathlib import Path

    for item in args.inputs:
        if not item.startswith(("http://", "https://")) and not Path(item).exists():
            raise CommandError(f"no such file or folder: {item}")
    progress = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(total=_count_files(args.inputs), unit="file", file=sys.stderr)
    counts: dict[str, int] = {}
    started = time.monotonic()
    for outcome in _iter_outcomes(args.inputs, owner):
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if args.jsonl:
            print(json.dumps(outcome.as_dict(), ensure_ascii=False), flush=True)
        elif progress is None:
            print(f"{outcome.status:9} {outcome.path}: {outcome.message}")
        if progress is not None:
            progress.update(1)
    if progress is not None:
        progress.close()
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"
    print(f"{summary} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0
