"""Official references (``loi n° 02-03``, ``ظهير شريف رقم 1.03.196``, ``Law No. 64 of 2010``).

How it reads a text: every *number marker* (``n°``, ``No.``, ``رقم``, ``عدد``) followed by a
number is a candidate; the act type is the nearest *type word* before it (``loi``, ``dahir``,
``القانون``, ``Decree``…) within a few words and without crossing a sentence end, so
``arrêté du ministre de l'intérieur n° 123-45`` and ``اتفاقية منظمة العمل الدولية رقم 143`` are
read, while the nearest type wins in ``la loi relative aux étrangers et le décret n° 2-09-607``.
A type word directly followed by a separated number (``la loi 02-03``) needs no marker.

Numbers are normalised so the three languages meet: separators become ``-`` (``02.03`` →
``02-03``); ``number of year`` becomes ``64/2010``, except the Tunisian ``عدد 61 لسنة 2016``,
which is ``2016-61`` as in the French official numbering. The text is expected to have been
through :func:`migralex.common.text.clean` (Eastern-Arabic digits already ASCII).
"""

from __future__ import annotations

import re

_AR_PREFIX = r"(?<![\w])[وفبلك]{0,3}(?:ال)?"
_W = r"(?![\w])"

# (type, regex) in priority order for the same position; longer forms first.
_TYPE_WORDS: list[tuple[str, str]] = [
    # Egyptian and Libyan presidential / cabinet decisions are decrees, not ministerial orders.
    (
        "decree",
        r"(?<![\w])[وفبلك]{0,3}(?:ال)?قرار\s+(?:ال)?(?:رئيس\s+(?:ال)?جمهورية|رئيس\s+مجلس\s+الوزراء"
        r"|المجلس\s+الرئاسي|مجلس\s+الوزراء)",
    ),
    ("dahir", _AR_PREFIX + r"ظهير(?:\s+(?:ال)?شريف)?" + _W),
    ("dahir", r"(?<![\w])dahirs?(?:\s+ch[ée]rifiens?)?" + _W),
    ("law", _AR_PREFIX + r"(?:قانون|قوانين)" + _W),
    ("law", r"(?<![\w])(?:projet\s+de\s+|proposition\s+de\s+)?lois?(?:-cadre)?" + _W),
    ("law", r"(?<![\w])(?:laws?|acts?)" + _W),
    ("decree", _AR_PREFIX + r"(?:مرسوم|مراسيم)" + _W),
    ("decree", _AR_PREFIX + r"[أا]مر(?:\s+(?:ال)?(?:حكومي|رئاسي))?" + _W),
    ("decree", r"(?<![\w])d[ée]crets?(?:-lois?)?" + _W),
    ("decree", r"(?<![\w])decrees?(?:-laws?)?" + _W),
    ("order", _AR_PREFIX + r"قرار(?:ات)?" + _W),
    ("order", r"(?<![\w])arr[êe]t[ée]s?" + _W),
    ("order", r"(?<![\w])(?:ministerial\s+)?orders?" + _W),
    ("circular", _AR_PREFIX + r"(?:دورية|منشور|مذكرة)" + _W),
    ("circular", r"(?<![\w])circulaires?" + _W),
    ("circular", r"(?<![\w])circulars?" + _W),
    ("convention", _AR_PREFIX + r"اتفاقي(?:ة|ات)" + _W),
    ("convention", r"(?<![\w])conventions?" + _W),
]
_TYPE_RE = re.compile(
    "|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(_TYPE_WORDS)),
    re.IGNORECASE,
)

_MARKER = (
    r"(?:n\s?[°º]\s?s?|n[°º]s|nos?\.|no(?=\s*\(?\d)|num[ée]ros?|numbers?"
    r"|(?:ال)?رقم|(?:ال)?عدد|تحت\s+رقم)"
)
_NUMBER = r"\d{1,4}(?:\s?[-./]\s?\d{1,5}){0,3}"
_YEAR = (
    r"(?:\s*,?\s*(?:de|du|of|for|of\s+the\s+year|for\s+the\s+year|لسنة|للسنة|لعام|سنة)"
    r"\s+(?P<year>(?:19|20)\d\d))"
)
_MARKED_RE = re.compile(
    rf"(?P<marker>{_MARKER})\s*\(?\s*(?P<number>{_NUMBER})\s*\)?(?:{_YEAR})?(?![\w])",
    re.IGNORECASE,
)
# A list after one reference: "conventions n° 97, 102 et 187", "القانونين رقم 12.90 و25.90".
_MORE_RE = re.compile(rf"\s*(?:,|\bet\b|\band\b|و)\s*(?P<number>{_NUMBER})(?![\w])")
_BARE_NUMBER_RE = re.compile(
    rf"(?<![\w./-])(?P<number>\d{{1,4}}[-./]\d{{1,5}}(?:[-./]\d{{1,5}})?){_YEAR}?(?![\w])"
)
_BETWEEN_MAX_WORDS = 6
# The dot of an abbreviation ("No.", "Nos.", "art.") ends no sentence: in "Conventions No. 102
# on social security and No. 187" the second number still belongs to "Conventions", and in "Law
# No. 5 of 2001 is repealed" the law is still the subject.
_SENTENCE_DOT = r"(?<!\bno)(?<!\bnos)(?<!\bart)(?<!\bp)\."
SENTENCE_END = re.compile(rf"(?:{_SENTENCE_DOT}|[;!?؛])\s|\n", re.IGNORECASE)
# Between a type word and its number a colon also cuts ("la loi : n° 5" is not a reference).
_CLAUSE_END = re.compile(rf"(?:{_SENTENCE_DOT}|[;:!?؛])\s|\n", re.IGNORECASE)


def normalise_number(number: str, year: str | None = None, marker: str = "", type_=""):
    """``02.03`` → ``02-03``; ``64`` + ``2010`` → ``64/2010``; ``عدد 61 لسنة 2016`` → ``2016-61``."""
    number = re.sub(r"\s+", "", number)
    if year and type_ != "convention" and re.fullmatch(r"\d{1,4}", number):
        if "عدد" in marker:
            return f"{year}-{int(number)}"
        return f"{int(number)}/{year}"
    parts = re.split(r"[-./]", number)
    if len(parts) == 2 and "/" in number and re.fullmatch(r"(?:19|20)\d\d", parts[1]):
        return f"{parts[0]}/{parts[1]}"
    return "-".join(p for p in parts if p)


def _shape(number: str) -> int:
    return len(re.findall(r"[-./]", number))


def _list_item_ok(number: str, shape: int) -> bool:
    # Only numbers shaped like the first one continue a list ("n° 97, 102 et 187"); a year or
    # a count after a comma ("loi n° 02-03, 12 mois") does not.
    return _shape(number) == shape and not re.fullmatch(r"(?:19|20)\d\d", number)


# "dahir portant loi n° 1-73-255", "ظهير شريف بمثابة قانون رقم 1.77.339": a dahir having the
# force of law is numbered and cited as a dahir.
_DAHIR_AS_LAW = re.compile(
    r"(?:dahirs?(?:\s+ch[ée]rifiens?)?\s+portant|ظهير(?:\s+(?:ال)?شريف)?\s+بمثابة)\s*$",
    re.IGNORECASE,
)


def _type_of(match: re.Match) -> str:
    type_ = _TYPE_WORDS[int(match.lastgroup[1:])][0]
    if type_ == "law" and _DAHIR_AS_LAW.search(
        match.string, max(0, match.start() - 40), match.start()
    ):
        return "dahir"
    return type_


def _nearest_type(text: str, end: int) -> re.Match | None:
    """The last type word ending before ``end`` within a few words, not across a sentence end."""
    window_start = max(0, end - 160)
    window = text[window_start:end]
    last = None
    for match in _TYPE_RE.finditer(window):
        last = match
    if last is None:
        return None
    between = window[last.end() :]
    if _CLAUSE_END.search(between) or len(between.split()) > _BETWEEN_MAX_WORDS:
        return None
    # Re-anchor on the full text so spans are absolute.
    return _TYPE_RE.match(text, window_start + last.start())


def extract_references(text: str) -> list[dict]:
    """References in ``text`` in order of appearance, each ``{"type", "number", "text",
    "start", "end"}``; duplicates (same type and number) are kept once, at their first place."""
    found: list[dict] = []
    seen: set[tuple[str, str]] = set()
    taken: list[tuple[int, int]] = []

    def add(type_: str, number: str, start: int, end: int) -> None:
        key = (type_, number)
        taken.append((start, end))
        if key in seen or not number:
            return
        seen.add(key)
        found.append(
            {
                "type": type_,
                "number": number,
                "text": " ".join(text[start:end].split()),
                "start": start,
                "end": end,
            }
        )

    for marked in _MARKED_RE.finditer(text):
        type_match = _nearest_type(text, marked.start())
        if type_match is None:
            continue
        type_ = _type_of(type_match)
        marker = marked.group("marker")
        number = normalise_number(marked.group("number"), marked.group("year"), marker, type_)
        add(type_, number, type_match.start(), marked.end())
        pos = marked.end()
        shape = _shape(marked.group("number"))
        while (more := _MORE_RE.match(text, pos)) and _list_item_ok(more.group("number"), shape):
            number = normalise_number(more.group("number"), None, marker, type_)
            add(type_, number, more.start("number"), more.end())
            pos = more.end()

    # Bare references ("la loi 02-03"): start from the separated numbers, which are rare, and
    # look for a type word right before them (scanning every type word would cost more).
    for bare in _BARE_NUMBER_RE.finditer(text):
        if any(s <= bare.start() < e for s, e in taken):
            continue
        type_match = _nearest_type(text, bare.start())
        if type_match is None or text[type_match.end() : bare.start()].strip():
            continue
        type_ = _type_of(type_match)
        number = normalise_number(bare.group("number"), bare.group("year"), "", type_)
        add(type_, number, type_match.start(), bare.end())

    found.sort(key=lambda ref: ref["start"])
    return found


def opening_type(heading: str) -> str | None:
    """The act type named by the first word(s) of ``heading`` (``Décret fixant …`` → decree)."""
    match = _TYPE_RE.match(heading.lstrip(" -–—•*#\t"))
    return _type_of(match) if match else None


def public(references: list[dict]) -> list[dict]:
    """The contract's form of references (no offsets)."""
    return [{k: ref[k] for k in ("type", "number", "text")} for ref in references]
