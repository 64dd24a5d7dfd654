"""Table-driven tests of dates: Gregorian and Hijri, month-name families, dual dates, roles."""

from __future__ import annotations

import pytest

from migralex.analysis.dates import extract_dates
from migralex.common.text import clean

CASES = [
    # Dual Hijri/Gregorian dates give two entries with the same role.
    (
        "Dahir n° 1-03-196 du 16 ramadan 1424 (11 novembre 2003) portant promulgation",
        [("promulgation", "hijri", "1424-09-16"), ("promulgation", "gregorian", "2003-11-11")],
    ),
    (
        "ظهير شريف رقم 1.03.196 صادر في 16 من رمضان 1424 (11 نوفمبر 2003) بتنفيذ القانون",
        [("promulgation", "hijri", "1424-09-16"), ("promulgation", "gregorian", "2003-11-11")],
    ),
    (
        "ظهير شريف رقم ١.٠٣.١٩٦ صادر في ١٦ من رمضان ١٤٢٤ (١١ نوفمبر ٢٠٠٣)",
        [("promulgation", "hijri", "1424-09-16"), ("promulgation", "gregorian", "2003-11-11")],
    ),
    (
        "publié au Bulletin officiel n° 5162 du 20 novembre 2003.",
        [("publication", "gregorian", "2003-11-20")],
    ),
    (
        "الجريدة الرسمية عدد 5160 بتاريخ 18 رمضان 1424 (13 نوفمبر 2003)",
        [("publication", "hijri", "1424-09-18"), ("publication", "gregorian", "2003-11-13")],
    ),
    # Tunisian, Moroccan, Egyptian and Levantine month names.
    (
        "القانون الأساسي عدد 61 لسنة 2016 مؤرخ في 3 أوت 2016",
        [("signature", "gregorian", "2016-08-03")],
    ),
    ("حرر بالرباط في 26 ماي 2009", [("signature", "gregorian", "2009-05-26")]),
    (
        "في 2 غشت 2011 وفي 15 شتنبر 2012",
        [("other", "gregorian", "2011-08-02"), ("other", "gregorian", "2012-09-15")],
    ),
    ("صدر في 5 كانون الثاني 2010", [("signature", "gregorian", "2010-01-05")]),
    ("يعمل به ابتداء من 1 يناير 2021", [("entry-into-force", "gregorian", "2021-01-01")]),
    # Latin transliterations of Hijri months and "1er"/"فاتح".
    (
        "du 12 kaada 1391 (30 décembre 1971)",
        [("signature", "hijri", "1391-11-12"), ("signature", "gregorian", "1971-12-30")],
    ),
    ("du 25 safar 1431", [("signature", "hijri", "1431-02-25")]),
    ("du 3 joumada II 1430", [("signature", "hijri", "1430-06-03")]),
    ("حرر بالرباط في فاتح جمادى الآخرة 1430", [("signature", "hijri", "1430-06-01")]),
    (
        "La présente loi entre en vigueur à compter du 1er janvier 2020.",
        [("entry-into-force", "gregorian", "2020-01-01")],
    ),
    # English orders and numeric forms.
    (
        "Law No. 82 of 2016 issued on November 7, 2016, entered into force on 8 November 2016",
        [("signature", "gregorian", "2016-11-07"), ("entry-into-force", "gregorian", "2016-11-08")],
    ),
    ("Done at Geneva on 18 December 1990", [("signature", "gregorian", "1990-12-18")]),
    ("le 12/08/2016", [("other", "gregorian", "2016-08-12")]),
    # Not dates.
    ("loi n° 02-03 et décret 2-09-607", []),
    ("le 31 février 2020", []),
]


def _key(date: dict) -> tuple:
    return (date["role"], date["calendar"], date.get("hijri") or date["date"])


@pytest.mark.parametrize("text,expected", CASES)
def test_dates(text, expected):
    assert [_key(d) for d in extract_dates(clean(text))] == expected


def test_hijri_date_is_converted_to_gregorian():
    [hijri, gregorian] = extract_dates("du 16 ramadan 1424 (11 novembre 2003)")
    # Umm al-Qura tables may differ by a day from the Moroccan calendar; the dual date is exact.
    assert abs((_iso(hijri["date"]) - _iso(gregorian["date"])).days) <= 1
    assert hijri["text"] == "16 ramadan 1424"


def _iso(value):
    import datetime as dt

    return dt.date.fromisoformat(value)
