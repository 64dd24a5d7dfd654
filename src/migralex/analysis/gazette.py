"""Official gazette references: where a text was published.

Recognised: the Moroccan *Bulletin officiel* (``B.O. n° 5162``, ``الجريدة الرسمية عدد 5160``),
the Tunisian *JORT* (``Journal officiel de la République tunisienne n° 66``, ``الرائد الرسمي
للجمهورية التونسية عدد 66``), the Egyptian *Official Gazette* and *al-Waqa'i al-Misriya*
(``الجريدة الرسمية العدد 44 مكرر``, ``الوقائع المصرية``) and the Libyan gazette. The bare Arabic
``الجريدة الرسمية`` is shared by Morocco, Egypt and Libya: its name is settled from the country
of the text (see :func:`gazette_name_for`).
"""

from __future__ import annotations

import re

from migralex.analysis.dates import extract_dates

# (canonical key, country or None, pattern)
_GAZETTES = [
    (
        "JORT",
        "TN",
        r"journal\s+officiel\s+de\s+la\s+r[ée]publique\s+tunisienne|\bJORT\b"
        r"|official\s+(?:journal|gazette)\s+of\s+the\s+(?:tunisian\s+)?republic(?:\s+of\s+tunisia)?"
        r"|[وب]?ال?رائد\s+ال?رسمي(?:\s+للجمهورية\s+التونسية)?",
    ),
    ("Al-Waqa'i al-Misriya", "EG", r"[وب]?ال?وقائع\s+المصرية|al-waqa'?i'?\s+al-misriy+a"),
    (
        "Bulletin officiel",
        "MA",
        r"bulletin\s+officiel(?:\s+du\s+royaume\s+du\s+maroc)?"
        r"|\bB\.\s?O\.?(?=\s*n)|\bBO\b(?=\s*n)|official\s+bulletin(?:\s+of\s+the\s+kingdom\s+of\s+morocco)?"
        r"|[وب]?ال?جريدة\s+ال?رسمية\s+للمملكة\s+المغربية",
    ),
    (
        "Official Gazette",
        "EG",
        r"(?:egyptian\s+)?official\s+gazette(?:\s+of\s+egypt)?"
        r"|[وب]?ال?جريدة\s+ال?رسمية\s+لجمهورية\s+مصر\s+العربية",
    ),
    ("Official Gazette", "LY", r"[وب]?ال?جريدة\s+ال?رسمية\s+الليبية|libyan\s+official\s+gazette"),
    ("Official Gazette", None, r"[وب]?ال?جريدة\s+ال?رسمية|journal\s+officiel"),
]
_GAZETTE_RE = re.compile(
    "|".join(f"(?P<g{i}>{pattern})" for i, (_, _, pattern) in enumerate(_GAZETTES)),
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(
    r"\s*[,(]?\s*(?:n\s?[°º]|nos?\.|no(?=\s*\d)|numéro|number|issue(?:\s+no\.?)?|(?:ال)?عدد|رقم)"
    r"\s*(?P<number>\d{1,6})(?:\s*\(?\s*(?P<bis>bis|مكرر|\(?[a-zأ-ي]\)?)\s*\)?)?",
    re.IGNORECASE,
)
# Cheap test before the full pattern: most texts name no gazette.
_PREFILTER = (
    "officiel",
    "jort",
    "gazette",
    "bulletin",
    "journal",
    "الجريدة",
    "الرائد",
    "الوقائع",
    "waqa",
)
_BO_RE = re.compile(r"\bB\.?\s?O\b")
# Names of the Arabic generic gazette per country.
_BY_COUNTRY = {
    "MA": "Bulletin officiel",
    "EG": "Official Gazette",
    "LY": "Official Gazette",
    "TN": "JORT",
}


def extract_gazettes(text: str) -> list[dict]:
    """Gazette references with a number: ``{"name", "country", "number", "date", "text"}``."""
    found: list[dict] = []
    lowered = text.casefold()
    if not any(word in lowered for word in _PREFILTER) and not _BO_RE.search(text):
        return found
    for match in _GAZETTE_RE.finditer(text):
        name, country, _ = _GAZETTES[int(match.lastgroup[1:])]
        number = _NUMBER_RE.match(text, match.end())
        if number is None:
            continue
        value = number.group("number")
        if number.group("bis") and number.group("bis").strip("()").lower() in ("bis", "مكرر"):
            value += " bis"
        end = number.end()
        date = None
        # The date follows within a few words ("du 20 novembre 2003", "بتاريخ …").
        window = text[end : end + 80]
        dates = extract_dates(window)
        if dates and dates[0]["start"] <= 20:
            # Prefer the Gregorian half of a dual date: it is what the gazette prints.
            gregorian = [d for d in dates[:2] if d["calendar"] == "gregorian"]
            chosen = gregorian[0] if gregorian else dates[0]
            date = chosen["date"]
            end = end + chosen["end"]
            if text[end : end + 1] == ")" and "(" in text[match.start() : end]:
                end += 1
        found.append(
            {
                "name": name,
                "country": country,
                "number": value,
                "date": date,
                "text": " ".join(text[match.start() : end].split()),
            }
        )
    return found


def gazette_name_for(gazette: dict, country: str | None) -> dict:
    """Settle a generic gazette's name and country from the text's country."""
    if gazette["country"] is None and country in _BY_COUNTRY:
        return {**gazette, "name": _BY_COUNTRY[country], "country": country}
    return gazette


def public(gazette: dict | None) -> dict | None:
    if gazette is None:
        return None
    return {k: gazette[k] for k in ("name", "number", "date", "text")}
