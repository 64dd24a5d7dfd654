"""Search: the one interface the pipeline, the CLI, the API and the web pages use.

* :func:`document_index` keeps one document's index entry in step with the database (called by
  the pipeline's index stage after each version commit; removes documents that left the index).
* :func:`documents_reindex` rebuilds the index from the database (the source of truth);
  :func:`index_check` finds and repairs drift (start-up, periodic job).
* :func:`search` and :func:`more_like_this` answer queries with :class:`SearchResults`.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Sum

from migralex.documents.models import Document
from migralex.search import highlight
from migralex.search.analysis import text_terms
from migralex.search.plan import IndexRecord, SearchPlan, plan_for
from migralex.search.query import FALLBACK_NOTICE, Query, parse, plain_words, query_with_filters
from migralex.search.selectors import (
    document_is_indexable,
    documents_to_index,
    index_record_for,
    user_access_tokens,
)

logger = logging.getLogger(__name__)
REINDEX_BATCH = 500
MLT_TERMS = 25


@dataclass
class Hit:
    document_id: int
    score: float
    title: str
    snippet_html: str  # escaped text, only <mark> tags
    doc_type: str
    country: str
    language: str
    date: str | None  # ISO date
    themes: list[str]
    snippet_dir: str = "ltr"  # "rtl" for an Arabic snippet
    titles: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResults:
    count: int
    results: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    notice: str | None
    page: int
    per_page: int
    expanded_themes: list[str] = field(default_factory=list)


def get_backend(name: str | None = None):
    """The configured backend (``MIGRALEX_SEARCH_BACKEND``), or ``name``."""
    name = name or settings.SEARCH_BACKEND
    if name == "postgres":
        from migralex.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from migralex.search.backends.tantivy_backend import TantivyBackend

    return TantivyBackend(settings.INDEX_DIR)


# --- indexing -------------------------------------------------------------------------------


def document_index(document: Document | int, backend=None) -> bool:
    """Bring ``document``'s index entry up to date; True when indexed, False when removed
    (deleted, rejected, or without any version yet)."""
    backend = backend or get_backend()
    doc_id = document if isinstance(document, int) else document.pk
    fresh = documents_to_index().filter(pk=doc_id).first()
    if fresh is None or not document_is_indexable(fresh):
        backend.delete([doc_id])
        return False
    backend.index([index_record_for(fresh)])
    return True


def documents_index_many(ids: Iterable[int], backend=None) -> int:
    """Index (or remove) several documents in one index commit."""
    backend = backend or get_backend()
    ids = list(ids)
    records = [index_record_for(d) for d in documents_to_index().filter(pk__in=ids)]
    gone = set(ids) - {r.id for r in records}
    if gone:
        backend.delete(gone)
    return backend.index(records, bulk=len(records) > 100) if records else 0


def _batched_records(progress: Callable[[int], None] | None) -> Iterator[IndexRecord]:
    queryset = documents_to_index()
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:REINDEX_BATCH])
        if not batch:
            return
        for document in batch:
            yield index_record_for(document)
        last = batch[-1].pk
        if progress:
            progress(len(batch))


def documents_reindex(progress: Callable[[int], None] | None = None, backend=None) -> int:
    """Rebuild the whole index from the database; returns the number of documents indexed.
    ``progress(n)`` is called after each batch of n documents."""
    backend = backend or get_backend()
    backend.clear()
    return backend.index(_batched_records(progress), bulk=True, replace=False)


@dataclass
class DriftReport:
    in_database: int
    in_index: int
    missing: list[int]  # indexable documents absent from the index, or at an older version
    extra: list[int]  # indexed documents that are gone or no longer indexable
    repaired: bool = False
    full: bool = True  # False: the quick check found nothing to look at further

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra


def database_summary() -> tuple[int, int, int]:
    """(count, sum, max) of the current version ids of the documents the index should hold."""
    row = (
        documents_to_index()
        .order_by()
        .aggregate(n=Count("pk"), total=Sum("current_version_id"), top=Max("current_version_id"))
    )
    return row["n"], row["total"] or 0, row["top"] or 0


def index_check(repair: bool = True, backend=None, *, quick: bool = False) -> DriftReport:
    """Compare the index with the database and (by default) repair the difference.

    ``quick=True`` (start-up, the periodic job) first compares three numbers on each side: how
    many documents, the sum and the maximum of their version ids (one aggregate query and one
    index aggregation, milliseconds at 100k documents). A new, deleted, rejected, re-versioned
    or lost document changes at least one of them (but for an unlikely coincidence of equal
    sums, which a periodic full check, ``quick=False``, catches); only then is the full
    per-document comparison run. Equal numbers return at once with ``full=False``.
    Metadata-only changes (themes, visibility) are not versions: ``document_index`` follows
    them, neither check sees them."""
    backend = backend or get_backend()
    if quick:
        expected_summary = database_summary()
        if backend.version_summary() == expected_summary:
            n = expected_summary[0]
            return DriftReport(n, n, [], [], full=False)
    expected = dict(documents_to_index().values_list("pk", "current_version_id"))
    indexed = backend.versions()
    missing = sorted(pk for pk, v in expected.items() if indexed.get(pk) != v)
    extra = sorted(set(indexed) - set(expected))
    report = DriftReport(len(expected), len(indexed), missing, extra)
    if repair and not report.ok:
        if extra:
            backend.delete(extra)
        for start in range(0, len(missing), REINDEX_BATCH):
            documents_index_many(missing[start : start + REINDEX_BATCH], backend=backend)
        report.repaired = True
        logger.info("search index repaired: %d missing, %d extra", len(missing), len(extra))
    return report


# --- searching ------------------------------------------------------------------------------


def search(
    q: str,
    *,
    filters: dict | None = None,
    user=None,
    page: int = 1,
    per_page: int = 20,
    sort: str = "relevance",
    expand: bool = True,
    lang: str | None = None,
    facets: bool = True,
    backend=None,
) -> SearchResults:
    """Ranked, filtered, faceted results of ``q`` for ``user`` (anonymous when None)."""
    backend = backend or get_backend()
    query = query_with_filters(parse(q), filters)
    page = max(1, int(page or 1))
    per_page = max(1, min(int(per_page or 20), 100))
    plan = plan_for(
        query,
        access=user_access_tokens(user),
        expand=expand,
        lang=lang,
        sort=sort,
        offset=(page - 1) * per_page,
        limit=per_page,
        facets=facets,
    )
    results = _run(plan, query, backend, page, per_page)
    if results.count == 0 and len(query.must) > 1 and not query.notice:
        # No document has every word: offer the documents with any of them, and say so.
        relaxed = Query(
            must=(tuple(a for g in query.must for a in g),),
            must_not=query.must_not,
            filters=query.filters,
            years=query.years,
            raw=query.raw,
        )
        plan.must = [[c for group in plan.must for c in group]]
        results = _run(plan, relaxed, backend, page, per_page)
        if results.count:
            results.notice = "no document has all the words: showing those with any of them"
    return results


def _run(plan: SearchPlan, query: Query, backend, page: int, per_page: int) -> SearchResults:
    try:
        count, raw_hits, facets = backend.search(plan)
    except ValueError as exc:
        # The engine refused the query (e.g. a pathological prefix): search plain words.
        logger.warning("search engine refused %r: %s", query.raw, exc)
        plain = plain_words(query.raw, notice=FALLBACK_NOTICE)
        plan.must = plan_for(plain, access=plan.access, expand=False).must
        count, raw_hits, facets = backend.search(plan)
        query = plain
    hits = _hits(raw_hits, plan)
    if callable(count):
        count = count()  # counted by the backend meanwhile (tantivy: on another thread)
    if callable(facets):
        facets = facets()  # computed by the backend meanwhile (tantivy: on another thread)
    return SearchResults(
        count=count,
        results=hits,
        facets=facets,
        notice=query.notice,
        page=page,
        per_page=per_page,
        expanded_themes=[e.theme for e in plan.expansions],
    )


def _hits(raw_hits: list[tuple[float, dict]], plan: SearchPlan) -> list[Hit]:
    """Hits with snippets marking the query's words; a document without them (found through
    the thesaurus) gets a snippet marking the expansion's words. Not every word at once: an
    expansion brings dozens of stems in three languages, which made the snippets half the
    cost of a search, for words beside the point in a document that has the query's own."""
    own, prefixes = plan.query_highlight_terms
    every = plan.highlight_terms[0] if plan.expansions else own
    hits = []
    for score, payload in raw_hits:
        hit = _hit(score, payload, own, prefixes)
        if every is not own and "<mark>" not in hit.snippet_html:
            hit = _hit(score, payload, every, prefixes)
        hits.append(hit)
    return hits


def _hit(score: float, payload: dict, terms: set[str], prefixes: tuple[str, ...]) -> Hit:
    html = highlight.snippet(payload.get("text", ""), terms, prefixes, payload.get("language"))
    return Hit(
        document_id=payload["id"],
        score=round(score, 4),
        title=payload.get("title", ""),
        snippet_html=html,
        doc_type=payload.get("doc_type", ""),
        country=payload.get("country", ""),
        language=payload.get("language", ""),
        date=payload.get("date"),
        themes=payload.get("themes", []),
        snippet_dir=highlight.direction(html),
        titles=payload.get("titles", {}),
    )


def more_like_this(document: Document, limit: int = 10, *, user=None, backend=None) -> list[Hit]:
    """Documents whose distinctive words (tf-idf over the index) are those of ``document``."""
    backend = backend or get_backend()
    record = index_record_for(document) if document.current_version_id else None
    if record is None or not record.body_terms:
        return []
    total = max(1, backend.count())
    counts = Counter(t for t in record.body_terms if len(t) > 2 and not t.isdigit())
    scored = []
    for term, tf in counts.most_common(200):
        df = backend.doc_freq(term)
        if df <= 1 and total > 2:
            continue  # a word of this document only says nothing about others
        scored.append((term, (1 + math.log(tf)) * math.log(1 + total / df)))
    like = [(t, round(w, 3)) for t, w in sorted(scored, key=lambda x: -x[1])[:MLT_TERMS]]
    if not like:
        return []
    plan = SearchPlan(
        must=[],
        must_not=[],
        filters={},
        years=None,
        access=user_access_tokens(user),
        expansions=[],
        limit=limit,
        facets=False,
        like=like,
        exclude_ids=[document.pk],
    )
    _, raw_hits, _ = backend.search(plan)
    terms = {t for t, _ in like}
    return [_hit(score, payload, terms, ()) for score, payload in raw_hits]


def results_as_dict(results: SearchResults) -> dict:
    """The API shape: {"count", "results", "facets"} plus page information and the notice."""
    return {
        "count": results.count,
        "page": results.page,
        "per_page": results.per_page,
        "notice": results.notice,
        "expanded_themes": results.expanded_themes,
        "results": [asdict(hit) for hit in results.results],
        "facets": {
            name: [{"value": value, "count": count} for value, count in values]
            for name, values in results.facets.items()
        },
    }


def query_terms(q: str, lang: str | None = None) -> list[str]:
    """Analysed terms of a free text (for the alert percolator and tests)."""
    return text_terms(q, lang)
