"""PostgreSQL full-text backend, for deployments whose web and worker machines share a database.

The same analysed terms as the tantivy backend are written as a literal ``tsvector`` (title terms
weighted A, body D), and queries as a literal ``tsquery`` built from the same
:class:`SearchPlan`, so PostgreSQL never applies a text search configuration of its own.
Ranking: with the RUM index, ``ORDER BY vector <=> query`` reads the top results in rank order
from the index (RUM also checks phrases from the positions it stores, without the heap);
without it, ``ts_rank`` over the matches (GIN). RUM scores every match before it returns the
first row, so it is split by document parity (migration 0006): each half ranks its own
matches, both at once on two connections, and the page is the best of both. Expansion matches
come after exact matches (two tiers), as with tantivy; like tantivy, they are found through
concept lexemes ("theme@lang", ``expansion.document_concepts``) stored in the vector, not
through the thesaurus phrases. Filters of text queries never drive the plan (see ``_where``):
rows come from the text indexes.

Count and facets: every row carries its facet values as lexemes (``facet_terms``: "country:MA",
"theme:…", and "all" for the count), and ``ts_stat()`` counts them over the matching rows in one
pass in C, on a side connection while the page is ranked (``postgres_side``); grouping the rows
once per facet in SQL cost 8 hash aggregations per match (measured 267 ms for 36k matches at
100k documents, against ~40 ms). The rows are narrow (vector and payload out of line, see
migration 0003), so that this scan reads few pages. Snippet text is not copied into the index:
it is read from the indexed version (``documents_version``), for the page only.
"""

# SQL here is assembled only from this module's constants (table, column names, operators);
# every value, including the tsquery literal, goes through query parameters.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import heapq
import json
from collections.abc import Iterable

from django.db import connection, transaction

from migralex.search.backends import postgres_side
from migralex.search.backends.postgres_literals import (
    COUNT_TERM,
    PHRASE,
    clause_literal,
    expansion_tsqueries,
    facet_terms_literal,
    main_tsquery,
    quote_lexeme,
    tsvector_literal,
)
from migralex.search.expansion import document_concepts, thesaurus_fingerprint
from migralex.search.plan import FACETS, MAX_FACET_VALUES, IndexRecord, SearchPlan

TABLE = "search_searchentry"
_COLUMN = {"type": "doc_type", "country": "country", "status": "status", "source": "source"}
_JSON_COLUMN = {"theme": "themes", "group": "groups", "lang": "langs"}
_rum_layout: dict[str, str] = {}  # table -> "", "whole" or "halves" (see PostgresBackend._rum)
# The predicates of the two partial RUM indexes of migration 0006, written as there: the planner
# uses a partial index only for a condition that matches its predicate.
HALVES = ("(document_id & 1) = 0", "(document_id & 1) = 1")
# The row's columns, in the order of _row; casts for the INSERT (COPY parses the text itself).
COLUMNS = (
    "document_id",
    "version_id",
    "vector",
    "doc_type",
    "country",
    "status",
    "source",
    "year",
    "date_ord",
    "themes",
    "groups",
    "langs",
    "access",
    "payload",
    "facet_terms",
    "concepts_of",
)
_CAST = {c: "::jsonb" for c in ("themes", "groups", "langs", "access", "payload")} | {
    "vector": "::tsvector",
    "facet_terms": "::tsvector",
}
# Text queries: the vectors are out of line, so a sequential scan would read every one of them
# from TOAST to test it, which the planner's costs do not show (measured 1.2 s instead of 60 ms
# at 100k documents for a 3-word query with a language filter). JIT off: a plan holding a
# disabled node costs over jit_above_cost, and compiling takes longer than these queries run.
TEXT_QUERY_SETTINGS = "SET LOCAL enable_seqscan = off; SET LOCAL jit = off"


class PostgresBackend:
    name = "postgres"
    # Count and facets on a side connection while the page is ranked (see ``search``).
    count_apart = True

    def __init__(self, table: str = TABLE, text_table: str = "documents_version"):
        # Other tables of the same shape may be given (the benchmark uses scratch ones); their
        # RUM indexes are found on the table, whatever their names (see ``_rum``).
        self.table = table
        self.text_table = text_table  # id -> normalized_text of the indexed versions

    # --- writing ----------------------------------------------------------------------------
    def index(
        self, records: Iterable[IndexRecord], *, bulk: bool = False, replace: bool = True
    ) -> int:
        """Add or replace ``records`` in one transaction (``replace=False``: known to be new).

        New rows of a bulk load go in with COPY (no statement per row)."""
        placeholders = ", ".join(f"%s{_CAST.get(c, '')}" for c in COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
        sql = (
            f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({placeholders}) "
            f"ON CONFLICT (document_id) DO UPDATE SET {updates}"
        )
        n = 0
        with transaction.atomic(), connection.cursor() as cursor:
            rebuild = self._drop_secondary_indexes(cursor) if bulk else []
            # Batches are built before they are sent: the records may come from queries on this
            # very connection (reindex), which cannot run in the middle of a COPY.
            for batch in _batches(map(self._row, records), 500):
                if bulk and not replace:
                    with cursor.copy(f"COPY {self.table} ({', '.join(COLUMNS)}) FROM STDIN") as cp:
                        for row in batch:
                            cp.write_row(row)
                else:
                    cursor.executemany(sql, batch)
                n += len(batch)
            if rebuild:
                # The foreign key to the document is checked at commit (deferred); its pending
                # checks must run first, PostgreSQL refuses CREATE INDEX while they wait.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # index builds
            for definition in rebuild:
                cursor.execute(definition)
            if bulk:
                # Fresh statistics, or the planner misjudges how many rows a term matches.
                cursor.execute(f"ANALYZE {self.table}")
        return n

    def _drop_secondary_indexes(self, cursor) -> list[str]:
        """Drop the table's indexes but the primary key and return their definitions.

        A bulk load (reindex, benchmark) into a table with its RUM/GIN indexes updates them
        row by row: measured 109 rows/s at 10k documents. Building them once at the end is
        what PostgreSQL's documentation advises for bulk loads. All in the caller's
        transaction: readers keep the old table and indexes until the commit."""
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique",
            [self.table],
        )
        definitions = []
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            definitions.append(definition)
        return definitions

    def _row(self, r: IndexRecord) -> tuple:
        f = r.facets
        return (
            r.id,
            r.version_id,
            tsvector_literal(r.title_terms, r.body_terms, document_concepts(r.body_terms)),
            (f.get("type") or [""])[0],
            (f.get("country") or [""])[0],
            (f.get("status") or [""])[0],
            (f.get("source") or [""])[0],
            r.year,
            r.date_ord,
            json.dumps(f.get("theme", [])),
            json.dumps(f.get("group", [])),
            json.dumps(f.get("lang", [])),
            json.dumps(r.access),
            # The text stays in the version table: snippets read it from there (see _page).
            json.dumps({k: v for k, v in r.payload.items() if k != "text"}, ensure_ascii=False),
            facet_terms_literal(r),
            thesaurus_fingerprint(),
        )

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.table} WHERE document_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    # --- reading ----------------------------------------------------------------------------
    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.table}")
            return cursor.fetchone()[0]

    # A row whose concepts come from another thesaurus counts as version 0: the drift check
    # then reindexes it, or expansions would miss it (its concept lexemes are stale).
    _VERSION = "CASE WHEN concepts_of = %s THEN version_id ELSE 0 END"

    def versions(self) -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT document_id, {self._VERSION} FROM {self.table}", [thesaurus_fingerprint()]
            )
            return dict(cursor.fetchall())

    def version_summary(self) -> tuple[int, int, int]:
        """(count, sum, max) of the indexed version ids: the quick drift check's numbers."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), coalesce(sum({self._VERSION}), 0), "
                f"coalesce(max({self._VERSION}), 0) FROM {self.table}",
                [thesaurus_fingerprint()] * 2,
            )
            n, total, top = cursor.fetchone()
            return n, int(total), int(top)

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [self.table])
            return cursor.fetchone()[0]

    def doc_freq(self, term: str) -> int:
        match, params = self._matching(quote_lexeme(term))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.table} WHERE {match}", params)
            return cursor.fetchone()[0]

    def has_rum(self) -> bool:
        return bool(self._rum())

    def _rum(self) -> str:
        """The table's RUM indexes: "" (none: GIN), "whole" or "halves" (one per half of the
        rows, migration 0006). Found on the table itself, whatever their names."""
        if self.table not in _rum_layout:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*), count(i.indpred) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                    "WHERE i.indrelid = %s::regclass AND a.amname = 'rum'",
                    [self.table],
                )
                n, partial = cursor.fetchone()
            _rum_layout[self.table] = "halves" if partial >= 2 else "whole" if n else ""
        return _rum_layout[self.table]

    def _where(self, plan: SearchPlan, *, indexed: bool) -> tuple[list[str], list]:
        """The filters' conditions. ``indexed=False`` (text queries) writes them in forms no
        index matches, so that the rows always come from the text index and the filters are
        checked on the narrow row: otherwise the planner, which does not count the cost of
        reading a vector out of line, starts from a filter's index and checks the text on every
        row it gives (measured 890 ms instead of ~10 ms for "risque country:MA" at 100k: 31k
        vectors read from TOAST)."""
        where: list[str] = []
        params: list = []
        for clause in plan.must_not:
            where.append("NOT (vector @@ %s::tsquery)")
            params.append(clause_literal(clause))
        column = "{}" if indexed else "({} || '')"
        any_of = "{} ?| %s" if indexed else "jsonb_exists_any({}, %s)"
        for name, values in plan.filters.items():
            if name in _COLUMN:
                where.append(f"{column.format(_COLUMN[name])} = ANY(%s)")
                params.append(list(values))
            elif name in _JSON_COLUMN:
                where.append(any_of.format(_JSON_COLUMN[name]))
                params.append(list(values))
        if plan.years:
            lo, hi = plan.years
            where.append("year BETWEEN %s AND %s" if indexed else "year + 0 BETWEEN %s AND %s")
            params += [lo if lo is not None else 1, hi if hi is not None else 9999]
        if plan.access is not None:
            where.append(any_of.format("access"))
            params.append(list(plan.access))
        if plan.exclude_ids:
            where.append("NOT (document_id = ANY(%s))")
            params.append(list(plan.exclude_ids))
        return where, params

    def search(self, plan: SearchPlan) -> tuple:
        """(count, [(rank, payload)], facets); ``count`` and ``facets`` may be functions
        returning them, computed meanwhile on a side connection (``postgres_side``) when the
        caller holds no transaction (a side connection would not see its writes)."""
        main = main_tsquery(plan)
        where, params = self._where(plan, indexed=main is None)
        apart = self.count_apart and not connection.in_atomic_block
        if main is None:
            with connection.cursor() as cursor:
                return self._listing(cursor, plan, where, params, apart)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(TEXT_QUERY_SETTINGS)
            result = self._ranked(cursor, plan, where, params, main, apart)
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL jit TO DEFAULT")
        return result

    def _counted(self, cursor, plan, where, params, apart: bool, text: bool):
        """Count and facets of the rows matching ``where``: here, or on a side connection
        (then two functions waiting for them)."""
        if not apart:
            return self._count_facets(cursor, plan, where, params)
        pending = postgres_side.submit(self._count_facets_apart, plan, where, params, text)
        return (lambda: pending.result()[0]), (lambda: pending.result()[1])

    def _count_facets_apart(self, plan, where, params, text: bool) -> tuple[int, dict]:
        with _side_cursor(text) as cursor:
            return self._count_facets(cursor, plan, where, params)

    def _matching(self, tsquery: str) -> tuple[str, list[str]]:
        """The condition "the row matches ``tsquery``" and its parameters, for counting (not
        ranking) the matches.

        With RUM, a tsquery without phrase goes to the GIN index of lexemes without positions
        (migration 0004): RUM reads the positions of every posting, which only phrases and
        ranking need (measured 67 ms against 8 ms for a 3-word query at 100k documents). A
        phrase goes to RUM; with its two halves, to both (each answers for its own rows)."""
        rum = self._rum()
        if rum and PHRASE not in tsquery:
            return "strip(vector) @@ %s::tsquery", [tsquery]
        if rum == "halves":
            either = " OR ".join(f"(vector @@ %s::tsquery AND {half})" for half in HALVES)
            return f"({either})", [tsquery] * len(HALVES)
        return "vector @@ %s::tsquery", [tsquery]

    def _any_of(self, tsqueries: list[str]) -> tuple[str, list[str]]:
        """A condition matching any of ``tsqueries``: one ``@@`` each, OR-ed, so that PostgreSQL
        unites one bitmap scan per query (BitmapOr). One ``@@`` with a tsquery of many OR-ed
        phrases made RUM evaluate the whole tree for every candidate: measured 3x slower (500 ms
        against 170 ms for a query with 11 expansion phrases at 100k documents)."""
        parts = [self._matching(q) for q in tsqueries]
        return "(" + " OR ".join(c for c, _ in parts) + ")", [p for _, ps in parts for p in ps]

    def _ranked(self, cursor, plan, where, params, main, apart=False):
        phrases = expansion_tsqueries(plan)
        expansion = " | ".join(phrases) or None
        matches, match_params = self._any_of([main, *phrases])
        count, facets = self._counted(
            cursor, plan, [matches, *where], [*match_params, *params], apart, text=True
        )
        if not count:  # (a pending count is a function: the page is read meanwhile)
            return 0, [], facets
        if plan.sort == "date":
            any_q = f"({main}) | ({expansion})" if expansion else main
            hits = self._page(cursor, any_q, where, params, plan.offset, plan.limit, by_date=True)
            return count, hits, facets
        hits = self._page(cursor, main, where, params, plan.offset, plan.limit, apart=apart)
        if expansion and len(hits) < plan.limit:
            # The exact tier ends on this page; the expansion-only tier follows it. Its
            # offset needs the exact tier's size, which a short non-empty page gives.
            if hits:
                main_count = plan.offset + len(hits)
            else:
                match, match_params = self._matching(main)
                main_count = self._count(cursor, [match, *where], [*match_params, *params])
            hits += self._page(
                cursor,
                expansion,
                ["NOT (vector @@ %s::tsquery)", *where],
                [main, *params],
                max(0, plan.offset - main_count),
                plan.limit - len(hits),
                apart=apart,
            )
        return count, hits, facets

    def _page(self, cursor, tsquery, where, params, offset, limit, by_date=False, apart=False):
        # The query literal is repeated (not joined in) so that the planner sees a constant and
        # the RUM index can return rows in rank order. The snippet text is read for the page's
        # rows only (outer query), from the version the entry was indexed from.
        from migralex.search.selectors import SNIPPET_SOURCE_CHARS

        rank, rank_params = "ts_rank(vector, %s::tsquery)", [tsquery]
        match, match_params = "vector @@ %s::tsquery", [tsquery]
        rum = "" if by_date else self._rum()
        if by_date:
            # Rows from the lexeme index, sorted by date: no vector read from TOAST.
            order, order_params = "date_ord DESC, document_id DESC", []
            rank, rank_params = "0.0", []
            match, match_params = self._matching(tsquery)
        elif rum:
            order, order_params = "vector <=> %s::tsquery", [tsquery]
        else:
            order, order_params = "ts_rank(vector, %s::tsquery) DESC, document_id", [tsquery]

        def sql(conditions: list[str], top: str) -> str:
            return (
                f"SELECT p.*, (SELECT left(t.normalized_text, %s) "
                f"FROM {self.text_table} t WHERE t.id = p.version_id) FROM ("
                f"SELECT {top}{rank} AS rank, payload, version_id "
                f"FROM {self.table} WHERE {' AND '.join([match, *conditions])} "
                f"ORDER BY {order} LIMIT %s OFFSET %s) p"
            )

        snippet, args = SNIPPET_SOURCE_CHARS, [*rank_params, *match_params, *params, *order_params]
        if rum == "halves":
            # Each half ranks its own matches (half of the scoring), side by side when the
            # caller holds no transaction; the page is the best of both by RUM's distance.
            both = [
                (sql([*where, half], f"{order} AS distance, "), [snippet, tsquery, *args])
                for half in HALVES
            ]
            top = [offset + limit, 0]
            pending = postgres_side.submit(self._rum_rows, *both[1], top) if apart else None
            first = self._rum_rows(*both[0], top, cursor)
            second = pending.result() if pending else self._rum_rows(*both[1], top, cursor)
            # A merge, not a sort: each half keeps RUM's own order, which is not always that of
            # ``<=>`` recomputed from the row (up to ~2 % apart), so that page n+1 continues
            # page n. Equal distances: the first half first.
            merged = heapq.merge(first, second, key=lambda row: row[0])
            rows = [row[1:] for row in merged][offset : offset + limit]
        elif rum:
            rows = self._rum_rows(sql(where, ""), [snippet, *args], [limit, offset], cursor)
        else:
            cursor.execute(sql(where, ""), [snippet, *args, limit, offset])
            rows = cursor.fetchall()
        return [
            (0.0 if by_date else float(rank), _with_text(payload, text))
            for rank, payload, _version, text in rows
        ]

    def _rum_rows(self, sql: str, args: list, top: list[int], cursor=None) -> list[tuple]:
        """Rows of ``sql``, a query ordered by RUM's distance. They must come from RUM, in rank
        order: any other plan (a bitmap scan, then a sort by rank) reads and scores the vector
        of every match from TOAST (measured 424 ms against 70 ms for "risque country:MA" at
        100k documents). Without ``cursor``: on this thread's connection (a side one)."""
        if cursor is None:
            with _side_cursor(text=True) as side:
                return self._rum_rows(sql, args, top, side)
        cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
        cursor.execute(sql, [*args, *top])
        rows = cursor.fetchall()
        cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT; SET LOCAL enable_sort TO DEFAULT")
        return rows

    def _listing(self, cursor, plan, where, params, apart=False):
        from migralex.search.selectors import SNIPPET_SOURCE_CHARS

        count, facets = self._counted(cursor, plan, where, params, apart, text=False)
        conditions = " AND ".join(where) or "TRUE"
        cursor.execute(
            f"SELECT p.payload, (SELECT left(t.normalized_text, %s) FROM {self.text_table} t "
            f"WHERE t.id = p.version_id) FROM (SELECT payload, version_id FROM {self.table} "
            f"WHERE {conditions} ORDER BY date_ord DESC, document_id DESC LIMIT %s OFFSET %s) p",
            [SNIPPET_SOURCE_CHARS, *params, plan.limit, plan.offset],
        )
        return count, [(0.0, _with_text(p, text)) for p, text in cursor.fetchall()], facets

    def _count(self, cursor, where, params) -> int:
        conditions = " AND ".join(where) or "TRUE"
        cursor.execute(f"SELECT count(*) FROM {self.table} WHERE {conditions}", params)
        return cursor.fetchone()[0]

    def _count_facets(self, cursor, plan, where, params) -> tuple[int, dict]:
        if not plan.facets:
            return self._count(cursor, where, params), {}
        # ts_stat() takes its query as text: format() fills in the values server-side, quoted
        # as literals (%L), so they still never enter the SQL as Python-formatted text.
        conditions = " AND ".join(where).replace("%s", "%L") or "TRUE"
        placeholders = "".join(", %s" for _ in params)
        cursor.execute(
            f"SELECT word, ndoc FROM ts_stat(format(%s{placeholders}))",
            [f"SELECT facet_terms FROM {self.table} WHERE {conditions}", *params],
        )
        count = 0
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        for word, n in cursor.fetchall():
            name, _, value = word.partition(":")
            if word == COUNT_TERM:
                count = n
            elif name in facets:
                facets[name].append((value, n))
        if not count:
            return 0, {}
        for name in facets:
            facets[name] = sorted(facets[name], key=lambda vc: (-vc[1], vc[0]))[:MAX_FACET_VALUES]
        return count, facets


@contextlib.contextmanager
def _side_cursor(text: bool):
    """A cursor in a transaction of its own on this thread's connection (a side one), set for
    text queries when ``text``."""
    with transaction.atomic(), connection.cursor() as cursor:
        if text:
            cursor.execute(TEXT_QUERY_SETTINGS)
        yield cursor


def _batches(rows: Iterable[tuple], size: int) -> Iterable[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _with_text(payload, text: str | None) -> dict:
    payload = _json(payload)
    payload["text"] = text or ""
    return payload


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value
