"""RSS, Atom and RDF feeds: one document per entry, its link and GUID kept.

feedparser only ever gets bytes we already hold (it must never fetch); its own XML parser runs
with external entities off. Entry HTML is sanitised with the same rules as pages."""

from __future__ import annotations

import feedparser

from migralex.ingestion.parsers import result
from migralex.ingestion.parsers.markup import html_to_text, parse_xml, sanitize_html

MAX_ENTRIES = 5000


def _entry_html(entry) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return content["value"]
    return entry.get("summary") or entry.get("description") or ""


def _date(entry, key: str) -> str:
    parsed = entry.get(f"{key}_parsed")
    if parsed:
        y, mo, d, h, mi, sec = tuple(parsed[:6])
        return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{sec:02d}Z"
    return str(entry.get(key) or "")[:100]


def parse_feed(data: bytes, options: dict) -> dict:
    parsed = feedparser.parse(
        data,
        sanitize_html=True,
        resolve_relative_uris=True,
        # Declared as XML so feedparser trusts the document's own encoding declaration (it
        # flags a missing Content-Type as ill-formed otherwise).
        response_headers={
            "content-type": "application/xml",
            "content-location": options.get("source_url") or "",
        },
    )
    feed = parsed.get("feed", {}) or {}
    entries = parsed.get("entries", []) or []
    if not parsed.get("version") and not entries and not feed.get("title"):
        # Not a feed after all (generic XML with a look-alike root): keep its text.
        fallback = parse_xml(data, options)
        if parsed.get("bozo"):
            fallback["status"] = "degraded"
            fallback["message"] = f"not a readable feed: {_bozo(parsed)}"
        return fallback
    docs = []
    for entry in entries[:MAX_ENTRIES]:
        markup = _entry_html(entry)
        title = " ".join(html_to_text(entry.get("title") or "").split())
        docs.append(
            {
                "title": title[:1000],
                "text": html_to_text(markup),
                "html": sanitize_html(markup),
                "link": str(entry.get("link") or "")[:2000],
                "guid": str(entry.get("id") or entry.get("guid") or "")[:500],
                "metadata": {
                    k: v
                    for k, v in {
                        "published": _date(entry, "published"),
                        "updated": _date(entry, "updated"),
                        "author": str(entry.get("author") or "")[:300],
                        "tags": [t.get("term") for t in entry.get("tags") or [] if t.get("term")][
                            :50
                        ],
                    }.items()
                    if v
                },
            }
        )
    status, message = "ok", f"{parsed.get('version') or 'feed'}: {len(docs)} entries"
    if parsed.get("bozo"):
        status, message = "degraded", f"{message}; ill-formed feed: {_bozo(parsed)}"
    if len(entries) > MAX_ENTRIES:
        status, message = "degraded", f"{message}; only the first {MAX_ENTRIES} entries kept"
    feed_title = " ".join(html_to_text(feed.get("title") or "").split())
    return result(
        status=status,
        message=message,
        title=feed_title[:1000],
        text="",
        html="",
        metadata={
            "feed_version": parsed.get("version") or "",
            "feed_link": str(feed.get("link") or "")[:2000],
            "encoding": parsed.get("encoding") or "",
        },
        entries=docs,
    )


def _bozo(parsed) -> str:
    exc = parsed.get("bozo_exception")
    text = f"{type(exc).__name__}: {exc}" if exc else "unknown problem"
    return " ".join(text.split())[:300]
