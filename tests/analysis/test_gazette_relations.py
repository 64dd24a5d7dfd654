"""Table-driven tests of gazette references and relations in the three languages."""

from __future__ import annotations

import pytest

from migralex.analysis.gazette import extract_gazettes, gazette_name_for
from migralex.analysis.references import extract_references
from migralex.analysis.relations import extract_relations
from migralex.common.text import clean

GAZETTES = [
    (
        "publié au Bulletin officiel n° 5162 du 20 novembre 2003.",
        ("Bulletin officiel", "5162", "2003-11-20"),
    ),
    ("B.O. n° 5162 du 20/11/2003", ("Bulletin officiel", "5162", "2003-11-20")),
    (
        "الجريدة الرسمية عدد 5160 بتاريخ 18 رمضان 1424 (13 نوفمبر 2003)",
        ("Official Gazette", "5160", "2003-11-13"),  # generic until the country is known
    ),
    ("الجريدة الرسمية عدد ٥١٦٠ بتاريخ ١٣ نوفمبر ٢٠٠٣", ("Official Gazette", "5160", "2003-11-13")),
    (
        "Journal officiel de la République tunisienne n° 66 du 12 août 2016",
        ("JORT", "66", "2016-08-12"),
    ),
    ("JORT n° 66", ("JORT", "66", None)),
    ("الرائد الرسمي للجمهورية التونسية عدد 66 بتاريخ 12 أوت 2016", ("JORT", "66", "2016-08-12")),
    (
        "published in the Official Gazette, issue No. 44 (bis) of 3 November 2010",
        ("Official Gazette", "44 bis", "2010-11-03"),
    ),
    (
        "نشر بالجريدة الرسمية العدد 44 مكرر في 3 نوفمبر 2010",
        ("Official Gazette", "44 bis", "2010-11-03"),
    ),
    ("الوقائع المصرية العدد 120 في 25 مايو 2020", ("Al-Waqa'i al-Misriya", "120", "2020-05-25")),
]


@pytest.mark.parametrize("text,expected", GAZETTES)
def test_gazettes(text, expected):
    [gazette] = extract_gazettes(clean(text))
    assert (gazette["name"], gazette["number"], gazette["date"]) == expected


def test_gazette_without_number_is_not_a_reference():
    assert extract_gazettes("La Gazette du Maroc publie un dossier") == []
    assert extract_gazettes("الجريدة الرسمية لا تنشر") == []


def test_generic_arabic_gazette_is_named_from_the_country():
    [gazette] = extract_gazettes(clean("الجريدة الرسمية عدد 5160 بتاريخ 13 نوفمبر 2003"))
    assert gazette_name_for(gazette, "MA")["name"] == "Bulletin officiel"
    assert gazette_name_for(gazette, "EG")["name"] == "Official Gazette"


RELATIONS = [
    (
        "Décret n° 2-09-607 pris pour l'application de la loi n° 02-03 relative",
        [("implements", "law", "02-03")],
    ),
    (
        "Loi n° 12-34 modifiant et complétant la loi n° 02-03 et abrogeant le dahir n° 1-58-250",
        [("amends", "law", "02-03"), ("repeals", "dahir", "1-58-250")],
    ),
    ("مرسوم رقم 2.09.607 بتطبيق القانون رقم 02.03", [("implements", "law", "02-03")]),
    ("القانون رقم 08.23 بتغيير وتتميم القانون رقم 62.06", [("amends", "law", "62-06")]),
    ("قانون رقم 5 لسنة 2020 بنسخ القانون رقم 10 لسنة 1990", [("repeals", "law", "10/1990")]),
    (
        "القانون الأساسي عدد 6 لسنة 2004 المتعلق بتنقيح وإتمام القانون عدد 40 لسنة 1975",
        [("amends", "law", "1975-40")],
    ),
    ("Law No. 190 of 2019 amending Law No. 26 of 1975", [("amends", "law", "26/1975")]),
    ("Decree No. 5 of 2018 implementing Law No. 82 of 2016", [("implements", "law", "82/2016")]),
    ("Act No. 3 of 2001 repealing Act No. 7 of 1990", [("repeals", "law", "7/1990")]),
    # Lists after a phrase, passive forms, and plain citations.
    (
        "Loi n° 1-11 modifiant la loi n° 02-03 et la loi n° 03-03.",
        [("amends", "law", "02-03"), ("amends", "law", "03-03")],
    ),
    ("Loi n° 1-11. Article 5. La loi n° 7-11 est abrogée.", [("repeals", "law", "7-11")]),
    # The dot of "No." ends no sentence, in a passive form or in a list.
    ("Decree No. 9. Article 40. Law No. 5 of 2001 is repealed.", [("repeals", "law", "5/2001")]),
    (
        "Decree No. 9 of 2022. It amends Laws No. 5 of 2001 and No. 7 of 2002.",
        [("amends", "law", "5/2001"), ("amends", "law", "7/2002")],
    ),
    (
        "Décret n° 2-1-1. Vu la loi n° 02-03 ; Vu le décret n° 2-09-607,",
        [("cites", "law", "02-03"), ("cites", "decree", "2-09-607")],
    ),
]


@pytest.mark.parametrize("text,expected", RELATIONS)
def test_relations(text, expected):
    text = clean(text)
    refs = extract_references(text)
    own = {(refs[0]["type"], refs[0]["number"])}  # the text's own number opens it
    found = extract_relations(text, refs, own)
    assert [(r["type"], r["target"]["type"], r["target"]["number"]) for r in found] == expected
