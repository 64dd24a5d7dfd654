"""``migralex source add|list|poll|import-opml|export-opml``: the watched sources."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "source",
        help="add, list and poll watched sources; OPML import and export",
        description="Manage the watched sources (feeds, web pages, listings, sitemaps, IMAP "
        "mailboxes, folders, JSON APIs).",
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = sub.add_parser(
        "add",
        help="watch a new source",
        description="Watch a new source. "
        "Without --type the type is detected from the address and its content.",
    )
    add.add_argument("url", help="http(s) URL, imap(s):// address or folder path")
    add.add_argument(
        "--type",
        dest="kind",
        help="feed, page, listing, sitemap, mailbox, folder or json-api (detected when absent)",
    )
    add.add_argument("--name", default="")
    add.add_argument("--every", default="60m", help="check interval: 30m, 1h, 1d (default 60m)")
    add.add_argument("--selector", help="page: CSS selector or XPath of the watched part")
    add.add_argument(
        "--ignore",
        action="append",
        default=[],
        help="page: regular expression of noise to ignore (repeatable)",
    )
    add.add_argument(
        "--ignore-selector",
        action="append",
        default=[],
        help="page: CSS selector of parts to drop (repeatable)",
    )
    add.add_argument("--pattern", help="listing/sitemap: regular expression links must match")
    add.add_argument("--config", help="extra settings as a JSON object (e.g. a JSON mapping)")
    add.add_argument("--country", default="")
    add.add_argument("--language", default="")
    add.add_argument(
        "--ignore-robots",
        action="store_true",
        help="administrator override: do not honour robots.txt for this source",
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=run_add)

    lst = sub.add_parser("list", help="list sources, failing ones first")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)

    poll = sub.add_parser("poll", help="poll sources now (all due ones, or the given IDs)")
    poll.add_argument("ids", nargs="*", type=int)
    poll.add_argument("--all", action="store_true", help="every enabled source, due or not")
    poll.add_argument("--json", action="store_true")
    poll.set_defaults(func=run_poll)

    imp = sub.add_parser("import-opml", help="add the sources of an OPML file")
    imp.add_argument("file")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=run_import)

    exp = sub.add_parser("export-opml", help="write every source as OPML")
    exp.add_argument("--output", "-o", default="-")
    exp.set_defaults(func=run_export)


def _fail(message: str):
    from migralex.cli import CommandError

    raise CommandError(message)


def run_add(args) -> int:
    from migralex.common.http import FetchError
    from migralex.sources.services import SourceError, interval_parse, source_add

    config: dict = {}
    if args.config:
        try:
            config = json.loads(args.config)
        except ValueError as exc:
            _fail(f"--config is not valid JSON: {exc}")
        if not isinstance(config, dict):
            _fail("--config must be a JSON object")
    if args.selector:
        config["selector"] = args.selector
    if args.ignore:
        config["ignore_patterns"] = args.ignore
    if args.ignore_selector:
        config["ignore_selectors"] = args.ignore_selector
    if args.pattern:
        config["link_pattern"] = args.pattern
    try:
        source = source_add(
            args.url,
            kind=args.kind,
            name=args.name,
            interval_minutes=interval_parse(args.every),
            config=config,
            country=args.country,
            language=args.language,
            ignore_robots=args.ignore_robots,
        )
    except (SourceError, FetchError) as exc:
        _fail(str(exc))
    if args.json:
        print(json.dumps({"id": source.pk, "kind": source.kind, "url": source.url}))
    else:
        print(f"source #{source.pk} added: {source.kind} {source.url}")
    return 0


def run_list(args) -> int:
    from migralex.sources.selectors import source_health_rows

    rows = source_health_rows()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return 0
    for r in rows:
        state = f"FAILING x{r['consecutive_failures']}" if r["consecutive_failures"] else "ok"
        print(
            f"#{r['id']:<4} {r['kind']:<8} {state:<12} docs={r['documents_found']:<5} "
            f"checked={r['last_checked_at'] or '-'}  {r['name']}"
        )
        if r["last_error"]:
            print(f"       {r['last_error']}")
    return 0


def run_poll(args) -> int:
    from migralex.sources.models import Source
    from migralex.sources.services import sources_due, sources_poll

    if args.ids:
        sources = list(Source.objects.filter(pk__in=args.ids))
        missing = set(args.ids) - {s.pk for s in sources}
        if missing:
            _fail(f"no source with id {', '.join(map(str, sorted(missing)))}")
    elif args.all:
        sources = list(Source.objects.filter(enabled=True))
    else:
        sources = list(sources_due())
    counts = sources_poll(sources)
    if args.json:
        print(json.dumps({"polled": len(sources), **counts}))
    else:
        print(
            f"{len(sources)} polled: {counts['changed']} changed, "
            f"{counts['unchanged']} unchanged, {counts['error']} failed"
        )
    return 0


def run_import(args) -> int:
    from migralex.sources.opml import opml_import
    from migralex.sources.services import SourceError

    try:
        with open(args.file, "rb") as handle:
            report = opml_import(handle.read())
    except (OSError, SourceError) as exc:
        _fail(str(exc))
    if args.json:
        print(json.dumps({"created": [s.pk for s in report.created], "skipped": report.skipped}))
    else:
        print(f"{len(report.created)} sources added, {len(report.skipped)} skipped")
        for line in report.skipped:
            print(f"  skipped {line}", file=sys.stderr)
    return 0


def run_export(args) -> int:
    from migralex.sources.opml import opml_export

    text = opml_export()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0
