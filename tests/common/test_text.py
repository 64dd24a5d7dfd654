import pytest
from hypothesis import given
from hypothesis import strategies as st

from migralex.common.text import analyze, clean, fold, repair_pdf_glitches


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("األجانب", "الأجانب"),
        ("االتجار بالبشر", "الاتجار بالبشر"),
        ("وااللتزامات", "والالتزامات"),
        ("باإلضافة", "بالإضافة"),
        ("اآلن", "الآن"),
    ],
)
def test_lam_alef_glitch_is_repaired(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("الحاالت", "الحالات"),
        ("إال إذا", "إلا إذا"),
        ("آالف", "آلاف"),
        ("ال يجوز", "لا يجوز"),
        ("وال يمكن", "ولا يمكن"),
        ("فال يقبل", "فلا يقبل"),
        ("بال مقابل", "بلا مقابل"),
    ],
)
def test_inner_ligature_and_lone_negation_glitches_are_repaired(raw, expected):
    assert clean(raw) == expected


def test_repair_of_words_glued_to_an_alef_is_idempotent():
    once = clean("وكذا" + "االقتراضات")
    assert once == "وكذاالاقتراضات"
    assert clean(once) == once


def test_correct_arabic_is_left_alone():
    correct = "لا يجوز إلا في الحالات وآلاف الأجانب والالتزامات للاجئين بالقانون"
    assert repair_pdf_glitches(correct) == (correct, 0)


def test_repair_counts_and_leaves_real_words():
    text, n = repair_pdf_glitches("األجانب و االتجار سأل ألف")
    assert n == 2
    assert "سأل ألف" in text


def test_clean_removes_invisible_marks_and_converts_digits():
    raw = "\u202bالقانون رقم ٠٢.٠٣\u202c\u200f\x00 loi n°\u00a002-03 ۱۲"
    assert clean(raw) == "القانون رقم 02.03 loi n° 02-03 12"


def test_clean_is_idempotent_and_keeps_paragraphs():
    raw = "Article 1\r\n\r\n\r\n\r\n  Les étrangers   résidant "
    once = clean(raw)
    assert once == "Article 1\n\nLes étrangers résidant"
    assert clean(once) == once


def test_fold_unifies_arabic_variants_and_latin_accents():
    assert fold("إقامة الأجانب مُؤقَّتة") == fold("اقامه الاجانب مؤقته")
    assert fold("Séjour des ÉTRANGERS") == "sejour des etrangers"
    assert fold("ـــالهجرةـــ") == "الهجره"


def test_analyze_matches_glitched_and_clean_arabic():
    assert analyze("الأجانب") == analyze("األجانب")
    assert analyze("الأجانب") == analyze("الاجانب")


def test_analyze_stems_french_and_english():
    assert analyze("travailleurs migrants", "fr") == analyze("travailleur migrant", "fr")
    assert analyze("workers", "en") == analyze("worker", "en")


@given(st.text())
def test_clean_never_raises_and_is_idempotent(text):
    once = clean(text)
    assert clean(once) == once
    assert "\x00" not in once
