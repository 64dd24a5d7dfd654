"""The bundled reference data: complete, consistent with the taxonomy, loaded idempotently."""

import re
from pathlib import Path

import pytest

from migralex.documents.choices import DocType
from migralex.documents.models import Document, Relation, Theme
from migralex.knowledge.models import Instrument, Ratification
from migralex.knowledge.reference_data import read_toml, reference_data_load

TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "taxonomy.md"
LANGS = ("fr", "ar", "en")


def taxonomy_leaf_ids() -> list[str]:
    if not TAXONOMY.exists():
        pytest.skip(f"{TAXONOMY} not found")
    return re.findall(r"^\| [a-z-]+ \| `([a-z-]+)` \|", TAXONOMY.read_text(encoding="utf-8"), re.M)


def test_thesaurus_has_every_taxonomy_theme_in_three_languages():
    themes = read_toml("thesaurus/themes.toml")["theme"]
    assert [t["id"] for t in themes] == taxonomy_leaf_ids()
    for theme in themes:
        for lang in LANGS:
            assert theme["label"][lang] and theme["scope"][lang], (theme["id"], lang)
            keywords = theme["keywords"][lang]
            assert len(keywords) >= 10, (theme["id"], lang, len(keywords))
            assert len(set(keywords)) == len(keywords), (theme["id"], lang)


def test_instruments_and_texts_use_known_codes():
    leaf_ids = {t["id"] for t in read_toml("thesaurus/themes.toml")["theme"]}
    instruments = read_toml("instruments.toml")["instrument"]
    texts = read_toml("national_texts.toml")["text"]
    assert len(instruments) >= 20
    assert len(texts) >= 25
    assert sum(1 for t in texts if t["country"] == "MA") >= 10
    assert {t["country"] for t in texts} >= {"MA", "TN", "EG", "LY"}
    for item in instruments + texts:
        assert item["doc_type"] in DocType.values, item
        assert set(item.get("themes", [])) <= leaf_ids, item.get("key")
        for lang in LANGS:
            assert item["title"].get(lang) and item["summary"].get(lang), (item["key"], lang)
    for item in instruments:
        for rat in item.get("ratification", []):
            assert rat["country"] in {"MA", "TN", "LY", "EG"}
            assert rat["status"] in Ratification.Status.values


@pytest.mark.django_db
def test_load_is_idempotent_and_keeps_unsure_facts():
    first = reference_data_load().counts
    counts = (
        Theme.objects.count(),
        Document.objects.count(),
        Instrument.objects.count(),
        Ratification.objects.count(),
        Relation.objects.count(),
    )
    second = reference_data_load().counts
    assert first == second
    assert counts == (
        Theme.objects.count(),
        Document.objects.count(),
        Instrument.objects.count(),
        Ratification.objects.count(),
        Relation.objects.count(),
    )
    assert counts[0] == 34 and counts[2] >= 20
    assert Ratification.objects.filter(unsure=True).exists()
    icrmw = Instrument.objects.get(key="icrmw")
    morocco = icrmw.ratifications.filter(country="MA", status="ratified").get()
    assert str(morocco.date) == "1993-06-21" and not morocco.unsure
    law = Document.objects.get(reference_key="ma-law-02-03")
    assert law.official_number == "02-03" and law.country == "MA"
    assert law.identifiers.filter(type="law", number="02-03").exists()
    assert law.current_version.normalized_text
    assert law.theme_links.filter(assigned_by="reference").exists()
    assert Relation.objects.filter(target=law).exists()
