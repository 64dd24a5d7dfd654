"""Facet counts of the tantivy backend from its one-value-per-document slot columns equal
brute-force counts, whatever the number of values a document has (none, a few, more than its
slots) and with filters."""

from __future__ import annotations

import random
from collections import Counter

from migralex.search.backends.tantivy_backend import _SLOTS, TantivyBackend
from migralex.search.plan import FACETS, IndexRecord, SearchPlan

THEMES = [f"theme-{i}" for i in range(9)]


def _record(i: int, rng: random.Random) -> IndexRecord:
    themes = rng.sample(THEMES, rng.choice([0, 1, 2, _SLOTS["theme"], _SLOTS["theme"] + 3]))
    facets = {
        "type": rng.choice([[], ["law"], ["decree"]]),
        "country": [rng.choice(["MA", "TN"])],
        "theme": themes,
        "group": sorted({t[-1] for t in themes}),
        "lang": rng.choice([["fr"], ["ar"], ["fr", "ar"], ["fr", "ar", "en"]]),
        "source": [str(rng.randint(1, 5))],
        "status": rng.choice([[], ["in-force"]]),
    }
    year = rng.choice([0, 2001, 2002])
    return IndexRecord(
        id=i,
        version_id=i,
        title="t",
        text="mot",
        language="fr",
        title_terms=["t"],
        body_terms=["mot"] if i % 3 else ["mot", "autre"],
        facets=facets,
        year=year,
        date_ord=year * 10000,
        access=["anon"],
        payload={"id": i, "text": "mot"},
    )


def _brute_force(records: list[IndexRecord]) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for r in records:
        for name, values in r.facets.items():
            counts[name].update(set(values))
        if r.year:
            counts["year"][str(r.year)] += 1
    return {n: sorted(c.items(), key=lambda vc: (-vc[1], vc[0])) for n, c in counts.items()}


def test_facet_counts_from_slots_equal_brute_force(tmp_path):
    rng = random.Random(3)
    records = [_record(i, rng) for i in range(1, 400)]
    backend = TantivyBackend(tmp_path / "index")
    backend.index(records, replace=False)
    for filters, keep in (
        ({}, lambda r: True),
        ({"lang": ("ar",)}, lambda r: "ar" in r.facets["lang"]),
        ({"theme": ("theme-2",)}, lambda r: "theme-2" in r.facets["theme"]),
    ):
        plan = SearchPlan(
            must=[],
            must_not=[],
            filters=filters,
            years=None,
            access=["anon"],
            expansions=[],
            facets=True,
        )
        count, _, facets = backend.search(plan)
        facets = facets() if callable(facets) else facets
        matched = [r for r in records if keep(r)]
        assert count == len(matched)
        assert facets == _brute_force(matched)
