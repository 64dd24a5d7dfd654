import pytest

from migralex.ingestion.detect import detect_kind
from tests.ingestion.builders import (
    LAW_LINES,
    SAMPLES,
    make_docx,
    make_eml,
    make_odt,
    make_pdf,
    make_zip,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("page.html", "html"),
        ("feed.rss", "feed"),
        ("record.json", "json-records"),
        ("notice-latin1.txt", "text"),
        ("notice-cp1256.txt", "text"),
    ],
)
def test_sample_files_are_recognised_by_content(name, kind):
    assert detect_kind((SAMPLES / name).read_bytes()) == kind


def test_binary_formats_are_recognised_whatever_their_name():
    assert detect_kind(make_pdf([LAW_LINES])) == "pdf"
    assert detect_kind(make_docx("t", ["p"])) == "docx"
    assert detect_kind(make_odt("t", ["p"])) == "odt"
    assert detect_kind(make_zip({"a.txt": b"x"})) == "zip"
    assert detect_kind(make_eml("s", "b", [])) == "eml"
    assert detect_kind(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))) == "binary"


def test_feeds_behind_comments_and_in_utf16_are_feeds():
    atom = b'<!--\nDescription: x\n-->\n<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'
    assert detect_kind(atom) == "feed"
    rss16 = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"></rss>'.encode("utf-16")
    assert detect_kind(rss16) == "feed"
    rdf = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    assert detect_kind(rdf) == "feed"


def test_other_xml_and_xhtml():
    assert detect_kind(b"<?xml version='1.0'?><note><to>x</to></note>") == "xml"
    xhtml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    assert detect_kind(xhtml) == "html"
