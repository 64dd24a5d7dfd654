"""The ``migralex analyze`` contract, run as a real subprocess with a fresh, empty data dir
(no database, no migrations, no network), and the pure ``analyse_text`` fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from migralex.analysis.language import detect_language
from migralex.analysis.pipeline import analyse_text
from migralex.analysis.thesaurus import theme_ids
from migralex.documents.choices import DocType

FIELDS = {
    "language",
    "title",
    "doc_type",
    "country",
    "relevant",
    "relevance",
    "themes",
    "references",
    "dates",
    "gazette",
    "relations",
}
DOC_TYPES = set(DocType.values)
ROLES = {"signature", "promulgation", "publication", "entry-into-force", "other"}


def _cli(args, stdin, tmp_path):
    env = {**os.environ, "MIGRALEX_DATA_DIR": str(tmp_path / "empty-data-dir")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "migralex.cli", "analyze", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )


def _check_contract(obj: dict) -> None:
    assert set(obj) >= FIELDS
    assert obj["doc_type"] in DOC_TYPES
    assert obj["country"] is None or isinstance(obj["country"], str)
    assert isinstance(obj["relevant"], bool)
    assert 0.0 <= obj["relevance"] <= 1.0
    for theme in obj["themes"]:
        assert set(theme) == {"id", "score"} and theme["id"] in theme_ids()
        assert 0.0 <= theme["score"] <= 1.0
    for ref in obj["references"]:
        assert set(ref) == {"type", "number", "text"}
    for date in obj["dates"]:
        assert date["role"] in ROLES and date["calendar"] in ("gregorian", "hijri")
        assert len(date["date"]) == 10 and date["text"]
    if obj["gazette"] is not None:
        assert {"name", "number", "date"} <= set(obj["gazette"])
    for relation in obj["relations"]:
        assert relation["type"] in ("amends", "repeals", "implements", "cites")
        assert set(relation["target"]) == {"type", "number"}


def test_jsonl_keeps_order_and_ids_and_records_bad_lines(tmp_path):
    lines = [
        {
            "id": "a",
            "text": "ظهير شريف رقم 1.03.196 صادر في 16 من رمضان 1424 (11 نوفمبر 2003) "
            "بتنفيذ القانون رقم 02.03 المتعلق بدخول وإقامة الأجانب بالمملكة المغربية",
        },
        "not json",
        {
            "id": 7,
            "text": "Law No. 82 of 2016 on Combating Illegal Migration and Smuggling of Migrants",
        },
        {"id": "no-text"},
        {
            "id": "c",
            "title": "Loi organique n° 2016-61",
            "text": "relative à la traite des personnes",
        },
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    done = _cli(["--jsonl"], stdin + "\n", tmp_path)
    assert done.returncode == 1, done.stderr  # two bad inputs, reported
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, 7, "no-text", "c"]
    assert "error" in out[1] and "error" in out[3]
    for obj in (out[0], out[2], out[4]):
        _check_contract(obj)
    assert out[0]["language"] == "ar" and out[0]["doc_type"] == "dahir"
    assert out[0]["country"] == "MA"
    assert {"type": "dahir", "number": "1-03-196"} in [
        {k: r[k] for k in ("type", "number")} for r in out[0]["references"]
    ]
    assert [d["calendar"] for d in out[0]["dates"]] == ["hijri", "gregorian"]
    assert out[2]["references"][0]["number"] == "64/2010".replace("64", "82").replace(
        "2010", "2016"
    )
    assert out[4]["references"][0] == {
        "type": "law",
        "number": "2016-61",
        "text": "Loi organique n° 2016-61",
    }
    assert not (tmp_path / "empty-data-dir").exists()  # nothing written, no database needed


def test_files_print_one_object_each_and_errors_do_not_stop(tmp_path):
    good = tmp_path / "decree.txt"
    good.write_text("Décret n° 2-09-607 pris pour l'application de la loi n° 02-03.", "utf-8")
    as_json = tmp_path / "doc.json"
    as_json.write_text(
        json.dumps({"title": "Circulaire n° 13-487", "text": "scolarisation"}), "utf-8"
    )
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\n\xff\xfe\x00binary")
    done = _cli([str(good), str(binary), str(as_json), str(tmp_path / "missing.txt")], "", tmp_path)
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [
        str(good),
        str(binary),
        str(as_json),
        str(tmp_path / "missing.txt"),
    ]
    _check_contract(out[0])
    assert out[0]["relations"] == [
        {"type": "implements", "target": {"type": "law", "number": "02-03"}}
    ]
    assert "UTF-8" in out[1]["error"]
    assert out[2]["doc_type"] == "circular"
    assert "error" in out[3]


def test_bad_usage_is_reported(tmp_path):
    done = _cli([], "", tmp_path)
    assert done.returncode == 1 and "FILE" in done.stderr


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Loi n° 02-03 relative à l'entrée et au séjour des étrangers", "fr"),
        ("Law No. 82 of 2016 on Combating Illegal Migration", "en"),
        ("القانون رقم 02.03", "ar"),
        ("visa", "fr"),  # one word: decided between the watched languages only
        ("Residence permits", "en"),
        # Mostly Arabic with French article numbers and a glitchy PDF extraction.
        ("المادة 5 (article 5) من القانون األساسي عدد 61 لسنة 2016", "ar"),
        (
            "La ley orgánica regula los derechos y libertades de los extranjeros en España y su "
            "integración social, así como el régimen sancionador en materia de extranjería.",
            "es",
        ),
        ("", None),
    ],
)
def test_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "title,text,doc_type,country",
    [
        ("Dahir n° 1-03-196 portant promulgation de la loi n° 02-03", "…", "dahir", "MA"),
        ("Décret n° 2-09-607 pris pour l'application de la loi n° 02-03", "…", "decree", "MA"),
        (
            "القانون الأساسي عدد 61 لسنة 2016 المتعلق بمنع الاتجار بالأشخاص ومكافحته",
            "…",
            "law",
            "TN",
        ),
        (
            "Circulaire relative à la scolarisation des enfants étrangers au Maroc",
            "…",
            "circular",
            "MA",
        ),
        (
            "Protocol against the Smuggling of Migrants by Land, Sea and Air",
            "States Parties …",
            "protocol",
            "INT",
        ),
        (
            "القانون رقم 82 لسنة 2016 بشأن مكافحة الهجرة غير الشرعية",
            "جمهورية مصر العربية",
            "law",
            "EG",
        ),
    ],
)
def test_type_and_country(title, text, doc_type, country):
    result = analyse_text(text, title)
    assert (result["doc_type"], result["country"]) == (doc_type, country)


def test_rules_only_mode_without_a_model():
    result = analyse_text(
        "Carte de séjour et titre de séjour : le renouvellement du titre de séjour des étrangers",
        classifier=None,
    )
    assert result["model_version"] == "rules"
    assert "residence-permits" in [t["id"] for t in result["themes"]]


def test_bilingual_text_lists_both_languages():
    text = (
        "ظهير شريف رقم 1.03.196 بتنفيذ القانون رقم 02.03 المتعلق بدخول وإقامة الأجانب بالمملكة "
        "المغربية وبالهجرة غير المشروعة\n"
        "Dahir n° 1-03-196 portant promulgation de la loi n° 02-03 relative à l'entrée et au "
        "séjour des étrangers au Royaume du Maroc"
    )
    result = analyse_text(text)
    assert result["languages"] == ["ar", "fr"]
    assert analyse_text("Loi n° 02-03 relative aux étrangers")["languages"] == ["fr"]
