"""Turning fetched bytes into what change detection compares and what ingestion receives:
the selected, normalised part of a web page; a feed entry or JSON record as a small HTML
document; links of a listing page; URLs of a sitemap. Pure functions, no I/O."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from lxml.cssselect import CSSSelector

from migralex.common.hashing import sha256_text
from migralex.common.text import clean


class ExtractError(ValueError):
    """The content is not what the source type expects (a readable one-line reason)."""


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _decode(data: bytes, charset: str = "") -> str | bytes:
    """Text for lxml: the HTTP charset, else UTF-8; if neither decodes, the bytes are left for
    lxml to sniff (``<meta charset>``). Without this, lxml reads UTF-8 pages as Latin-1."""
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return _XML_DECL.sub("", data.decode(encoding), count=1)
        except (LookupError, UnicodeDecodeError):
            continue
    return data


def _html_root(data: bytes, base_url: str = "", charset: str = ""):
    if not data.strip():
        raise ExtractError("empty page")
    try:
        root = lxml.html.document_fromstring(_decode(data, charset), base_url=base_url or None)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"not parseable as HTML: {exc}") from exc
    if base_url:
        root.make_links_absolute(base_url, resolve_base_href=True)
    return root


def _select(root, selector: str):
    """CSS by default; a selector starting with ``/`` or ``(`` is XPath."""
    try:
        if selector.lstrip().startswith(("/", "(")):
            found = root.xpath(selector)
        else:
            found = CSSSelector(selector)(root)
    except (lxml.etree.XPathError, Exception) as exc:  # cssselect raises its own SelectorError
        raise ExtractError(f"invalid selector {selector!r}: {exc}") from exc
    return [el for el in found if isinstance(el, lxml.html.HtmlElement)]


_BLOCKS = (
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
)


@dataclass
class PageSelection:
    text: str  # normalised text of the selection, noise removed: what the hash covers
    html: str  # the selected markup (for ingestion)
    title: str
    content_hash: str


def page_select(data: bytes, config: dict, base_url: str = "", charset: str = "") -> PageSelection:
    """Select the watched part of a page and normalise it.

    ``config["selector"]``: CSS or XPath of the part to watch (whole body when absent);
    ``config["ignore_selectors"]``: parts to drop (menus, counters, "last updated" boxes);
    ``config["ignore_patterns"]``: regular expressions removed from the text (dates, visit
    counters), so that noise does not count as a change.
    """
    root = _html_root(data, base_url, charset)
    for selector in ["script", "style", "noscript", "template"] + list(
        config.get("ignore_selectors") or []
    ):
        for el in _select(root, selector):
            el.drop_tree()
    selector = config.get("selector") or ""
    parts = _select(root, selector) if selector else [root.body if root.body is not None else root]
    if not parts:
        raise ExtractError(f"selector {selector!r} matches nothing on the page")
    title = clean(root.findtext(".//title") or "")
    markup = "\n".join(lxml.html.tostring(el, encoding="unicode") for el in parts)
    # One line per block, so a diff shows the added paragraph or list item, not a whole
    # rewritten line.
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    text = clean("\n".join(el.text_content() for el in parts))
    for pattern in config.get("ignore_patterns") or []:
        try:
            text = re.sub(pattern, "", text)
        except re.error as exc:
            raise ExtractError(f"invalid ignore pattern {pattern!r}: {exc}") from exc
    text = "\n".join(line for line in (" ".join(x.split()) for x in text.split("\n")) if line)
    return PageSelection(text, markup, title, sha256_text(text))


def html_document(
    title: str, body_html: str, *, url: str = "", date: str = "", lang: str = ""
) -> bytes:
    """A small standalone HTML document, the form in which feed entries, JSON records and page
    selections reach ingestion (title, canonical link and date where its extractors look)."""
    head = [f"<meta charset='utf-8'><title>{html.escape(title)}</title>"]
    if url:
        head.append(f"<link rel='canonical' href='{html.escape(url, quote=True)}'>")
    if date:
        head.append(f"<meta name='date' content='{html.escape(date, quote=True)}'>")
    lang_attr = f" lang='{html.escape(lang, quote=True)}'" if lang else ""
    return (
        f"<!doctype html><html{lang_attr}><head>{''.join(head)}</head>"
        f"<body><h1>{html.escape(title)}</h1>\n{body_html}</body></html>"
    ).encode()


def text_as_html(text: str) -> str:
    return "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def listing_links(data: bytes, base_url: str, config: dict) -> list[str]:
    """Absolute http(s) links of a listing page that match ``config["link_pattern"]`` (a regular
    expression searched in the URL), inside ``config["scope"]`` when given; in page order."""
    root = _html_root(data, base_url)
    scopes = _select(root, config["scope"]) if config.get("scope") else [root]
    try:
        pattern = re.compile(config.get("link_pattern") or r"\.pdf($|\?)", re.IGNORECASE)
    except re.error as exc:
        raise ExtractError(f"invalid link pattern: {exc}") from exc
    links: dict[str, None] = {}
    for scope in scopes:
        for el in scope.iter("a"):
            href = (el.get("href") or "").strip().split("#")[0]
            if urlsplit(href).scheme in ("http", "https") and pattern.search(href):
                links.setdefault(href)
    return list(links)


_SAFE_XML = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
)


def sitemap_entries(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """``("urlset"|"sitemapindex", [(loc, lastmod)])`` of a sitemap (XML, never resolving
    entities or fetching DTDs)."""
    try:
        root = lxml.etree.fromstring(data, parser=_SAFE_XML)
    except lxml.etree.XMLSyntaxError as exc:
        raise ExtractError(f"not a valid sitemap: {exc}") from exc
    kind = lxml.etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ExtractError(f"not a sitemap (root element <{kind}>)")
    entries = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        values = {
            lxml.etree.QName(el).localname: (el.text or "").strip()
            for el in child
            if isinstance(el.tag, str)
        }
        if values.get("loc"):
            entries.append((values["loc"], values.get("lastmod", "")))
    return kind, entries


def json_path(data, path: str):
    """``a.b.0.c`` into nested dicts and lists; None when a step is missing."""
    for step in [s for s in (path or "").split(".") if s]:
        if isinstance(data, list) and step.isdigit() and int(step) < len(data):
            data = data[int(step)]
        elif isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    return data


def json_records(data: bytes, mapping: dict) -> list[dict]:
    """Records of a JSON API answer, each as ``{"id","url","title","text","date"}`` strings,
    following ``mapping`` (``{"items": "data.results", "id": "id", "title": "name", …}``)."""
    try:
        payload = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExtractError(f"not valid JSON: {exc}") from exc
    items = json_path(payload, mapping.get("items", ""))
    if not isinstance(items, list):
        raise ExtractError(f"no list at {mapping.get('items') or 'the top level'!r}")
    records = []
    for item in items:
        record = {}
        for field in ("id", "url", "title", "text", "date"):
            value = json_path(item, mapping.get(field, field))
            record[field] = "" if value is None else str(value)
        record["id"] = record["id"] or record["url"]
        if record["id"]:
            records.append(record)
    return records
