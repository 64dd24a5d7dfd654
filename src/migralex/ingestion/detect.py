"""Type detection from the bytes themselves, never from the file name.

A name can lie (``report.pdf`` that is an HTML error page, a feed served as ``.xml`` or
``.txt``); the magic numbers and the first markup of a file do not. The file name is only a hint
for one ambiguous case (JSON records vs. plain JSON text is decided by content too).
The result is a *kind*, the key of the parser registry (``parsers.PARSERS``).
"""

from __future__ import annotations

import io
import re
import zipfile

KINDS = (
    "pdf",
    "html",
    "feed",
    "xml",
    "docx",
    "odt",
    "zip",
    "eml",
    "json-records",
    "text",
    "binary",
)

_XML_NOISE = re.compile(
    r"^(\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)*", re.S | re.I
)
_ROOT = re.compile(r"<\s*([A-Za-z_][\w.:-]*)")
_FEED_ROOTS = {"rss", "feed", "rdf:rdf", "rdf", "channel", "atom:feed", "opml"}
_HTML_ROOTS = {"html", "head", "body", "div", "p", "table", "h1", "h2", "article", "section"}
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,60}:[ \t]?\S", re.M)
_MAIL_HEADERS = re.compile(
    rb"^(received|from|to|subject|date|message-id|mime-version|return-path|delivered-to)"
    rb":",
    re.I | re.M,
)


def head_text(data: bytes, size: int = 8192) -> str:
    """The beginning of ``data`` as text, good enough to recognise markup in any encoding."""
    head = data[:size]
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore")
    # UTF-16/32 without a BOM: "<" next to NUL bytes.
    if head[:4] == b"<\x00\x00\x00":
        return head.decode("utf-32-le", "ignore")
    if head[:4] == b"\x00\x00\x00<":
        return head.decode("utf-32-be", "ignore")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", "ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", "ignore")
    return head.decode("latin-1")


def detect_kind(data: bytes) -> str:
    """The parser kind of ``data`` (one of ``KINDS``)."""
    if not data:
        return "text"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _zip_kind(data)
    text = head_text(data)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "{[" and b'"provisions"' in data:
        return "json-records"
    if stripped.startswith("<"):
        return _markup_kind(stripped)
    if _looks_like_mail(data[:4096]):
        return "eml"
    if _looks_binary(data[:4096]):
        return "binary"
    return "text"


def _markup_kind(text: str) -> str:
    body = _XML_NOISE.sub("", text, count=1)
    match = _ROOT.match(body)
    root = match.group(1).lower() if match else ""
    if root in _FEED_ROOTS or root.endswith(":rss") or root.endswith(":feed"):
        return "feed"
    if root in _HTML_ROOTS or re.match(r"<!doctype\s+html", text, re.I):
        return "html"
    if text.startswith("<?xml") or root:
        # Other XML: a feed whose root element is prefixed differently is still a feed.
        if re.search(r"<(\w+:)?(rss|feed|RDF|channel|item|entry)[\s>]", body[:4096]):
            return "feed"
        if re.search(r"<html[\s>]", body[:4096], re.I):
            return "html"
        return "xml"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist()[:5000])
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and "content.xml" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"opendocument.text" in mimetype:
                    return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return "zip"  # the zip parser reports the corruption in its sandbox
    return "zip"


def _looks_like_mail(head: bytes) -> bool:
    first_block = head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return (
        len(_MAIL_HEADERS.findall(first_block)) >= 2
        and len(_HEADER_LINE.findall(first_block)) >= 3
        and _HEADER_LINE.match(first_block) is not None
    )


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        # UTF-16 text has NULs too; charset detection in the text parser decides that.
        return not (head[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_like(head))
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > max(8, len(head) // 20)


def _utf16_like(head: bytes) -> bool:
    even_nul = head[0::2].count(0)
    odd_nul = head[1::2].count(0)
    half = max(1, len(head) // 2)
    if not (max(even_nul, odd_nul) > half * 0.3 and min(even_nul, odd_nul) < half * 0.05):
        return False
    # NULs in one column only could still be binary: the decoded text must read as text.
    decoded = head[: len(head) // 2 * 2].decode(
        "utf-16-be" if even_nul > odd_nul else "utf-16-le", "replace"
    )
    readable = sum(ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()<>/-=&#" for ch in decoded)
    return readable > 0.8 * max(1, len(decoded))
