"""``analyse_text``: the pure analyser behind ``migralex analyze`` and ``analyse_version``.

Pure means: no database, no network, no settings. It reads only package data files (thesaurus,
trained model), so ``migralex analyze`` works on a fresh machine with an empty data dir.
The result is the JSON contract of issue 4 (without ``id``, which the caller adds).
"""

from __future__ import annotations

from migralex.analysis.language import detect_language
from migralex.common.text import clean

# Long texts: the heading and first pages decide type, country and gazette; references,
# dates and relations are read from a bounded prefix so a 300-page law costs bounded memory
# and time (the citing phrases of a law are in its heading and first articles).
HEAD_CHARS = 4000
BODY_CHARS = 200_000


def first_line(text: str, limit: int = 300) -> str | None:
    for line in text.split("\n"):
        line = line.strip()
        if len(line) >= 3:
            return line[:limit]
    return None


def analyse_text(text: str, title: str | None = None) -> dict:
    """Analyse one text (and its title when known) into the contract's fields."""
    text = clean(text or "")[:BODY_CHARS]
    title = clean(title) if title else first_line(text)
    language = detect_language(text, title)
    return {
        "language": language,
        "title": title,
        "doc_type": "other",
        "country": None,
        "relevant": False,
        "relevance": 0.0,
        "themes": [],
        "references": [],
        "dates": [],
        "gazette": None,
        "relations": [],
    }
