"""HTML/XHTML pages (trafilatura for the main text and metadata, nh3 for the HTML we show)
and other XML (text content only, parsed with entities and DTDs off)."""

from __future__ import annotations

import html as html_lib
import re

import nh3
from lxml import etree

from migralex.ingestion.parsers import result
from migralex.ingestion.parsers.plain import decode_text

# What we show of a page: structure and links, no scripts, styles, frames or event handlers.
# Only http(s) and mailto URLs survive (no javascript:, data:, vbscript:).
SAFE_URL_SCHEMES = {"http", "https", "mailto"}
_DROP_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "embed"}
_BLOCK_END = re.compile(
    r"</(p|div|li|h[1-6]|tr|blockquote|pre|section|article)\s*>|<br\s*/?>", re.I
)
_TAG = re.compile(r"<[^>]*>")


def sanitize_html(markup: str) -> str:
    """HTML safe to display under our CSP; idempotent."""
    if not markup:
        return ""
    return nh3.clean(
        markup,
        url_schemes=SAFE_URL_SCHEMES,
        clean_content_tags=_DROP_WITH_CONTENT,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(markup: str) -> str:
    """Readable text of an HTML fragment (feed entries): block ends become line breaks."""
    if not markup:
        return ""
    safe = sanitize_html(markup)
    text = _TAG.sub("", _BLOCK_END.sub("\n", safe))
    return html_lib.unescape(text)


def parse_html(data: bytes, options: dict) -> dict:
    import trafilatura

    markup, encoding, certain = decode_text(data)
    url = options.get("source_url") or None
    # One parse serves text, metadata and the HTML we show; "fast" skips the fallback
    # extractors (readability, justext), which double the time for little gain on legal pages.
    doc = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_tables=True,
        include_comments=False,
        include_links=True,
        fast=True,
    )
    shown = ""
    meta: dict = {"encoding": encoding}
    text = ""
    title = ""
    if doc is not None:
        fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        text = fields.get("text") or ""
        title = fields.get("title") or ""
        for key in ("author", "date", "sitename", "description", "language", "url"):
            if fields.get(key):
                meta[key] = str(fields[key])[:1000]
        if getattr(doc, "body", None) is not None and text.strip():
            from trafilatura.core import build_html_output

            shown = build_html_output(doc)
            # The text comes from the shown HTML: with links kept, trafilatura's own text
            # would carry Markdown link syntax (and unsafe URLs) into the stored text.
            text = html_to_text(shown).strip() or text
    status, message = "ok", ""
    if not text.strip():
        # trafilatura found no main content (a short page): keep all the visible text.
        text = html_to_text(markup)
        status, message = ("degraded", "no main content found; kept all visible text")
        if not text.strip():
            message = "page has no text"
    if not title:
        match = re.search(r"<title[^>]*>(.*?)</title>", markup, re.I | re.S)
        title = html_lib.unescape(_TAG.sub("", match.group(1))).strip() if match else ""
    if not certain:
        status, message = "degraded", f"uncertain text encoding, read as {encoding}"
    return result(
        status=status,
        message=message,
        title=" ".join(title.split())[:1000],
        text=text,
        html=sanitize_html(shown or markup),
        metadata=meta,
    )


def safe_xml_parser() -> etree.XMLParser:
    """No entity expansion, no DTD loading, no network, no huge trees (billion laughs, XXE)."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        recover=True,
    )


def parse_xml(data: bytes, options: dict) -> dict:
    root = etree.fromstring(data, parser=safe_xml_parser())
    if root is None:
        raise ValueError("not well-formed XML and nothing recoverable")
    text = "\n".join(t.strip() for t in root.itertext() if t.strip())
    tag = etree.QName(root).localname if isinstance(root.tag, str) else "xml"
    return result(
        status="ok",
        message=f"generic XML ({tag}), text content kept",
        title=tag,
        text=text,
        metadata={"root": tag},
    )
