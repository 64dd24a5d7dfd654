"""``migralex eval NAME``: quality evaluations (classification, search) on the team's sets.

Each evaluation is a module ``migralex.<app>.evaluation`` with ``add_arguments(parser)`` and
``run(args) -> dict``, printed like the benchmarks.
"""

from __future__ import annotations

from migralex.commands.bench import add_plugin_commands

EVALUATIONS = {
    "classify": (
        "migralex.analysis.evaluation",
        "cross-validated theme, relevance, type, country and reference figures",
    ),
    "search": (
        "migralex.search.evaluation",
        "nDCG@10 and recall@20 per language on the judgement set",
    ),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="evaluate classification or search quality",
        description="Evaluate quality on the team's labelled sets.",
    )
    add_plugin_commands(parser, "evaluation", EVALUATIONS)
