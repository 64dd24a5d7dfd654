"""``migralex eval search``: nDCG@10 and recall@20 per language on the team's judgement set
(``data/judgements/search.toml``) over the bundled reference data.

The reference data is loaded (idempotent, as ``init`` does) and indexed into a scratch index, so
the figures do not depend on what else the database holds; queries go through
``services.search`` exactly as users' do.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

JUDGEMENTS = Path(__file__).resolve().parents[1] / "data" / "judgements" / "search.toml"


def add_arguments(parser) -> None:
    parser.add_argument("--backend", choices=["tantivy", "postgres"], default="tantivy")
    parser.add_argument("--no-expand", action="store_true", help="without thesaurus expansion")
    parser.add_argument("--verbose", action="store_true", help="figures of every query")


def read_judgements(path: Path = JUDGEMENTS) -> list[dict]:
    """[{"id", "lang", "q", "kind", "relevant": {reference key: grade}}], one per query."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    out = []
    for need in data["need"]:
        for lang, q in need["queries"].items():
            out.append(
                {
                    "id": f"{need['id']}:{lang}",
                    "lang": lang,
                    "q": q,
                    "kind": need.get("kind", "plain"),
                    "relevant": dict(need["relevant"]),
                }
            )
    return out


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum(
        (2 ** relevant.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k])
    )
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 20) -> float:
    wanted = {key for key, grade in relevant.items() if grade > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def run(args) -> dict:
    from django.db.utils import OperationalError, ProgrammingError

    from migralex.cli import CommandError
    from migralex.knowledge.reference_data import reference_data_load

    try:
        reference_data_load()
    except (OperationalError, ProgrammingError) as exc:
        raise CommandError(f"the database is not ready (run `migralex init`): {exc}") from exc
    scratch = Path(tempfile.mkdtemp(prefix="migralex-eval-"))
    try:
        return evaluate(
            _backend(args.backend, scratch), expand=not args.no_expand, verbose=args.verbose
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _backend(name: str, scratch: Path):
    if name == "postgres":
        from migralex.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from migralex.search.backends.tantivy_backend import TantivyBackend

    return TantivyBackend(scratch / "index")


def evaluate(backend, *, expand: bool = True, verbose: bool = False) -> dict:
    from migralex.documents.models import Document
    from migralex.search import services
    from migralex.search.selectors import documents_to_index, index_record_for

    reference = documents_to_index().filter(reference_key__isnull=False)
    backend.clear()
    backend.index((index_record_for(d) for d in reference), bulk=True, replace=False)
    key_of = dict(
        Document.objects.filter(reference_key__isnull=False).values_list("pk", "reference_key")
    )
    per_lang: dict[str, list[tuple[float, float]]] = defaultdict(list)
    per_query = {}
    for item in read_judgements():
        results = services.search(item["q"], per_page=20, expand=expand, backend=backend)
        ranked = [key_of.get(h.document_id, "") for h in results.results]
        scores = (ndcg_at(ranked, item["relevant"]), recall_at(ranked, item["relevant"]))
        per_lang[item["lang"]].append(scores)
        per_lang["all"].append(scores)
        per_query[item["id"]] = {"ndcg@10": round(scores[0], 3), "recall@20": round(scores[1], 3)}
    figures: dict = {"queries": len(per_lang["all"]), "documents": reference.count()}
    for lang in ("all", "fr", "ar", "en"):
        values = per_lang.get(lang, [])
        if values:
            figures[f"ndcg@10_{lang}"] = round(sum(v[0] for v in values) / len(values), 3)
            figures[f"recall@20_{lang}"] = round(sum(v[1] for v in values) / len(values), 3)
    if verbose:
        figures["per_query"] = per_query
    return figures
