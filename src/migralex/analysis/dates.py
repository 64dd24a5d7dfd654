"""Dates in legal texts: Gregorian and Hijri, in French, Arabic and English.

Month names come in several families: French and English; Arabic in the Mashreq/Egyptian form
(يناير، فبراير…), the Moroccan form (ماي، يوليوز، غشت، شتنبر، نونبر، دجنبر), the Tunisian and
Algerian form (جانفي، فيفري، أفريل، جوان، جويلية، أوت) and the Levantine Syriac names (كانون
الثاني، شباط، آذار…); Hijri months in Arabic and in the French transliterations of Moroccan
official texts (safar, rabii I, joumada II, chaabane, chaoual, kaada, hija…). A Hijri date is
converted to the Gregorian calendar (Umm al-Qura tables, hijridate) for ``date``; the Hijri
date itself is kept in ``hijri``. Dual dates, ``16 ramadan 1424 (11 novembre 2003)``, give two
entries with the same role.

The role of a date is read from the words just before it, in the same sentence: publication
(Bulletin officiel, الجريدة الرسمية, published…), entry into force, promulgation, signature
(``fait à``, ``صادر في``, or a date right after the text's own reference), else ``other``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from hijridate import Hijri

from migralex.common.text import fold

_GREGORIAN = {
    1: "janvier january يناير كانون-الثاني جانفي",
    2: "fevrier february فبراير شباط فيفري",
    3: "mars march مارس اذار",
    4: "avril april ابريل افريل نيسان",
    5: "mai may مايو ماي ايار",
    6: "juin june يونيو يونيه حزيران جوان",
    7: "juillet july يوليو يوليه يوليوز تموز جويليه",
    8: "aout august اغسطس غشت اب اوت",
    9: "septembre september سبتمبر شتنبر ايلول",
    10: "octobre october اكتوبر تشرين-الاول",
    11: "novembre november نوفمبر نونبر تشرين-الثاني",
    12: "decembre december ديسمبر دجنبر كانون-الاول",
}
_HIJRI = {
    1: "محرم المحرم moharrem mouharram muharram moharram",
    2: "صفر safar",
    3: "ربيع-الاول ربيع-الاولي rabii-i rabia-i rebia-i rabii-al-awal rabia-al-awal rabii-1 rabia-1",
    4: "ربيع-الاخر ربيع-الثاني rabii-ii rabia-ii rebia-ii rabii-al-akhir rabia-al-akhir rabii-2",
    5: "جمادي-الاولي جمادي-الاول joumada-i jumada-i joumada-al-oula joumada-1 jumada-al-ula",
    6: "جمادي-الاخره جمادي-الثانيه جمادي-الاخر joumada-ii jumada-ii joumada-al-akhira joumada-2",
    7: "رجب rejeb rajab",
    8: "شعبان chaabane chaaban shaaban chabane",
    9: "رمضان ramadan ramadane",
    10: "شوال chaoual chaouwal chawwal shawwal",
    11: "ذو-القعده ذي-القعده kaada kaada dou-al-kaada dhu-al-qadah dhul-qada",
    12: "ذو-الحجه ذي-الحجه hija hijja dou-al-hijja dhu-al-hijjah",
}


def _month_table(table: dict[int, str]) -> dict[str, int]:
    names = {}
    for month, words in table.items():
        for word in words.split():
            names[word.replace("-", " ")] = month
    return names


_G_NAMES = _month_table(_GREGORIAN)
_H_NAMES = _month_table(_HIJRI)


def _alternation(names) -> str:
    # Dates are matched on folded text (see fold); "rabii i" must be tried before "rabii".
    return "|".join(
        re.escape(n).replace(r"\ ", r"[\s\-']+") for n in sorted(names, key=len, reverse=True)
    )


_DAY = r"(?P<day>1er|premier|فاتح|\d{1,2})"
_G_MONTH = rf"(?P<gmonth>{_alternation(_G_NAMES)})"
_H_MONTH = rf"(?P<hmonth>{_alternation(_H_NAMES)})"
_LINK = r"(?:\s+(?:من|de|of))?\s+"
_DATE_RE = re.compile(
    rf"(?<![\w]){_DAY}{_LINK}(?:{_H_MONTH}|{_G_MONTH})[\s,]+(?P<year>\d{{4}})(?![\d])"
    rf"(?:\s*(?:ه|هـ|h|م)(?![\w]))?"
    rf"|(?<![\w])(?P<gmonth2>{_alternation(_G_NAMES)})\s+(?P<day2>\d{{1,2}}),?\s+(?P<year2>\d{{4}})(?![\d])"
    rf"|(?<![\d/.-])(?P<nday>\d{{1,2}})[/.-](?P<nmonth>\d{{1,2}})[/.-](?P<nyear>(?:19|20)\d\d)(?![\d/.-])"
    rf"|(?<![\d/.-])(?P<iyear>(?:19|20)\d\d)-(?P<imonth>\d\d)-(?P<iday>\d\d)(?![\d/.-])",
    re.IGNORECASE,
)

_ROLE_CUES = {
    "publication": r"publi|bulletin officiel|\bb\.? ?o\b|journal officiel|jort|gazette"
    r"|الجريده الرسميه|الرايد الرسمي|الوقايع|بالجريده|نشر|official (?:bulletin|journal)",
    "entry-into-force": r"vigueur|a compter du|prend effet|prendra effet|enter\w* into force"
    r"|entry into force|effective|with effect from|حيز التنفيذ|يعمل به|ابتداء من|اعتبارا من"
    r"|يسري|نفاذ",
    "promulgation": r"promulg|بتنفيذ|ظهير|dahir",
    "signature": r"fait a|sign|done at|adopt|حرر|وقع",
}
# Words that only say "dated": a signature unless a stronger cue is in the sentence
# ("publié au Bulletin officiel n° 5162 du …" is a publication date).
_WEAK_SIGNATURE = re.compile(r"\bdu\s*$|\bof\s*$|dated|issued|صادر|صدر|مورخ|بتاريخ", re.IGNORECASE)
_ROLE_RES = {role: re.compile(cue, re.IGNORECASE) for role, cue in _ROLE_CUES.items()}
_SENTENCE_END = re.compile(r"[.;!?؛\n](?=\s)")
_CONTEXT_CHARS = 80


def _day(value: str) -> int:
    return 1 if value.lower() in ("1er", "premier", "فاتح") else int(value)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_hijri(year: int, month: int, day: int) -> tuple[str | None, str]:
    hijri = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        return Hijri(year, month, day).to_gregorian().isoformat(), hijri
    except (ValueError, OverflowError):
        return None, hijri


def role_of(context: str) -> str:
    """The role a date takes from ``context``, the words before it in the same sentence."""
    tail = _SENTENCE_END.split(context)[-1]
    best, best_pos = "other", -1
    for role, cue in _ROLE_RES.items():
        for match in cue.finditer(tail):
            if match.end() > best_pos:
                best, best_pos = role, match.end()
    if best == "other" and _WEAK_SIGNATURE.search(tail):
        return "signature"
    return best


def _parse(m: re.Match) -> dict | None:
    if m.group("hmonth"):
        year, day = int(m.group("year")), _day(m.group("day"))
        month = _H_NAMES[re.sub(r"[\s\-']+", " ", m.group("hmonth"))]
        date, hijri = _from_hijri(year, month, day)
        return {"date": date, "calendar": "hijri", "hijri": hijri} if date else None
    if m.group("gmonth"):
        month = _G_NAMES[re.sub(r"[\s\-']+", " ", m.group("gmonth"))]
        date = _iso(int(m.group("year")), month, _day(m.group("day")))
    elif m.group("gmonth2"):
        month = _G_NAMES[re.sub(r"[\s\-']+", " ", m.group("gmonth2"))]
        date = _iso(int(m.group("year2")), month, int(m.group("day2")))
    elif m.group("nday"):
        date = _iso(int(m.group("nyear")), int(m.group("nmonth")), int(m.group("nday")))
    else:
        date = _iso(int(m.group("iyear")), int(m.group("imonth")), int(m.group("iday")))
    return {"date": date, "calendar": "gregorian"} if date else None


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` character by character and, when folding changed lengths (``œ`` → ``oe``,
    a removed diacritic), the offset in ``text`` of each folded character plus a final
    sentinel; ``None`` when offsets are unchanged (the common case, kept cheap)."""
    table = {ord(ch): _fold_char(ch) for ch in set(text)}
    folded = text.translate(table)
    if len(folded) == len(text) and all(len(v) == 1 for v in table.values()):
        return folded, None
    offsets: list[int] = []
    for i, ch in enumerate(text):
        offsets.extend([i] * len(table[ord(ch)]))
    offsets.append(len(text))
    return folded, offsets


def extract_dates(text: str, own_reference_end: int | None = None) -> list[dict]:
    """Dates of ``text`` in order: ``{"role", "date", "calendar", "text", "start", "end"}``
    (plus ``hijri`` for Hijri dates). ``own_reference_end``: where the text's own reference
    ends; a date right after it is the text's own date."""
    folded, offsets = fold_with_offsets(text)
    if offsets is None:
        offsets = _Identity()
    found: list[dict] = []
    previous_end, previous_role = -10, None
    for m in _DATE_RE.finditer(folded):
        parsed = _parse(m)
        if parsed is None:
            continue
        context = folded[max(0, m.start() - _CONTEXT_CHARS) : m.start()]
        gap = folded[previous_end : m.start()]
        if previous_role and re.fullmatch(r"\s*[(\[]\s*", gap):
            role = previous_role  # the Gregorian half of a dual date
        elif own_reference_end is not None and 0 <= offsets[m.start()] - own_reference_end <= 30:
            role = "promulgation" if re.search(r"dahir|ظهير", context) else "signature"
        else:
            role = role_of(context)
        start, end = offsets[m.start()], offsets[m.end() - 1] + 1
        found.append({"role": role, **parsed, "text": text[start:end], "start": start, "end": end})
        previous_end, previous_role = m.end(), role
    return found


class _Identity:
    """Offsets when folding kept every character in place."""

    def __getitem__(self, i: int) -> int:
        return i


def public(dates: list[dict]) -> list[dict]:
    keys = ("role", "date", "calendar", "text", "hijri")
    return [{k: d[k] for k in keys if k in d} for d in dates]
