"""``migralex bench NAME``: the benchmarks behind the figures each issue names.

Each benchmark is a module ``migralex.<app>.bench`` with ``add_arguments(parser)`` and
``run(args) -> dict``; the dict is printed as JSON with ``--json``, else as ``key: value`` lines.
"""

from __future__ import annotations

import importlib
import json

BENCHMARKS = {
    "search": ("migralex.search.bench", "search latency, indexing speed and index size"),
    "ingest": ("migralex.ingestion.bench", "ingestion throughput (HTML, text PDF, OCR) and memory"),
    "poll": ("migralex.sources.bench", "one polling cycle over simulated sources"),
    "alerts": ("migralex.alerts.bench", "saved-search matching throughput"),
    "web": ("migralex.web.bench", "web latency under concurrent clients"),
    "analyze": ("migralex.analysis.bench", "analysis throughput and memory"),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="run a benchmark and print its figures",
        description="Run a benchmark and print its figures.",
    )
    add_plugin_commands(parser, "benchmark", BENCHMARKS)


def add_plugin_commands(parser, dest: str, table: dict[str, tuple[str, str]]) -> None:
    """One sub-command per ``table`` entry, backed by a module with add_arguments/run."""
    names = parser.add_subparsers(dest=dest, metavar="NAME", required=True)
    for name, (module_name, help_text) in table.items():
        sub = names.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            sub.set_defaults(func=_missing(name))
            continue
        module.add_arguments(sub)
        sub.set_defaults(func=_runner(module))


def _missing(name: str):
    def run(args) -> int:
        from migralex.cli import CommandError

        raise CommandError(f"{name!r} is not available in this version")

    return run


def _runner(module):
    def run(args) -> int:
        figures = module.run(args)
        if args.json:
            print(json.dumps(figures, ensure_ascii=False))
        else:
            for key, value in figures.items():
                print(f"{key}: {value}")
        return 0

    return run
