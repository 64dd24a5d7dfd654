"""Literal ``tsvector`` and ``tsquery`` values of the PostgreSQL backend, built from the same
analysed terms and :class:`SearchPlan` as the tantivy backend (PostgreSQL never applies a text
search configuration of its own). Pure functions: no database needed to test them."""

from __future__ import annotations

from collections.abc import Mapping

from migralex.search.plan import Clause, IndexRecord, SearchPlan

MAX_POSITION = 16383  # PostgreSQL's limit; later positions are clamped by it anyway
MAX_LEXEMES_CHARS = 900_000  # tsvector values are capped at 1 MB
COUNT_TERM = "all"  # a facet lexeme every row has: its ts_stat count is the number of matches
PHRASE = " <-> "  # in a tsquery literal: a phrase (lexemes never contain it)


def quote_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(
    title_terms: list[str], body_terms: list[str], concepts: Mapping[str, int] | None = None
) -> str:
    """'term':1A,5 … with positions; title terms at weight A (ranked higher).

    ``concepts`` (thesaurus concept -> occurrences, see ``expansion.document_concepts``) become
    lexemes of their own with one position per occurrence after the text's (their frequency
    ranks the expansion tier; no phrase of the query language spans them)."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, terms in (("A", title_terms), ("", body_terms)):
        for term in terms:
            pos = min(pos + 1, MAX_POSITION)
            slot = positions.setdefault(term, [])
            if len(slot) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                slot.append(f"{pos}{weight}")
    parts, size = [], 0
    for concept, n in (concepts or {}).items():  # first: never cut by the size limit below
        slots = []
        for _ in range(min(n, 256)):
            pos = min(pos + 1, MAX_POSITION)
            slots.append(str(pos))
        positions.pop(concept, None)
        part = f"{quote_lexeme(concept)}:{','.join(slots)}"
        size += len(part) + 1
        parts.append(part)
    for term, slots in positions.items():
        part = f"{quote_lexeme(term)}:{','.join(slots)}"
        size += len(part) + 1
        if size > MAX_LEXEMES_CHARS:
            break
        parts.append(part)
    return " ".join(parts)


def facet_terms_literal(r: IndexRecord) -> str:
    """The row's facet lexemes: "name:value" per facet value, and COUNT_TERM."""
    terms = {COUNT_TERM}
    for name, values in r.facets.items():
        terms.update(f"{name}:{value}" for value in values if value)
    if r.year > 0:
        terms.add(f"year:{r.year}")
    return " ".join(quote_lexeme(t) for t in sorted(terms))


def clause_literal(clause: Clause) -> str:
    if clause.kind == "prefix":
        return f"{quote_lexeme(clause.terms[0])}:*"
    if len(clause.terms) > 1:
        return "(" + PHRASE.join(quote_lexeme(t) for t in clause.terms) + ")"
    return quote_lexeme(clause.terms[0])


def main_tsquery(plan: SearchPlan) -> str | None:
    groups = []
    for group in plan.must:
        groups.append("(" + " | ".join(clause_literal(c) for c in group) + ")")
    if plan.like:
        groups = ["(" + " | ".join(quote_lexeme(t) for t, _ in plan.like) + ")"]
    if not groups:
        return None
    return " & ".join(groups)


def expansion_phrases(plan: SearchPlan) -> list[str]:
    return list(
        dict.fromkeys(
            clause_literal(Clause("phrase", phrase))
            for exp in plan.expansions
            for phrase in exp.phrases
        )
    )


def expansion_tsqueries(plan: SearchPlan) -> list[str]:
    """What the expansion tier looks for: the expansions' concept lexemes, stored at indexing
    (one lexeme lookup per language, no positions to read), when every expansion has them;
    else its phrases. The 14-18 phrases of an expansion are made of frequent words ("de",
    "la"): measured 7.1 s for RUM to rank them for one query at 100k documents."""
    if not plan.expansions:
        return []
    if all(exp.concepts for exp in plan.expansions):
        concepts = dict.fromkeys(c for exp in plan.expansions for c in exp.concepts)
        return ["(" + " | ".join(map(quote_lexeme, concepts)) + ")"]
    return expansion_phrases(plan)
