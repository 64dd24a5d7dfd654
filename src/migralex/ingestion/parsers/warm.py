"""Warm-up of the fork server: imported last by it (``PRELOAD``), this module runs each cheap
parser once on a tiny input, so the lazy initialisation of the libraries (trafilatura's
settings and XPath compilation, charset tables, pdfium's library init) happens once in the
server instead of in every forked child. Measured: a first HTML parse costs ~100 ms of CPU, the
next ones ~4 ms. The analysis the workers run after a parse is warmed up the same way.
Failures are ignored: warming up is an optimisation, never a requirement."""

from __future__ import annotations

_HTML = (
    b"<html><head><title>t</title></head><body><article><p>"
    + b"Texte de loi sur le s\xc3\xa9jour des \xc3\xa9trangers. " * 20
    + b"</p></article></body></html>"
)
_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title>'
    b"<link>https://example.org/a</link><description>&lt;p&gt;b&lt;/p&gt;</description></item>"
    b"</channel></rss>"
)
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def warm_up() -> None:
    from migralex.ingestion.parsers import feeds, markup, pdf, plain

    for parse, data in (
        (markup.parse_html, _HTML),
        (feeds.parse_feed, _FEED),
        (plain.parse_text, "séjour des étrangers".encode("latin-1")),
        (pdf.parse_pdf, _PDF),
    ):
        try:
            parse(data, {})
        except Exception:  # noqa: S112 - see module docstring
            continue
    _warm_analysis()


def _warm_analysis() -> None:
    """The analysis the workers run after a parse (ingestion.prepare): language detectors,
    thesaurus indexes and the packaged model, loaded once here."""
    from migralex.ingestion.prepare import analysed, prepare

    try:
        from migralex.analysis.model import PACKAGE_MODEL_DIR
    except ImportError:
        return
    for title, text in (
        ("Décret", "Décret n° 2-09-607 relatif au séjour des étrangers au Maroc. " * 5),
        ("قانون", "قانون رقم 02.03 المتعلق بدخول وإقامة الأجانب بالمملكة المغربية. " * 5),
    ):
        try:
            analysed(prepare(text), text, title, "", str(PACKAGE_MODEL_DIR))
        except Exception:  # noqa: S112 - see module docstring
            continue


warm_up()
