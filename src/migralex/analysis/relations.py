"""Relations between texts, from the phrases that carry them.

``modifiant et complétant la loi n° 02-03`` → amends; ``pris pour l'application de`` →
implements; ``abrogeant`` → repeals; and their Arabic (``بتغيير وتتميم``, ``بتطبيق``, ``بنسخ``)
and English (``amending``, ``implementing``, ``repealing``) forms. A phrase governs the
references that follow it closely (a list of them included); passive forms (``la loi n° X est
abrogée``, ``تنسخ أحكام القانون``) govern the reference before or after them in the sentence.
Every other reference that is not the text's own number is cited (``cites``).
"""

from __future__ import annotations

import re

from migralex.analysis.references import SENTENCE_END

_PHRASES = {
    "amends": [
        r"modifiant(?:\s+et\s+compl[ée]tant)?",
        r"compl[ée]tant",
        r"portant\s+modification",
        r"modifi(?:ant|ée?s?)\s+certaines\s+dispositions",
        r"amend(?:ing|s|ed|ment\s+(?:of|to))",
        r"supplementing",
        r"بتغيير(?:\s+وتتميم)?",
        r"بتتميم",
        r"يغير(?:\s+ويتمم)?",
        r"بتعديل",
        r"يعدل",
        r"بتنقيح(?:\s+وإتمام)?",
        r"تنقيح",
        r"المعدل\s+ب",
        r"المتمم",
    ],
    "repeals": [
        r"abrog(?:eant|ation|[ée]e?s?)",
        r"repeal(?:ing|s|ed)?",
        r"بنسخ",
        r"ينسخ",
        r"تنسخ",
        r"نسخ",
        r"بإلغاء",
        r"يلغى",
        r"تلغى",
        r"إلغاء",
    ],
    "implements": [
        r"pris\s+pour\s+l['’]application\s+d[eu]",
        r"portant\s+application\s+d[eu]",
        r"fixant\s+les\s+modalit[ée]s\s+d['’]application\s+d[eu]",
        r"en\s+application\s+d[eu]",
        r"implementing",
        r"for\s+the\s+implementation\s+of",
        r"implementing\s+regulations\s+of",
        r"بتطبيق",
        r"لتطبيق",
        r"تطبيقا\s+ل",
        r"بتحديد\s+كيفيات\s+تطبيق",
        r"اللائحة\s+التنفيذية\s+ل",
    ],
}
_PHRASE_RE = re.compile(
    "|".join(
        f"(?P<{rel}{i}>(?<![\\w]){p})"
        for rel, patterns in _PHRASES.items()
        for i, p in enumerate(patterns)
    ),
    re.IGNORECASE,
)
_FORWARD_CHARS = 120  # "modifiant et complétant le dahir portant loi n° …": a few words
# Between two references of a list: "… n° 02-03 et la loi n° 03-03", "… 12.90 و25.90".
_LIST_GAP = re.compile(
    r"\s*(?:,|et|and|ou|or|و)?\s*(?:(?:de\s+)?(?:la|le|les|l')|the)?\s*", re.IGNORECASE
)


def _relation(match: re.Match) -> str:
    return re.sub(r"\d+$", "", match.lastgroup)


def _phrases_near(text: str, refs: list[dict]):
    """Relation phrases within reach of a reference: scanning only there keeps a long text
    with few references cheap."""
    windows: list[list[int]] = []
    for ref in refs:
        start = max(0, ref["start"] - _FORWARD_CHARS - 40)
        end = ref["end"] + _FORWARD_CHARS
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    for start, end in windows:
        yield from _PHRASE_RE.finditer(text, start, end)


def extract_relations(text: str, references: list[dict], own: set[tuple[str, str]]) -> list[dict]:
    """Typed relations to ``references`` (with offsets) that are not in ``own``."""
    typed: dict[tuple[str, str], str] = {}
    refs = [r for r in references if (r["type"], r["number"]) not in own]
    if not refs:
        return []
    for match in _phrases_near(text, refs):
        relation = _relation(match)
        after = text[match.end() : match.end() + _FORWARD_CHARS]
        stop = SENTENCE_END.search(after)
        limit = match.end() + (stop.start() if stop else len(after))
        following = [r for r in refs if match.end() <= r["start"] < limit]
        if following:
            # The first reference and a list right after it ("… n° 02-03 et n° 03-03").
            chain = [following[0]]
            for ref in following[1:]:
                gap = text[chain[-1]["end"] : ref["start"]]
                if _LIST_GAP.fullmatch(gap):
                    chain.append(ref)
            for ref in chain:
                typed.setdefault((ref["type"], ref["number"]), relation)
            continue
        # Passive: "la loi n° 12-34 est abrogée", "Law No. 5 of 2001 is repealed".
        before = text[max(0, match.start() - _FORWARD_CHARS) : match.start()]
        cut = list(SENTENCE_END.finditer(before))
        start = match.start() - len(before) + (cut[-1].end() if cut else 0)
        preceding = [r for r in refs if start <= r["start"] and r["end"] <= match.start()]
        if preceding:
            ref = preceding[-1]
            typed.setdefault((ref["type"], ref["number"]), relation)
    relations = []
    seen = set()
    for ref in refs:
        key = (ref["type"], ref["number"])
        if key in seen:
            continue
        seen.add(key)
        relations.append(
            {"type": typed.get(key, "cites"), "target": {"type": key[0], "number": key[1]}}
        )
    return relations
