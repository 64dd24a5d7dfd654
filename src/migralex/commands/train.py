"""``migralex train``: retrain the theme, relevance and type model.

Learns from the team's development set (``migralex/data/devset``), the thesaurus and every
analyst correction in the store, and writes the model under ``DATA_DIR/models``, where the
analyser picks it up instead of the packaged one. ``--package`` writes the packaged model
instead (a developer step, with ``--no-corrections``). Re-analyse afterwards with
``migralex analyze --store``.
"""

from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train",
        help="retrain the classification model from the dev set and analysts' corrections",
        description=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument(
        "--no-corrections", action="store_true", help="train on the development set only"
    )
    parser.add_argument(
        "--package",
        action="store_true",
        help="write the model shipped in the package (migralex/data/models)",
    )
    parser.add_argument("--json", action="store_true", help="print the model metadata as JSON")
    parser.set_defaults(func=run)


def run(args) -> int:
    from django.conf import settings

    from migralex.analysis.model import PACKAGE_MODEL_DIR
    from migralex.analysis.training import train

    directory = PACKAGE_MODEL_DIR if args.package else settings.DATA_DIR / "models"
    meta = train(directory, with_corrections=not args.no_corrections)
    if args.json:
        print(json.dumps(meta, ensure_ascii=False))
    else:
        provenance = meta["provenance"]
        print(
            f"model {meta['version']} trained on {provenance['devset']} dev-set examples and "
            f"{provenance['corrections']} corrections; written to {directory}"
        )
    return 0
