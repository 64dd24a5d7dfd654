"""Table-driven tests of official references in French, Arabic and English."""

from __future__ import annotations

import pytest

from migralex.analysis.references import extract_references, normalise_number
from migralex.common.text import clean

CASES = [
    # The normalisation examples.
    ("loi n° 02-03", [("law", "02-03")]),
    ("القانون رقم 02.03", [("law", "02-03")]),
    ("loi n°02.03", [("law", "02-03")]),
    ("dahir n° 1-03-196", [("dahir", "1-03-196")]),
    ("ظهير شريف رقم 1.03.196", [("dahir", "1-03-196")]),
    ("Loi organique n° 2016-61", [("law", "2016-61")]),
    ("Law No. 64 of 2010", [("law", "64/2010")]),
    ("القانون رقم 64 لسنة 2010", [("law", "64/2010")]),
    # Eastern-Arabic digits are digits.
    ("القانون رقم ٦٤ لسنة ٢٠١٠", [("law", "64/2010")]),
    ("ظهير شريف رقم ١.٠٣.١٩٦", [("dahir", "1-03-196")]),
    # Tunisian numbering: "عدد N لسنة YYYY" is the French "YYYY-N".
    ("القانون الأساسي عدد 61 لسنة 2016 المتعلق بمنع الاتجار", [("law", "2016-61")]),
    ("الأمر الحكومي عدد 417 لسنة 2018", [("decree", "2018-417")]),
    ("décret gouvernemental n° 2018-417", [("decree", "2018-417")]),
    # Libyan parentheses, French "de YYYY".
    ("القانون رقم (6) لسنة 1987 بشأن", [("law", "6/1987")]),
    ("Loi libyenne n° 6 de 1987 relative", [("law", "6/1987")]),
    # Words between the type and the number.
    ("arrêté du ministre de l'intérieur n° 123-45 du 3 mai", [("order", "123-45")]),
    ("قرار لوزير الداخلية رقم 350.10", [("order", "350-10")]),
    ("قرار رئيس الجمهورية رقم 123 لسنة 2020", [("decree", "123/2020")]),
    ("Presidential Decree No. 419 of 2018 on tariffs", [("decree", "419/2018")]),
    ("Décret n° 2.09.607 du 25 safar 1431", [("decree", "2-09-607")]),
    ("Circulaire n° 14/2023 adressée", [("circular", "14/2023")]),
    ("المنشور عدد 12 لسنة 2019", [("circular", "2019-12")]),
    # The nearest type word wins.
    ("la loi relative aux étrangers et le décret n° 2-09-607", [("decree", "2-09-607")]),
    # No marker: a separated number right after the type word.
    ("en vertu de la loi 02-03 relative", [("law", "02-03")]),
    ("طبقا للقانون 02.03", [("law", "02-03")]),
    # Conventions, lists and the ILO English style; a convention's year is not its number.
    ("Migrant Workers Convention, 1975 (No. 143) — Article 10", [("convention", "143")]),
    ("الاتفاقية رقم 143 لسنة 1975", [("convention", "143")]),
    (
        "ratifié les conventions n° 97, 102 et 187 de l'OIT",
        [("convention", n) for n in ("97", "102", "187")],
    ),
    ("loi n° 02-03, 12 mois plus tard", [("law", "02-03")]),
    # An abbreviation's dot is no sentence end; a real one still cuts the type word off.
    (
        "Conventions No. 102 on social security and No. 187 on safety",
        [("convention", "102"), ("convention", "187")],
    ),
    ("the Law. No. 12 of the athletes wore", []),
    # A dahir having the force of law is a dahir.
    ("Vu le dahir portant loi n° 1-73-255 du 27 chaoual 1393", [("dahir", "1-73-255")]),
    ("الظهير الشريف بمثابة قانون رقم 1.77.339", [("dahir", "1-77-339")]),
    (
        "صدر الأمر بتنفيذ القانون رقم 08.23 بموجب الظهير الشريف رقم 1.23.19، وهو",
        [("law", "08-23"), ("dahir", "1-23-19")],
    ),
    (
        "وفق مقتضيات القانون رقم 12.90 المتعلق بالتعمير والقانون رقم 25.90 المتعلق",
        [("law", "12-90"), ("law", "25-90")],
    ),
    ("Law No. 190 of 2019 amended Law No. 26 of 1975", [("law", "190/2019"), ("law", "26/1975")]),
    # Not references.
    ("La loi protège les migrants depuis 2003.", []),
    ("Article 12, alinéa 3", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_references(text, expected):
    found = extract_references(clean(text))
    assert [(r["type"], r["number"]) for r in found] == expected


def test_reference_keeps_the_text_as_written():
    [ref] = extract_references(clean("Vu la loi n°02.03 relative"))
    assert ref["text"] == "loi n°02.03"


def test_pdf_glitch_article_is_repaired_before_matching():
    # "األ" for "الأ": the lam-alef glitch of Arabic PDF extraction.
    text = clean("القانون األساسي عدد 61 لسنة 2016")
    assert [(r["type"], r["number"]) for r in extract_references(text)] == [("law", "2016-61")]


@pytest.mark.parametrize(
    "number,year,marker,expected",
    [
        ("02.03", None, "n°", "02-03"),
        ("64", "2010", "رقم", "64/2010"),
        ("61", "2016", "عدد", "2016-61"),
        ("1 . 03 . 196", None, "", "1-03-196"),
        ("14/2023", None, "", "14/2023"),
    ],
)
def test_normalise_number(number, year, marker, expected):
    assert normalise_number(number, year, marker) == expected
