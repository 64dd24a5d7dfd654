"""Robustness on real Arabic legal texts (../shared/corpora/adala, read at run time only) and
on a 300-page law."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from migralex.analysis.pipeline import analyse_text
from migralex.common.text import clean, repair_pdf_glitches


def _adala_texts(corpora, limit):
    seed = corpora / "adala" / "seed"
    if not seed.is_dir():
        pytest.skip(f"adala corpus not found under {seed}")
    for path in sorted(seed.glob("*.json"))[:limit]:
        data = json.loads(path.read_text(encoding="utf-8"))
        body = "\n".join(p.get("content", "") for p in data.get("provisions", []))
        yield path.name, data.get("title", ""), body


@pytest.mark.corpus
def test_adala_texts_analyse_without_error_and_read_as_arabic_moroccan(corpora):
    analysed = arabic = moroccan = with_refs = glitched = 0
    for name, title, body in _adala_texts(corpora, 400):
        if len(body) < 200:
            continue
        _, repaired = repair_pdf_glitches(body)
        glitched += repaired > 0
        result = analyse_text(body, title)
        analysed += 1
        assert result["doc_type"], name
        assert 0.0 <= result["relevance"] <= 1.0, name
        for ref in result["references"]:
            assert ref["number"] and ref["text"], name
        for date in result["dates"]:
            assert len(date["date"]) == 10, name
        if _mostly_arabic(body):
            arabic += 1
            moroccan += result["country"] == "MA"
            with_refs += bool(result["references"])
            assert result["language"] == "ar", name
    assert analysed >= 100
    assert glitched > 0  # the corpus does carry the PDF glitches this test is about
    # Every adala text is Moroccan; most say so through dahirs, numbering or institutions.
    assert moroccan / arabic >= 0.8, (moroccan, arabic)
    assert with_refs / arabic >= 0.5, (with_refs, arabic)


@pytest.mark.corpus
def test_immigration_law_of_the_corpus_is_relevant(corpora):
    """The corpus's texts on foreigners' entry and stay are found relevant with a migration
    theme, and unrelated ones (telecommunications, data protection) are not."""
    relevant, unrelated = [], []
    for _name, title, body in _adala_texts(corpora, 5013):
        key = clean(title)
        if "الأجانب" in key and ("دخول" in key or "إقامة" in key):
            relevant.append(analyse_text(body, title))
        elif "المواصلات" in key or "الاتصالات" in key:
            unrelated.append(analyse_text(body, title))
        if len(relevant) >= 3 and len(unrelated) >= 5:
            break
    if not relevant or not unrelated:
        pytest.skip("the expected texts are not in this copy of the corpus")
    assert all(r["relevant"] for r in relevant)
    assert all(r["themes"] for r in relevant)
    assert sum(r["relevant"] for r in unrelated) <= len(unrelated) // 5


def _mostly_arabic(text: str) -> bool:
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in text[:2000])
    return arabic > len(text[:2000]) * 0.4


def test_three_hundred_page_law_has_bounded_memory():
    article = (
        "Article {n}. — L'étranger titulaire d'une carte de séjour en cours de validité peut "
        "demander son renouvellement. Les dispositions de la loi n° 02-03 et du décret "
        "n° 2-09-607 du 25 safar 1431 (10 février 2010) s'appliquent. "
    )
    law = "Loi n° 99-01 relative à l'entrée et au séjour des étrangers\n" + "".join(
        article.format(n=n) * 3 for n in range(1, 2400)
    )
    assert len(law) > 300 * 3000
    tracemalloc.start()
    result = analyse_text(law)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 60 * 1024 * 1024  # ~15 MB measured; a leak per page would blow this
    assert result["doc_type"] == "law"
    assert {r["number"] for r in result["references"]} >= {"99-01", "02-03", "2-09-607"}
