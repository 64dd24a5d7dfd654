"""PostgreSQL full-text backend, for deployments whose web and worker machines share a database.

The same analysed terms as the tantivy backend are written as a literal ``tsvector`` (title terms
weighted A, body D), and queries as a literal ``tsquery`` built from the same
:class:`SearchPlan`, so PostgreSQL never applies a text search configuration of its own.
Ranking: with the RUM index, ``ORDER BY vector <=> query`` reads the top results in rank order
from the index; without it, ``ts_rank`` over the matches (GIN). Expansion matches come after
exact matches (two tiers), as with tantivy. Count and facets come from one pass over the matching
rows (a materialised CTE grouped per facet).
"""

# SQL here is assembled only from this module's constants (table, column names, operators);
# every value, including the tsquery literal, goes through query parameters.
# ruff: noqa: S608

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction

from migralex.search.plan import FACETS, MAX_FACET_VALUES, Clause, IndexRecord, SearchPlan

TABLE = "search_searchentry"
MAX_POSITION = 16383  # PostgreSQL's limit; later positions are clamped by it anyway
MAX_LEXEMES_CHARS = 900_000  # tsvector values are capped at 1 MB
_COLUMN = {"type": "doc_type", "country": "country", "status": "status", "source": "source"}
_JSON_COLUMN = {"theme": "themes", "group": "groups", "lang": "langs"}
_has_rum: dict[str, bool] = {}


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title_terms: list[str], body_terms: list[str]) -> str:
    """'term':1A,5 … with positions; title terms at weight A (ranked higher)."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, terms in (("A", title_terms), ("", body_terms)):
        for term in terms:
            pos = min(pos + 1, MAX_POSITION)
            slot = positions.setdefault(term, [])
            if len(slot) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                slot.append(f"{pos}{weight}")
    parts, size = [], 0
    for term, slots in positions.items():
        part = f"{_quote(term)}:{','.join(slots)}"
        size += len(part) + 1
        if size > MAX_LEXEMES_CHARS:
            break
        parts.append(part)
    return " ".join(parts)


def _clause(clause: Clause) -> str:
    if clause.kind == "prefix":
        return f"{_quote(clause.terms[0])}:*"
    if len(clause.terms) > 1:
        return "(" + " <-> ".join(_quote(t) for t in clause.terms) + ")"
    return _quote(clause.terms[0])


def main_tsquery(plan: SearchPlan) -> str | None:
    groups = []
    for group in plan.must:
        groups.append("(" + " | ".join(_clause(c) for c in group) + ")")
    if plan.like:
        groups = ["(" + " | ".join(_quote(t) for t, _ in plan.like) + ")"]
    if not groups:
        return None
    return " & ".join(groups)


def expansion_tsquery(plan: SearchPlan) -> str | None:
    phrases = [
        _clause(Clause("phrase", phrase)) for exp in plan.expansions for phrase in exp.phrases
    ]
    return " | ".join(phrases) if phrases else None


class PostgresBackend:
    name = "postgres"

    def __init__(self, table: str = TABLE, rum_index: str = "search_entry_vector_rum"):
        # Another table of the same shape may be given (the benchmark uses a scratch one).
        self.table = table
        self.rum_index = rum_index

    # --- writing ----------------------------------------------------------------------------
    def index(
        self, records: Iterable[IndexRecord], *, bulk: bool = False, replace: bool = True
    ) -> int:
        sql = (
            f"INSERT INTO {self.table} (document_id, version_id, vector, doc_type, country, status, "
            "source, year, date_ord, themes, groups, langs, access, payload) VALUES "
            "(%s, %s, %s::tsvector, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s::jsonb, "
            "%s::jsonb, %s::jsonb) ON CONFLICT (document_id) DO UPDATE SET "
            "version_id = EXCLUDED.version_id, vector = EXCLUDED.vector, "
            "doc_type = EXCLUDED.doc_type, country = EXCLUDED.country, "
            "status = EXCLUDED.status, source = EXCLUDED.source, year = EXCLUDED.year, "
            "date_ord = EXCLUDED.date_ord, themes = EXCLUDED.themes, groups = EXCLUDED.groups, "
            "langs = EXCLUDED.langs, access = EXCLUDED.access, payload = EXCLUDED.payload"
        )
        n = 0
        batch: list[tuple] = []
        with transaction.atomic(), connection.cursor() as cursor:
            rebuild = self._drop_secondary_indexes(cursor) if bulk else []
            for record in records:
                batch.append(self._row(record))
                if len(batch) >= 500:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
            if rebuild:
                # The foreign key to the document is checked at commit (deferred); its pending
                # checks must run first, PostgreSQL refuses CREATE INDEX while they wait.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for definition in rebuild:
                cursor.execute(definition)
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
            tsvector_literal(r.title_terms, r.body_terms),
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
            json.dumps(r.payload, ensure_ascii=False),
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

    def versions(self) -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT document_id, version_id FROM {self.table}")
            return dict(cursor.fetchall())

    def version_summary(self) -> tuple[int, int, int]:
        """(count, sum, max) of the indexed version ids: the quick drift check's numbers."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), coalesce(sum(version_id), 0), coalesce(max(version_id), 0) "
                f"FROM {self.table}"
            )
            n, total, top = cursor.fetchone()
            return n, int(total), int(top)

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s)", [self.table])
            return cursor.fetchone()[0]

    def doc_freq(self, term: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {self.table} WHERE vector @@ %s::tsquery", [_quote(term)]
            )
            return cursor.fetchone()[0]

    def has_rum(self) -> bool:
        if self.rum_index not in _has_rum:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
                    "WHERE c.relname = %s AND a.amname = 'rum'",
                    [self.rum_index],
                )
                _has_rum[self.rum_index] = cursor.fetchone() is not None
        return _has_rum[self.rum_index]

    def _where(self, plan: SearchPlan) -> tuple[list[str], list]:
        where, params = [], []
        for clause in plan.must_not:
            where.append("NOT (vector @@ %s::tsquery)")
            params.append(_clause(clause))
        for name, values in plan.filters.items():
            if name in _COLUMN:
                where.append(f"{_COLUMN[name]} = ANY(%s)")
                params.append(list(values))
            elif name in _JSON_COLUMN:
                where.append(f"{_JSON_COLUMN[name]} ?| %s")
                params.append(list(values))
        if plan.years:
            lo, hi = plan.years
            where.append("year BETWEEN %s AND %s")
            params += [lo if lo is not None else 1, hi if hi is not None else 9999]
        if plan.access is not None:
            where.append("access ?| %s")
            params.append(list(plan.access))
        if plan.exclude_ids:
            where.append("NOT (document_id = ANY(%s))")
            params.append(list(plan.exclude_ids))
        return where, params

    def search(self, plan: SearchPlan) -> tuple[int, list[tuple[float, dict]], dict]:
        where, params = self._where(plan)
        main = main_tsquery(plan)
        expansion = expansion_tsquery(plan) if main else None
        with connection.cursor() as cursor:
            if main is None:
                return self._listing(cursor, plan, where, params)
            any_q = f"({main}) | ({expansion})" if expansion else main
            count, facets = self._count_facets(
                cursor, plan, ["vector @@ %s::tsquery", *where], [any_q, *params]
            )
            hits: list[tuple[float, dict]] = []
            if plan.sort == "date":
                hits = self._page(
                    cursor, any_q, where, params, plan.offset, plan.limit, by_date=True
                )
            else:
                main_count = count
                if expansion:
                    main_count = self._count(
                        cursor, ["vector @@ %s::tsquery", *where], [main, *params]
                    )
                if plan.offset < main_count:
                    hits = self._page(cursor, main, where, params, plan.offset, plan.limit)
                if expansion and len(hits) < plan.limit:
                    offset = max(0, plan.offset - main_count)
                    extra_where = ["NOT (vector @@ %s::tsquery)", *where]
                    hits += self._page(
                        cursor,
                        expansion,
                        extra_where,
                        [main, *params],
                        offset,
                        plan.limit - len(hits),
                    )
            return count, hits, facets

    def _page(self, cursor, tsquery, where, params, offset, limit, by_date=False):
        # The query literal is repeated (not joined in) so that the planner sees a constant and
        # the RUM index can return rows in rank order.
        conditions = " AND ".join(["vector @@ %s::tsquery", *where])
        if by_date:
            order, order_params = "date_ord DESC, document_id DESC", []
        elif self.has_rum():
            order, order_params = "vector <=> %s::tsquery", [tsquery]
        else:
            order, order_params = "ts_rank(vector, %s::tsquery) DESC, document_id", [tsquery]
        cursor.execute(
            f"SELECT ts_rank(vector, %s::tsquery), payload FROM {self.table} WHERE {conditions} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            [tsquery, tsquery, *params, *order_params, limit, offset],
        )
        return [
            (0.0 if by_date else float(rank), _json(payload)) for rank, payload in cursor.fetchall()
        ]

    def _listing(self, cursor, plan, where, params):
        count, facets = self._count_facets(cursor, plan, where, params)
        conditions = " AND ".join(where) or "TRUE"
        cursor.execute(
            f"SELECT payload FROM {self.table} WHERE {conditions} "
            "ORDER BY date_ord DESC, document_id DESC LIMIT %s OFFSET %s",
            [*params, plan.limit, plan.offset],
        )
        return count, [(0.0, _json(p)) for (p,) in cursor.fetchall()], facets

    def _count(self, cursor, where, params) -> int:
        conditions = " AND ".join(where) or "TRUE"
        cursor.execute(f"SELECT count(*) FROM {self.table} WHERE {conditions}", params)
        return cursor.fetchone()[0]

    def _count_facets(self, cursor, plan, where, params) -> tuple[int, dict]:
        if not plan.facets:
            return self._count(cursor, where, params), {}
        conditions = " AND ".join(where) or "TRUE"
        parts = ["SELECT 'count', '', count(*) FROM m"]
        for name, column in _COLUMN.items():
            parts.append(
                f"SELECT '{name}', {column}, count(*) FROM m WHERE {column} <> '' GROUP BY {column}"
            )
        parts.append("SELECT 'year', year::text, count(*) FROM m WHERE year > 0 GROUP BY year")
        for name, column in _JSON_COLUMN.items():
            parts.append(
                f"SELECT '{name}', v, count(*) FROM m, jsonb_array_elements_text(m.{column}) v GROUP BY v"
            )
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT doc_type, country, status, source, year, themes, "
            f"groups, langs FROM {self.table} WHERE {conditions}) " + " UNION ALL ".join(parts),
            params,
        )
        count = 0
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        for name, value, n in cursor.fetchall():
            if name == "count":
                count = n
            else:
                facets[name].append((value, n))
        if not count:
            return 0, {}
        for name in facets:
            facets[name] = sorted(facets[name], key=lambda vc: (-vc[1], vc[0]))[:MAX_FACET_VALUES]
        return count, facets


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value
