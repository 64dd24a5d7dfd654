"""The percolator: an inverted index over saved searches, so that one new version is matched
against every saved search at once instead of running each search.

Saved searches are parsed with the search query parser (:func:`migralex.search.query.parse`)
and planned with the search planner (:func:`migralex.search.plan.plan_for`: the same analysis,
:func:`migralex.common.text.analyze`, and the same thesaurus expansion), and documents are seen
through the search index's own record, so a saved search matches here exactly what running it
returns. Each distinct compiled search is filed under one *anchor*: a term (or a prefix) that
every matching document must contain, or, for filter-only searches, one filter
value. A document then only verifies the searches filed under its own terms and facets.

Pure Python, no database: :mod:`migralex.alerts.services` feeds it saved searches and document
facts, and the benchmark drives it directly.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from migralex.search.analysis import text_terms
from migralex.search.plan import plan_for
from migralex.search.query import Query

logger = logging.getLogger(__name__)

# Field filters of the query language and the document facet each one tests.
FILTER_FIELDS = ("type", "country", "theme", "group", "lang", "source", "status")


@dataclass
class DocFacts:
    """What a saved search can test of a document: the terms of the index's ``body`` field in
    order (the titles then the text, as :class:`migralex.search.plan.IndexRecord` holds them)
    and its facets."""

    body_terms: list[str]
    facets: dict[str, frozenset[str]] = field(default_factory=dict)  # field -> values
    year: int | None = None
    _positions: dict[str, list[int]] | None = None
    _terms: frozenset[str] | None = None
    _sorted: list[str] | None = None

    @classmethod
    def from_record(cls, record) -> DocFacts:
        """From the search index's record of a document (``search.selectors.index_record_for``)."""
        return cls(
            body_terms=record.body_terms,
            facets={k: frozenset(v) for k, v in record.facets.items()},
            year=record.year or None,
        )

    @classmethod
    def from_text(
        cls, title: str, body: str, language: str | None, *, year=None, **facets
    ) -> DocFacts:
        """Built the way ``index_record_for`` builds a record (benchmarks, tests)."""
        return cls(
            body_terms=text_terms(title, language) + text_terms(body, language),
            facets={k: frozenset(_as_values(v)) for k, v in facets.items()},
            year=year,
        )

    @property
    def terms(self) -> frozenset[str]:
        if self._terms is None:
            self._terms = frozenset(self.body_terms)
        return self._terms

    def positions(self) -> dict[str, list[int]]:
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for i, term in enumerate(self.body_terms):
                positions.setdefault(term, []).append(i)
            self._positions = positions
        return self._positions

    def has_sequence(self, seq: tuple[str, ...]) -> bool:
        if not all(t in self.terms for t in seq):
            return False
        positions = self.positions()
        rest = [set(positions[t]) for t in seq[1:]]
        return any(
            all(p + i + 1 in later for i, later in enumerate(rest)) for p in positions[seq[0]]
        )

    def has_prefix(self, prefix: str) -> bool:
        if self._sorted is None:
            self._sorted = sorted(self.terms)
        i = bisect_left(self._sorted, prefix)
        return i < len(self._sorted) and self._sorted[i].startswith(prefix)


def _as_values(value) -> Iterable[str]:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int):
        return (str(value),)
    return tuple(str(v) for v in value if v not in (None, ""))


# A matcher is ("t", term) | ("s", terms) | ("p", prefix): what the search backend's clause
# kinds "term", "phrase" and "prefix" test on the body field.
Matcher = tuple[str, object]


def clause_matcher(clause) -> Matcher:
    """The matcher of a :class:`migralex.search.plan.Clause` (a one-term phrase is a term)."""
    if clause.kind == "prefix":
        return ("p", clause.terms[0])
    if len(clause.terms) == 1:
        return ("t", clause.terms[0])
    return ("s", tuple(clause.terms))


def matcher_hits(matcher: Matcher, doc: DocFacts) -> bool:
    kind, value = matcher
    if kind == "t":
        return value in doc.terms
    if kind == "s":
        return doc.has_sequence(value)  # type: ignore[arg-type]
    return doc.has_prefix(value)  # type: ignore[arg-type]


@dataclass
class Compiled:
    """One saved search as the percolator tests it: a document matches when it passes the
    filters and year range, has no excluded clause, and either satisfies every group or (with
    thesaurus expansion) contains one of the expansion phrases: the search backend's rule."""

    key: Hashable
    groups: list[list[Matcher]]
    excluded: list[Matcher]
    filters: dict[str, frozenset[str]]
    years: tuple[int | None, int | None] | None
    expansions: list[Matcher] = field(default_factory=list)

    def signature(self) -> tuple:
        """Equal for searches that match the same documents as written (many users follow
        the same theme or country): the percolator tests each distinct search once."""
        return (
            tuple(tuple(g) for g in self.groups),
            tuple(self.excluded),
            tuple(sorted((k, tuple(sorted(v))) for k, v in self.filters.items())),
            self.years,
            tuple(self.expansions),
        )

    def matches(self, doc: DocFacts) -> bool:
        for name, allowed in self.filters.items():
            if not (doc.facets.get(name, frozenset()) & allowed):
                return False
        if self.years is not None:
            lo, hi = self.years
            if doc.year is None or (lo is not None and doc.year < lo):
                return False
            if hi is not None and doc.year > hi:
                return False
        if any(matcher_hits(m, doc) for m in self.excluded):
            return False
        if all(any(matcher_hits(m, doc) for m in group) for group in self.groups):
            return True
        return any(matcher_hits(m, doc) for m in self.expansions)


def compile_plan(key: Hashable, plan) -> Compiled:
    """Compile a :class:`migralex.search.plan.SearchPlan`, the very object a search runs."""
    groups = [list(dict.fromkeys(clause_matcher(c) for c in group)) for group in plan.must]
    return Compiled(
        key=key,
        groups=[g for g in groups if g],
        excluded=[clause_matcher(c) for c in plan.must_not],
        filters={
            name: frozenset(values)
            for name, values in plan.filters.items()
            if name in FILTER_FIELDS
        },
        years=plan.years,
        expansions=list(
            dict.fromkeys(
                clause_matcher(_Phrase(phrase)) for exp in plan.expansions for phrase in exp.phrases
            )
        ),
    )


@dataclass(frozen=True)
class _Phrase:
    terms: tuple[str, ...]
    kind: str = "phrase"


def compile_query(key: Hashable, query: Query, *, expand: bool = True, lang=None) -> Compiled:
    """Compile a parsed query through the search planner (same clauses, same expansion)."""
    return compile_plan(key, plan_for(query, access=None, expand=expand, lang=lang, facets=False))


def _anchor_keys(group: list[Matcher]) -> list[tuple[str, str]]:
    keys = []
    for kind, value in group:
        if kind == "t":
            keys.append(("t", value))
        elif kind == "s":
            # Any term of the sequence must be present; the longest is usually the rarest.
            keys.append(("t", max(value, key=len)))  # type: ignore[arg-type]
        else:
            keys.append(("p", value))
    return keys


def _anchor_cost(keys: list[tuple[str, str]]) -> tuple:
    # Prefer exact terms over prefixes, few alternatives, long (rare) terms.
    return (
        sum(kind == "p" for kind, _ in keys),
        len(keys),
        -min((len(v) for _, v in keys), default=0),
    )


class Percolator:
    """Distinct saved searches filed by anchor. ``match(doc)`` returns the keys of every search
    the document satisfies, and the errors of searches that failed (they never stop the
    others).

    Speed comes from three things: identical searches are tested once (many users follow the
    same theme or country); candidates are gathered from integer posting lists with set
    operations; and a search whose anchor alone proves the match (one group of plain terms or
    prefixes, no exclusion; or one facet filter) needs no verification beyond its remaining
    filters."""

    def __init__(self, compiled: Iterable[Compiled] = ()):
        self.items: list[Compiled] = []
        self.keys: list[list[Hashable]] = []
        # None when the anchor proves the match; else a function of the document.
        self.checks: list[Callable[[DocFacts], bool] | None] = []
        self.by_term: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[int]] = {}
        self.by_facet: dict[tuple[str, str], list[int]] = {}
        self.always: list[int] = []
        self.prefix_lengths: set[int] = set()
        self.size = 0
        self._distinct: dict[tuple, int] = {}
        self._term_keys: frozenset[str] | None = None  # built on first use, reset by add()
        self._prefix_keys: frozenset[str] = frozenset()
        for item in compiled:
            self.add(item)

    def add(self, item: Compiled) -> None:
        self.size += 1
        self._term_keys = None
        signature = item.signature()
        index = self._distinct.get(signature)
        if index is not None:
            self.keys[index].append(item.key)
            return
        index = self._distinct[signature] = len(self.items)
        self.items.append(item)
        self.keys.append([item.key])
        if item.groups:
            keys = min((_anchor_keys(g) for g in item.groups), key=_anchor_cost)
            # A document may also match through an expansion phrase: file it there too.
            keys = keys + _anchor_keys(item.expansions)
            for kind, value in dict.fromkeys(keys):
                postings = self.by_term if kind == "t" else self.by_prefix
                postings.setdefault(value, []).append(index)
                if kind == "p":
                    self.prefix_lengths.add(len(value))
            exact = (
                len(item.groups) == 1
                and not item.excluded
                and all(kind != "s" for kind, _ in item.groups[0] + item.expansions)
            )
            self.checks.append(_filters_check(item, skip=None) if exact else _full_check(item))
            return
        for name in ("country", "type", "theme", "group", "source", "lang", "status"):
            if name in item.filters:
                for value in item.filters[name]:
                    self.by_facet.setdefault((name, value), []).append(index)
                exact = not item.excluded
                self.checks.append(_filters_check(item, skip=name) if exact else _full_check(item))
                return
        self.always.append(index)
        self.checks.append(_full_check(item))

    def candidates(self, doc: DocFacts) -> set[int]:
        found: set[int] = set(self.always)
        terms = doc.terms
        if self._term_keys is None:
            self._term_keys = frozenset(self.by_term)
            self._prefix_keys = frozenset(self.by_prefix)
        by_term = self.by_term
        # Set intersections run in C over the smaller side (a document's few hundred terms).
        for term in terms & self._term_keys:
            found.update(by_term[term])
        if self.by_prefix:
            # Every prefix of every term, at the lengths saved prefixes have: a hit is exact.
            by_prefix = self.by_prefix
            heads = {t[:n] for n in self.prefix_lengths for t in terms}
            for head in heads & self._prefix_keys:
                found.update(by_prefix[head])
        if self.by_facet:
            for name, values in doc.facets.items():
                for value in values:
                    postings = self.by_facet.get((name, value))
                    if postings:
                        found.update(postings)
        return found

    def match(self, doc: DocFacts) -> tuple[list[Hashable], list[tuple[Hashable, str]]]:
        keys: list[Hashable] = []
        errors: list[tuple[Hashable, str]] = []
        checks, all_keys = self.checks, self.keys
        for index in self.candidates(doc):
            check = checks[index]
            try:
                if check is None or check(doc):
                    keys.extend(all_keys[index])
            except Exception as exc:  # one broken search must not block the others
                logger.exception("saved search %s failed to match", all_keys[index][0])
                errors.extend((key, f"{type(exc).__name__}: {exc}") for key in all_keys[index])
        return keys, errors


def _filters_check(item: Compiled, skip: str | None):
    """What is left to test once the anchor matched: facet filters and years, or nothing."""
    filters = [(k, v) for k, v in item.filters.items() if k != skip]
    # A facet anchor proves its own field only when the search allows each anchored value.
    years = item.years
    if not filters and years is None:
        return None

    def check(doc: DocFacts) -> bool:
        facets = doc.facets
        for name, allowed in filters:
            values = facets.get(name)
            if not values or values.isdisjoint(allowed):
                return False
        if years is not None:
            lo, hi = years
            year = doc.year
            if year is None or (lo is not None and year < lo) or (hi is not None and year > hi):
                return False
        return True

    return check


def _split(matchers: list[Matcher]) -> tuple[frozenset[str], list, list]:
    terms = frozenset(v for k, v in matchers if k == "t")
    return terms, [v for k, v in matchers if k == "s"], [v for k, v in matchers if k == "p"]


def _any_hit(split, doc: DocFacts) -> bool:
    terms, seqs, prefixes = split
    if terms and not doc.terms.isdisjoint(terms):
        return True
    return any(doc.has_sequence(seq) for seq in seqs) or any(doc.has_prefix(p) for p in prefixes)


def _full_check(item: Compiled):
    """:meth:`Compiled.matches` specialised once per search: plain terms become set tests."""
    filters = _filters_check(item, skip=None)
    excluded = _split(item.excluded)
    groups = [_split(g) for g in item.groups]
    expansions = _split(item.expansions) if item.expansions else None

    def check(doc: DocFacts) -> bool:
        if filters is not None and not filters(doc):
            return False
        if _any_hit(excluded, doc):
            return False
        if all(_any_hit(g, doc) for g in groups):
            return True
        return expansions is not None and _any_hit(expansions, doc)

    return check
