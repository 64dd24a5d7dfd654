"""The query language, parsed into a plain data structure shared by both search backends and by
the alert percolator.

Grammar (informal)::

    query   := item*
    item    := ["-"] atom | item "OR" item | field ":" value
    atom    := word | word "*" | '"' word+ '"'
    field   := type | country | theme | group | year | lang | source | status
    year    := 2016 | 2016..2020 | 2016.. | ..2020

Items are AND-ed; ``a OR b`` makes one group of alternatives; ``-atom`` excludes; field filters
restrict (several values of one field are OR-ed: ``country:MA country:TN``). Words are kept as the
user wrote them: analysis (folding, stemming) happens later, per backend-neutral term, in
:mod:`migralex.search.analysis`.

:func:`parse` never raises: input it cannot read (an unclosed quote, a dangling OR, a bad year…)
is searched as plain words and :attr:`Query.notice` says so, for the UI to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migralex.common.text import clean, tokenize

FIELDS = ("type", "country", "theme", "group", "year", "lang", "source", "status")
FALLBACK_NOTICE = "syntax error: searched as plain words"
MAX_QUERY_CHARS = 1000
MAX_ITEMS = 32
_YEAR = re.compile(r"^(\d{4})?(\.\.)?(\d{4})?$")
_VALUE = re.compile(r"^[\w.\-/]+$")
# A lexical token: a quoted phrase (possibly unclosed), or a run of non-space characters.
_LEX = re.compile(r'-?"[^"]*"?|\S+')


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


Atom = Word | Phrase


@dataclass(frozen=True)
class Query:
    """A parsed query. ``must``: groups of alternatives, every group must match one of its atoms;
    ``must_not``: atoms no result may match; ``filters``: field -> allowed values; ``years``:
    inclusive (first, last) bounds, None for open; ``notice``: why the query was read as plain
    words, when it was."""

    must: tuple[tuple[Atom, ...], ...] = ()
    must_not: tuple[Atom, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[int | None, int | None] | None = None
    notice: str | None = None
    raw: str = ""

    @property
    def is_empty(self) -> bool:
        """No words at all (a filter-only query lists documents)."""
        return not self.must

    def positive_atoms(self) -> list[Atom]:
        return [atom for group in self.must for atom in group]


class _SyntaxProblem(ValueError):
    pass


def parse(q: str | None) -> Query:
    """Parse ``q``; on any syntax problem fall back to plain words with a notice. Never raises."""
    raw = (q or "")[:MAX_QUERY_CHARS]
    text = clean(raw)
    try:
        return _parse_strict(text, raw)
    except _SyntaxProblem:
        return plain_words(text, raw, notice=FALLBACK_NOTICE)


def plain_words(text: str, raw: str = "", notice: str | None = None) -> Query:
    words = [w for w in tokenize(text)][:MAX_ITEMS]
    return Query(must=tuple((Word(w),) for w in words), notice=notice, raw=raw or text)


def _parse_strict(text: str, raw: str) -> Query:
    groups: list[list[Atom]] = []
    must_not: list[Atom] = []
    filters: dict[str, list[str]] = {}
    years: tuple[int | None, int | None] | None = None
    pending_or = False
    lexemes = _LEX.findall(text)
    if len(lexemes) > MAX_ITEMS * 2:
        raise _SyntaxProblem("too many items")
    for lexeme in lexemes:
        if lexeme == "OR":
            if not groups or pending_or:
                raise _SyntaxProblem("OR without a left side")
            pending_or = True
            continue
        negated = lexeme.startswith("-") and len(lexeme) > 1
        body = lexeme[1:] if negated else lexeme
        name, sep, value = body.partition(":")
        if sep and name.lower() in FIELDS and not body.startswith('"'):
            if negated or pending_or:
                raise _SyntaxProblem("field filters cannot be negated or OR-ed")
            name = name.lower()
            if name == "year":
                years = _parse_years(value)
            else:
                filters.setdefault(name, []).append(_filter_value(name, value))
            continue
        atom = _parse_atom(body)
        if atom is None:
            if negated or pending_or:
                raise _SyntaxProblem("operator without a word")
            continue  # punctuation only: nothing to search for
        if negated:
            must_not.append(atom)
        elif pending_or:
            groups[-1].append(atom)
            pending_or = False
        else:
            groups.append([atom])
    if pending_or:
        raise _SyntaxProblem("OR without a right side")
    return Query(
        must=tuple(tuple(g) for g in groups),
        must_not=tuple(must_not),
        filters={k: tuple(dict.fromkeys(v)) for k, v in filters.items()},
        years=years,
        raw=raw,
    )


def _parse_atom(body: str) -> Atom | None:
    if body.startswith('"'):
        if len(body) < 2 or not body.endswith('"'):
            raise _SyntaxProblem("unclosed quote")
        words = tokenize(body[1:-1])
        if not words:
            raise _SyntaxProblem("empty phrase")
        return Phrase(tuple(words)) if len(words) > 1 else Word(words[0])
    if '"' in body:
        raise _SyntaxProblem("quote inside a word")
    prefix = body.endswith("*")
    stem = body.rstrip("*")
    if "*" in stem:
        raise _SyntaxProblem("wildcard inside a word")
    words = tokenize(stem)
    if not words:
        if prefix:
            raise _SyntaxProblem("wildcard without a word")
        return None
    if len(words) > 1:
        # "l'étranger", "19-12": one written item, several words; search them as a phrase.
        if prefix:
            raise _SyntaxProblem("wildcard after punctuation")
        return Phrase(tuple(words))
    if prefix and len(words[0]) < 2:
        raise _SyntaxProblem("prefix too short")
    return Word(words[0], prefix=prefix)


def _filter_value(name: str, value: str) -> str:
    if not value or not _VALUE.match(value):
        raise _SyntaxProblem(f"bad value for {name}")
    return value.upper() if name == "country" else value.lower()


def _parse_years(value: str) -> tuple[int | None, int | None]:
    match = _YEAR.match(value)
    if not value or not match:
        raise _SyntaxProblem("bad year")
    first, dots, last = match.groups()
    if not dots:
        if not first or last:
            raise _SyntaxProblem("bad year")
        return int(first), int(first)
    if not first and not last:
        raise _SyntaxProblem("bad year range")
    lo, hi = (int(first) if first else None), (int(last) if last else None)
    if lo is not None and hi is not None and lo > hi:
        raise _SyntaxProblem("year range reversed")
    return lo, hi


def query_with_filters(query: Query, filters: dict | None) -> Query:
    """``query`` restricted further by UI/API filters ({"country": "MA" | [..], "year": "2016..2020"}).
    Unknown filter names or bad values are ignored (the UI only offers valid ones)."""
    if not filters:
        return query
    merged = {k: list(v) for k, v in query.filters.items()}
    years = query.years
    for name, values in filters.items():
        if name not in FIELDS or values in (None, "", []):
            continue
        values = [values] if isinstance(values, str | int) else list(values)
        try:
            if name == "year":
                years = _parse_years(str(values[0]))
                continue
            cleaned = [_filter_value(name, str(v)) for v in values]
        except _SyntaxProblem:
            continue
        # A filter given both in the text and by the UI must satisfy both: intersect.
        merged[name] = [v for v in merged[name] if v in cleaned] if name in merged else cleaned
        if not merged[name]:
            merged[name] = ["\x00none"]
    return Query(
        must=query.must,
        must_not=query.must_not,
        filters={k: tuple(dict.fromkeys(v)) for k, v in merged.items()},
        years=years,
        notice=query.notice,
        raw=query.raw,
    )
