"""Backend-neutral data: what is indexed for a document (:class:`IndexRecord`) and what a search
asks for after analysis (:class:`SearchPlan`). Both backends take exactly these, so they give the
same results semantics; the tests compare them on the same fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from migralex.search.analysis import phrase_variants, query_word_variants, text_terms
from migralex.search.expansion import Expansion, expansions_for
from migralex.search.query import Phrase, Query

# Facets every search returns, in display order (the filter names of the query language).
FACETS = ("type", "country", "theme", "group", "year", "lang", "source", "status")
MAX_FACET_VALUES = 50
# Index tokens of visibility. A document carries every token of the audiences that may see it;
# a user's search requires any of the user's tokens.
ANONYMOUS = "anon"
SIGNED_IN = "signed"


@dataclass
class IndexRecord:
    """One document as the index sees it (built by ``selectors.index_record_for``)."""

    id: int
    version_id: int
    title: str
    text: str  # cleaned text, for snippets and term extraction
    language: str
    title_terms: list[str]
    body_terms: list[str]  # title_terms first, then the text's: a title word is a body word
    facets: dict[str, list[str]]  # facet name -> values (themes, groups, langs are multi-valued)
    year: int  # 0 when unknown
    date_ord: int  # yyyymmdd, for sorting by date; 0 when unknown
    access: list[str]  # visibility tokens, see selectors.access_tokens
    payload: dict = field(default_factory=dict)  # what a hit shows without the database


@dataclass(frozen=True)
class Clause:
    """An analysed query atom: ``kind`` "term" (one term), "phrase" (terms in order) or "prefix"."""

    kind: str
    terms: tuple[str, ...]


@dataclass
class SearchPlan:
    must: list[list[Clause]]  # every inner list: alternatives, one must match
    must_not: list[Clause]
    filters: dict[str, tuple[str, ...]]
    years: tuple[int | None, int | None] | None
    access: list[str] | None  # None: no restriction (superuser); else any of these tokens
    expansions: list[Expansion]
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    like: list[tuple[str, float]] = field(default_factory=list)  # more-like-this terms, weights
    exclude_ids: list[int] = field(default_factory=list)

    @property
    def highlight_terms(self) -> tuple[set[str], tuple[str, ...]]:
        """(terms, prefixes) a snippet should mark: the query's own and the expansions'."""
        terms, prefixes = self.query_highlight_terms
        for exp in self.expansions:
            for phrase in exp.phrases:
                terms.update(t for t in phrase if _worth_marking(t))
        return terms, prefixes

    @property
    def query_highlight_terms(self) -> tuple[set[str], tuple[str, ...]]:
        """(terms, prefixes) of the query's own words, without the expansions'."""
        terms: set[str] = set()
        prefixes: list[str] = []
        for group in self.must:
            for clause in group:
                if clause.kind == "prefix":
                    prefixes.append(clause.terms[0])
                else:
                    terms.update(clause.terms)
        return terms, tuple(prefixes)


def _worth_marking(term: str) -> bool:
    # An expansion's function words, numbers and one- or two-letter pieces ("n", "19" of
    # "loi n° 19-12") say nothing alone, and a short stem makes the snippet look at every word
    # holding its letters (one candidate per word for "n": 10 ms for a page of snippets).
    return len(term) > 2 and not term.isdigit() and term not in _stop_terms()


# Function words of the three languages: not worth marking when they come from an expansion.
_STOP_WORDS = (
    "le la les l de du des d un une et ou à au aux en dans par pour sur avec ce cette qui que "
    "the of to and or in on for by with a an is are at as from "
    "في من على إلى الى عن أو و ال التي الذي ما لا"
)


@lru_cache(maxsize=1)
def _stop_terms() -> frozenset[str]:
    return frozenset(text_terms(_STOP_WORDS, "fr") + text_terms(_STOP_WORDS, "en"))


def _clauses(atom, lang: str | None) -> list[Clause]:
    if isinstance(atom, Phrase):
        return [Clause("phrase", seq) for seq in phrase_variants(atom.words, lang)]
    out = []
    for seq in query_word_variants(atom.text, lang):
        if atom.prefix:
            out.append(Clause("prefix", (seq[-1],)))
        else:
            out.append(Clause("term" if len(seq) == 1 else "phrase", seq))
    return out


def plan_for(
    query: Query,
    *,
    access: list[str] | None,
    expand: bool = True,
    lang: str | None = None,
    sort: str = "relevance",
    offset: int = 0,
    limit: int = 20,
    facets: bool = True,
) -> SearchPlan:
    must = []
    for group in query.must:
        alternatives = [c for atom in group for c in _clauses(atom, lang)]
        if alternatives:
            must.append(list(dict.fromkeys(alternatives)))
    must_not = [c for atom in query.must_not for c in _clauses(atom, lang)]
    return SearchPlan(
        must=must,
        must_not=must_not,
        filters=dict(query.filters),
        years=query.years,
        access=access,
        expansions=expansions_for(query) if expand and must else [],
        sort=sort if sort in ("relevance", "date") else "relevance",
        offset=max(0, offset),
        limit=max(1, min(limit, 100)),
        facets=facets,
    )
