"""Each parser on files the team made, called directly (the sandbox has its own tests)."""

import json

import pytest

from migralex.common.text import clean
from migralex.ingestion.parsers import Rejected
from migralex.ingestion.parsers.containers import parse_eml, parse_zip
from migralex.ingestion.parsers.feeds import parse_feed
from migralex.ingestion.parsers.markup import parse_html, parse_xml, sanitize_html
from migralex.ingestion.parsers.office import parse_docx, parse_odt
from migralex.ingestion.parsers.pdf import fix_visual_order, parse_pdf
from migralex.ingestion.parsers.plain import parse_json_records, parse_text
from tests.ingestion.builders import (
    LAW_LINES,
    SAMPLES,
    make_docx,
    make_eml,
    make_odt,
    make_pdf,
    make_zip,
    make_zip_bomb,
)


def test_html_main_text_metadata_and_sanitised_markup():
    out = parse_html((SAMPLES / "page.html").read_bytes(), {})
    assert out["status"] == "ok"
    assert out["title"] == "Circulaire relative au séjour des travailleurs migrants"
    assert "travailleurs domestiques" in out["text"]
    assert "Accueil" not in out["text"]  # navigation is not main text
    assert out["metadata"]["author"] == "Direction de la migration"
    html = out["html"].lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<style"):
        assert bad not in html
    assert "https://example.org/formulaire" in out["html"]


@pytest.mark.parametrize(
    "payload",
    [
        '<img src=x onerror="alert(1)">',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example"></iframe>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_sanitiser_drops_scripts_handlers_and_unsafe_urls(payload):
    out = sanitize_html(payload).lower()
    assert "alert" not in out or "<script" not in out
    for bad in ("<script", "onerror", "javascript:", "<iframe", "data:text", "style="):
        assert bad not in out


def test_feed_entries_links_guids_and_no_entity_expansion():
    out = parse_feed((SAMPLES / "feed.rss").read_bytes(), {})
    entries = out["entries"]
    assert [e["guid"] for e in entries][:2] == [
        "https://example.org/textes/1",
        "https://example.org/textes/2",
    ]
    assert entries[0]["link"] == "https://example.org/textes/decret-saisonnier"
    assert "travail saisonnier" in entries[0]["text"]
    assert "<script" not in entries[0]["html"] and "javascript:" not in entries[0]["html"]
    assert entries[1]["title"] == "قانون يتعلق بمكافحة الاتجار بالبشر"
    assert entries[0]["metadata"]["published"] == "2025-01-06T10:00:00Z"
    dumped = json.dumps(out, ensure_ascii=False)
    assert "root:" not in dumped  # /etc/passwd never read


def test_broken_feed_is_degraded_not_lost():
    data = (SAMPLES / "feed.rss").read_bytes().replace(b"</channel>", b"")
    out = parse_feed(data, {})
    assert out["status"] == "degraded"
    assert "ill-formed" in out["message"]
    assert len(out["entries"]) == 3


def test_generic_xml_keeps_text_without_expanding_entities():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE n [<!ENTITY e SYSTEM "file:///etc/passwd">]><n>a &e; b</n>'
    )
    out = parse_xml(data, {})
    assert "root:" not in out["text"]
    assert out["text"].startswith("a")


def test_text_pdf_pages_and_text():
    out = parse_pdf(make_pdf([LAW_LINES, LAW_LINES]), {})
    assert out["pages"] == 2
    assert not out["needs_ocr"]
    assert "regroupement familial" in out["text"]


def test_pdf_without_text_layer_asks_for_ocr():
    out = parse_pdf(make_pdf([[], []]), {})
    assert out["needs_ocr"] and out["status"] == "degraded"


def test_corrupt_pdf_raises():
    with pytest.raises(ValueError, match="corrupt PDF"):
        parse_pdf(b"%PDF-1.4\n garbage", {})


def test_visual_order_arabic_is_put_back_in_logical_order():
    logical = "القانون المتعلق بدخول وإقامة الأجانب بالمملكة المغربية رقم 02.03"
    # What a visual-order extractor gives: letters right to left, numbers still left to right.
    visual = "\n".join(
        line[::-1].replace("30.20", "02.03")
        for line in [logical, "الهجرة والعمال المهاجرين والاتفاقية"]
    )
    fixed, lines = fix_visual_order(visual)
    assert lines == 2
    assert fixed.split("\n")[0] == logical
    same, none = fix_visual_order(logical + "\n" + logical)
    assert none == 0 and same == logical + "\n" + logical


def test_docx_paragraphs_tables_and_title():
    data = make_docx("Décret 2-23-1", ["Article premier", "Texte"], [["a", "b"], ["c", "d"]])
    out = parse_docx(data, {})
    assert out["title"] == "Décret 2-23-1"
    assert out["text"].splitlines() == ["Article premier", "Texte", "a | b", "c | d"]


def test_odt_headings_and_paragraphs_in_order():
    out = parse_odt(make_odt("Chapitre I", ["Premier alinéa", "Second alinéa"]), {})
    assert out["text"].splitlines() == ["Chapitre I", "Premier alinéa", "Second alinéa"]


@pytest.mark.parametrize(
    ("name", "needle"),
    [("notice-latin1.txt", "séjour arrivant"), ("notice-cp1256.txt", "بطاقات الإقامة")],
)
def test_plain_text_in_legacy_encodings(name, needle):
    out = parse_text((SAMPLES / name).read_bytes(), {})
    assert needle in out["text"]


def test_json_record_title_provisions_and_identity():
    out = parse_json_records((SAMPLES / "record.json").read_bytes(), {})
    assert out["item_id"] == "test-loi-02-03"
    assert out["metadata"]["provisions"] == 2
    assert "Article 2" in out["text"] and "passeport valide" in out["text"]


def test_json_without_provisions_is_rejected():
    with pytest.raises(Rejected):
        parse_json_records(b'{"title": "x", "provisions": "none"}', {})


def test_eml_body_metadata_and_attachments():
    pdf = make_pdf([LAW_LINES])
    out = parse_eml(
        make_eml(
            "Nouvelle circulaire", "Veuillez trouver ci-joint.", [("c.pdf", pdf, "application/pdf")]
        ),
        {},
    )
    assert out["title"] == "Nouvelle circulaire"
    assert "ci-joint" in out["text"]
    assert out["item_id"] == "<test-1@example.org>"
    assert out["attachments"] == [{"name": "c.pdf", "data": pdf}]


def test_zip_members_and_bomb_limits():
    out = parse_zip(make_zip({"a/one.txt": b"un", "two.txt": b"deux"}), {})
    assert sorted(a["name"] for a in out["attachments"]) == ["a/one.txt", "two.txt"]
    with pytest.raises(Rejected, match="zip bomb"):
        parse_zip(make_zip_bomb(8), {})
    with pytest.raises(Rejected, match="zip bomb"):
        parse_zip(make_zip({f"{i}.txt": b"x" for i in range(30)}), {"zip_max_members": 10})


def test_normalised_text_of_parsed_sample_is_clean():
    out = parse_text("\u202bقانون\u202c\x00 ١٢".encode(), {})
    assert clean(out["text"]) == "قانون 12"
