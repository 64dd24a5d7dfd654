"""The default search backend: an embedded tantivy index under ``settings.INDEX_DIR``.

Terms come from our own analyser (``IndexRecord.body_terms``) joined by spaces and indexed with
tantivy's whitespace tokenizer, so tantivy never re-analyses text and the query side uses the very
same terms. The title has no field of its own: its terms are indexed in the body
``TITLE_REPEAT`` more times, so that one clause per query word ranks title words higher (see
``TITLE_REPEAT``). Cross-lingual expansion looks for concept terms (``theme@lang``, stored at indexing
by :func:`~migralex.search.expansion.document_concepts`) instead of the thesaurus phrases: the
same documents, without reading positions. Facets are aggregated by tantivy itself over the matching documents (no Python scan
of the result set), on columns of exactly one value per document (see ``_SLOTS``). Filters are
term queries on indexed fields.

Concurrency: one writer at a time across processes (an ``flock`` on a file in the index dir;
tantivy's own lock would fail instead of waiting); readers in any process, reloaded after our own
commits and by tantivy's commit watcher for other processes' commits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tantivy

from migralex.search.expansion import document_concepts, thesaurus_fingerprint
from migralex.search.plan import (
    ANONYMOUS,
    FACETS,
    MAX_FACET_VALUES,
    SIGNED_IN,
    Clause,
    IndexRecord,
    SearchPlan,
)

SCHEMA_VERSION = "5"
LOCK_NAME = ".migralex-writer.lock"
LOCK_TIMEOUT_S = 120
# Exact-language matches always rank above matches found only through thesaurus expansion.
TIER_BONUS = 1000.0
EXPANSION_BOOST = 0.3
# The title's terms are indexed in the body this many more times, beside the once they already
# are (``IndexRecord.body_terms``): a title word weighs as 1 + TITLE_REPEAT occurrences of it in
# the body, before BM25's saturation (BM25F's field weight). One clause per word instead of a
# body clause and an optional boosted clause on a title field, which took 5-7 of 16-19 ms of
# engine time for three frequent words at 1M documents. The judgement set's nDCG@10 with 0, 1,
# 2, 3, 5: 0.881, 0.886, 0.895, 0.898, 0.903 (0.904 with the title field and boost 1.5).
TITLE_REPEAT = 5
MAX_TERM_FILTERS = 16
_FACET_FIELD = {name: f"f_{name}" for name in FACETS if name != "year"}
# Facet counting reads one fast column per slot: a document's first values go to its slots, one
# value each ("" when it has fewer), the rare rest to one multi-valued "more" column. tantivy
# aggregates a column of exactly one value per document 4 to 10 times faster than one of zero or
# several (measured: 0.25 ms against 2.7 ms over 80k matches), and a facet's count is the sum
# over its slots, since a document never repeats a value.
_SLOTS = {"theme": 4, "group": 3, "lang": 2}
_COLUMNS = {name: [f"c_{name}_{k}" for k in range(_SLOTS.get(name, 1))] for name in _FACET_FIELD}
_MORE = {name: f"c_{name}_more" for name in _FACET_FIELD}
_ALL_VALUES = 65_535  # terms aggregation size: every value, so that slot sums are exact


# A document hidden from one of these audiences carries ``_hidden(audience)`` too, so that a
# search of that audience excludes the few hidden ones.
AUDIENCES = (ANONYMOUS, SIGNED_IN)


def _hidden(audience: str) -> str:
    return f"!{audience}"


def _marker() -> str:
    """What the index dir's marker file holds: an index of another one is rebuilt."""
    return f"{SCHEMA_VERSION} thesaurus:{thesaurus_fingerprint()}"


class IndexLockTimeout(RuntimeError):
    pass


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=False, indexed=True, fast=True)
    sb.add_unsigned_field("version", stored=False, indexed=False, fast=True)
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="position")
    # Thesaurus concepts found in the body, once per occurrence (the frequency ranks them).
    sb.add_text_field("concept", tokenizer_name="whitespace", index_option="freq")
    for field in _FACET_FIELD.values():
        sb.add_text_field(field, tokenizer_name="raw", index_option="basic")
    for name, columns in _COLUMNS.items():
        for field in [*columns, _MORE[name]]:
            sb.add_text_field(field, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_unsigned_field("year", stored=False, indexed=True, fast=True)
    sb.add_integer_field("date", stored=False, indexed=False, fast=True)
    sb.add_text_field("access", tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


SCHEMA = _schema()
_OPEN: dict[str, tantivy.Index] = {}
_OPEN_LOCK = threading.Lock()
# Facet aggregations run here, next to the search of the same request (see ``search``).
_FACET_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="migralex-facets")


class TantivyBackend:
    name = "tantivy"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.schema = SCHEMA

    # --- opening ----------------------------------------------------------------------------
    def _index(self) -> tantivy.Index:
        key = str(self.path)
        index = _OPEN.get(key)
        if index is not None:
            return index
        with _OPEN_LOCK:
            if key not in _OPEN:
                self.path.mkdir(parents=True, exist_ok=True)
                marker = self.path / "schema-version"
                if tantivy.Index.exists(key) and (
                    not marker.exists() or marker.read_text().strip() != _marker()
                ):
                    # An index of an older schema cannot be read, and one of other thesaurus
                    # concepts would miss documents: start again, the drift check reindexes.
                    self._wipe()
                index = tantivy.Index(self.schema, path=key, reuse=True)
                marker.write_text(_marker())
                _OPEN[key] = index
            return _OPEN[key]

    def _wipe(self) -> None:
        for child in self.path.iterdir():
            if child.name == LOCK_NAME:
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    @contextlib.contextmanager
    def _writer(self, bulk: bool = False) -> Iterator[tantivy.IndexWriter]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_NAME, "a+") as lock:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexLockTimeout(
                            f"another process has held the search index writer lock for "
                            f"{LOCK_TIMEOUT_S}s ({self.path / LOCK_NAME})"
                        ) from None
                    time.sleep(0.05)
            index = self._index()
            writer = index.writer(
                heap_size=(256 if bulk else 32) * 1_000_000, num_threads=2 if bulk else 1
            )
            try:
                yield writer
                writer.commit()
                if bulk:
                    writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            finally:
                del writer
                fcntl.flock(lock, fcntl.LOCK_UN)
            index.reload()

    # --- writing ----------------------------------------------------------------------------
    def index(
        self, records: Iterable[IndexRecord], *, bulk: bool = False, replace: bool = True
    ) -> int:
        """Add or replace ``records`` in one commit (``replace=False``: known to be new)."""
        n = 0
        with self._writer(bulk=bulk) as writer:
            for record in records:
                if replace:
                    writer.delete_documents_by_query(self._id_query(record.id))
                writer.add_document(self._document(record))
                n += 1
        return n

    def _id_query(self, doc_id: int) -> tantivy.Query:
        # By query, not delete_documents_by_term: a Python int becomes an i64 term there,
        # which never matches this u64 field.
        return tantivy.Query.term_query(self.schema, "id", doc_id)

    def _document(self, record: IndexRecord) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_unsigned("id", record.id)
        doc.add_unsigned("version", record.version_id)
        body = " ".join(record.body_terms)
        doc.add_text("body", body)
        concepts = document_concepts(record.body_terms, body)
        if concepts:
            doc.add_text("concept", " ".join(c for c, n in concepts.items() for _ in range(n)))
        if record.title_terms:
            # Separate values: tantivy leaves a position between them, so no phrase spans two.
            title = " ".join(record.title_terms)
            for _ in range(TITLE_REPEAT):
                doc.add_text("body", title)
        for name, field in _FACET_FIELD.items():
            values = list(dict.fromkeys(record.facets.get(name, ())))
            for value in values:
                doc.add_text(field, value)
            columns = _COLUMNS[name]
            for k, column in enumerate(columns):
                doc.add_text(column, values[k] if k < len(values) else "")
            for value in values[len(columns) :]:
                doc.add_text(_MORE[name], value)
        doc.add_unsigned("year", record.year)
        doc.add_integer("date", record.date_ord)
        for token in record.access:
            doc.add_text("access", token)
        for audience in AUDIENCES:
            if audience not in record.access:
                doc.add_text("access", _hidden(audience))
        doc.add_bytes("payload", json.dumps(record.payload, ensure_ascii=False).encode())
        return doc

    def delete(self, ids: Iterable[int]) -> None:
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_documents_by_query(self._id_query(doc_id))

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    # --- reading ----------------------------------------------------------------------------
    def searcher(self) -> tantivy.Searcher:
        return self._index().searcher()

    def count(self) -> int:
        return self.searcher().num_docs

    def versions(self) -> dict[int, int]:
        """{document id: indexed version id} of every indexed document (drift checks)."""
        searcher = self.searcher()
        total = searcher.num_docs
        if not total:
            return {}
        hits = searcher.search(tantivy.Query.all_query(), limit=total, count=False).hits
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values("id", addresses)
        versions = searcher.fast_field_values("version", addresses)
        return dict(zip(ids, versions, strict=True))

    def version_summary(self) -> tuple[int, int, int]:
        """(count, sum, max) of the indexed version ids: the quick drift check's numbers."""
        searcher = self.searcher()
        if not searcher.num_docs:
            return 0, 0, 0
        raw = searcher.aggregate(
            tantivy.Query.all_query(),
            {"total": {"sum": {"field": "version"}}, "top": {"max": {"field": "version"}}},
        )
        return searcher.num_docs, int(raw["total"]["value"]), int(raw["top"]["value"])

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def doc_freq(self, term: str) -> int:
        return self.searcher().doc_freq("body", term)

    def search(
        self, plan: SearchPlan
    ) -> tuple[int | Callable[[], int], list[tuple[float, dict]], dict | Callable[[], dict]]:
        """(count, [(score, payload)], facets) for ``plan``.

        ``count`` and ``facets`` may be functions returning them: tantivy releases the GIL, so
        an aggregation runs on a second thread while this one ranks, fetches the hits and the
        caller writes their snippets.

        With a thesaurus expansion, ranking by relevance goes tier by tier (see ``_tiers``):
        the exact-language matches first, the expansion-only ones only when the page reaches
        past them, and the count of the union from an unscored aggregation. The expansion
        often matches most of the index (thesaurus words are frequent): scoring all of it for
        the top 20 cost 3 times the unscored count (54k matches at 100k documents)."""
        searcher = self.searcher()
        query = self._query(plan)
        main = self._main(plan)
        by_date = plan.sort == "date" or not (plan.must or plan.like)
        tiered = bool(plan.expansions) and main is not None and not by_date
        pending = (
            _FACET_POOL.submit(self._aggregate, searcher, query, plan.facets, tiered)
            if plan.facets
            else None
        )
        if by_date:
            result = searcher.search(
                query, limit=plan.limit, offset=plan.offset, order_by_field="date"
            )
            count: int | Callable[[], int] = result.count
            scored = [(0.0, address) for _, address in result.hits]
        elif tiered:
            count, scored = self._tiers(searcher, plan, main, query, pending)
        else:
            result = searcher.search(query, limit=plan.limit, offset=plan.offset)
            count, scored = result.count, [(float(s), a) for s, a in result.hits]
        hits = [
            (score, json.loads(searcher.doc(address).get_first("payload")))
            for score, address in scored
        ]
        if pending is None or count == 0:
            return count, hits, {}
        facets = pending
        return count, hits, lambda: facets.result()[1]

    def _tiers(self, searcher, plan, main, query, pending) -> tuple[int | Callable[[], int], list]:
        """Count and ranked hits of ``plan`` in two tiers: exact-language matches (ranked by
        the main query alone, plus ``TIER_BONUS``), then matches of the expansion alone (as
        the PostgreSQL backend ranks them). Adding the expansion's score to exact matches
        cost a third of a search (7 ms at 1M documents) for a rank nobody asked for."""
        expansion = self._expansion(plan)
        exact = self._filtered(main, plan)
        result = searcher.search(exact, limit=plan.limit, offset=plan.offset)
        scored = [(float(s) + TIER_BONUS, a) for s, a in result.hits]
        n_exact, end = result.count, plan.offset + plan.limit
        if end <= n_exact:
            # The page is all exact matches: the count of the union, unscored, meanwhile.
            if pending is None:
                pending = _FACET_POOL.submit(self._aggregate, searcher, query, False, True)
            return (lambda: pending.result()[0]), scored
        only = self._filtered(
            tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, expansion), (tantivy.Occur.MustNot, main)]
            ),
            plan,
        )
        rest = searcher.search(
            only, limit=end - max(plan.offset, n_exact), offset=max(0, plan.offset - n_exact)
        )
        scored += [(float(s), a) for s, a in rest.hits]
        return n_exact + rest.count, scored

    def _aggregate(
        self, searcher: tantivy.Searcher, query: tantivy.Query, facets: bool, count: bool
    ) -> tuple[int | None, dict]:
        """(number of matches when ``count``, facets when ``facets``) in one unscored pass."""
        aggs = self._facet_aggs(searcher) if facets else {}
        if count:
            aggs["_count"] = {"value_count": {"field": "id"}}  # every document has an id
        raw = searcher.aggregate(query, aggs)
        total = int(raw["_count"]["value"]) if count else None
        return total, self._facets_of(raw) if facets else {}

    def _facet_aggs(self, searcher: tantivy.Searcher) -> dict:
        aggs = {"year": {"terms": {"field": "year", "size": MAX_FACET_VALUES + 1}}}
        for name, slots in _COLUMNS.items():
            for column in [*slots, _MORE[name]]:
                # A column no document fills is not aggregated: usually the "more" ones (most
                # facets have one value, a few themes: 20 % of the aggregation's cost) and the
                # last slots ("" everywhere: a fourth theme, a second language).
                if not any(term for term, _ in searcher.terms_with_prefix(column, "", limit=2)):
                    continue
                # One slot alone is the facet: its top values are the facet's (plus ""); slots
                # to be summed need every value.
                size = MAX_FACET_VALUES + 1 if len(slots) == 1 else _ALL_VALUES
                aggs[column] = {"terms": {"field": column, "size": size}}
        return aggs

    def _facets_of(self, raw: dict) -> dict:
        facets = {}
        for name in FACETS:
            counts: dict[str, int] = {}
            for column in ["year"] if name == "year" else [*_COLUMNS[name], _MORE[name]]:
                for bucket in raw.get(column, {}).get("buckets", []):
                    key = str(int(bucket["key"])) if name == "year" else bucket["key"]
                    counts[key] = counts.get(key, 0) + int(bucket["doc_count"])
            counts.pop("0" if name == "year" else "", None)  # unknown year, empty slot
            ranked = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
            facets[name] = ranked[:MAX_FACET_VALUES]
        return facets

    # --- query building ---------------------------------------------------------------------
    def _clause(self, clause: Clause, field: str = "body") -> tantivy.Query:
        if clause.kind == "phrase" and len(clause.terms) > 1:
            return tantivy.Query.phrase_query(self.schema, field, list(clause.terms))
        if clause.kind == "prefix":
            return tantivy.Query.regex_query(self.schema, field, re.escape(clause.terms[0]) + ".*")
        return self._term(field, clause.terms[0])

    def _term(self, field: str, value, scored: bool = True) -> tantivy.Query:
        """A term query reading from the postings only what its use needs: frequencies to
        score, nothing more to filter or exclude. tantivy's default also reads positions,
        which only phrases need (5-9 % of a ranked search's engine time over the 200 bench
        queries at 100k documents, the same hits, scores and counts)."""
        return tantivy.Query.term_query(
            self.schema, field, value, index_option="freq" if scored else "basic"
        )

    def _main(self, plan: SearchPlan) -> tantivy.Query | None:
        """Every group of alternatives in the body, whose terms count a title word
        ``TITLE_REPEAT`` more times (see ``_document``)."""
        parts = []
        for group in plan.must:
            if len(group) == 1:
                parts.append((tantivy.Occur.Must, self._clause(group[0], "body")))
            else:
                alternatives = [(tantivy.Occur.Should, self._clause(c, "body")) for c in group]
                parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(alternatives)))
        if not parts:
            return None
        return tantivy.Query.boolean_query(parts)

    def _any_of(self, field: str, values) -> tantivy.Query:
        """Documents with any of ``values`` in ``field``, scoring a constant 1.

        Not ``term_set_query`` for a few values: that one builds a bitset of every document of
        the segment having a value (90 % of the index for the "anon" visibility token) before
        intersecting, which doubled the cost of a search; term postings are skipped through
        instead."""
        values = list(values)
        if len(values) > MAX_TERM_FILTERS:
            return tantivy.Query.term_set_query(self.schema, field, values)
        terms = [self._term(field, v, scored=False) for v in values]
        query = (
            terms[0]
            if len(terms) == 1
            else tantivy.Query.boolean_query([(tantivy.Occur.Should, t) for t in terms])
        )
        return tantivy.Query.const_score_query(query, 1.0)

    def _expansion_clauses(self, plan: SearchPlan) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses = []
        for exp in plan.expansions:
            if exp.concepts:
                for concept in exp.concepts:
                    query = self._term("concept", concept)
                    clauses.append((tantivy.Occur.Should, query))
            else:  # an expansion built without concepts: its phrases, same documents
                for phrase in exp.phrases:
                    clauses.append((tantivy.Occur.Should, self._clause(Clause("phrase", phrase))))
        return clauses

    def _expansion(self, plan: SearchPlan) -> tantivy.Query:
        """The expansion's matches, scored below any exact match (see ``TIER_BONUS``)."""
        expansion = tantivy.Query.boolean_query(self._expansion_clauses(plan))
        return tantivy.Query.boost_query(expansion, EXPANSION_BOOST)

    def _query(self, plan: SearchPlan) -> tantivy.Query:
        """The whole query of ``plan``, both tiers in one (counts, facets, date order)."""
        main = self._main(plan)
        like = plan.like
        if like:
            main = tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(self._term("body", term), weight),
                    )
                    for term, weight in like
                ]
            )
        if main is not None and plan.expansions:
            # main + TIER_BONUS for every exact match: intersected with a constant "all" scorer
            # (a cheap docset), so that the main query is evaluated once, not twice.
            bonus = tantivy.Query.const_score_query(tantivy.Query.all_query(), TIER_BONUS)
            main = tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boolean_query(
                            [(tantivy.Occur.Must, main), (tantivy.Occur.Must, bonus)]
                        ),
                    ),
                    (tantivy.Occur.Should, self._expansion(plan)),
                ]
            )
        return self._filtered(main or tantivy.Query.all_query(), plan)

    def _filtered(self, query: tantivy.Query, plan: SearchPlan) -> tantivy.Query:
        """``query`` restricted by the plan's exclusions, filters and access."""
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, query)]
        for clause in plan.must_not:
            parts.append((tantivy.Occur.MustNot, self._clause(clause)))
        for name, values in plan.filters.items():
            field = _FACET_FIELD.get(name)
            if field:
                parts.append((tantivy.Occur.Must, self._any_of(field, values)))
        if plan.years:
            lo, hi = plan.years
            # From the year terms (their postings read into a bitset once), not from the fast
            # column, whose range docset costs more per candidate (at 1M documents, frequent
            # words and year:2010..2020: 16-18 -> 13-15 ms CPU; the same documents).
            years = tantivy.Query.range_query(
                self.schema,
                "year",
                tantivy.FieldType.Unsigned,
                lower_bound=lo if lo is not None else 1,
                upper_bound=hi,
                use_inverted_index=True,
            )
            parts.append((tantivy.Occur.Must, years))
        if plan.access is not None:
            if len(plan.access) == 1 and plan.access[0] in AUDIENCES:
                # Excluding the few documents this audience may not see skips through a short
                # list; requiring the token, through a list of most of the index (measured at
                # 1M documents: 2 ms against 6 ms).
                hidden = self._term("access", _hidden(plan.access[0]), scored=False)
                parts.append((tantivy.Occur.MustNot, hidden))
            else:
                parts.append((tantivy.Occur.Must, self._any_of("access", plan.access)))
        for doc_id in plan.exclude_ids:
            parts.append((tantivy.Occur.MustNot, self._term("id", doc_id, scored=False)))
        if len(parts) == 1:
            return query
        return tantivy.Query.boolean_query(parts)
