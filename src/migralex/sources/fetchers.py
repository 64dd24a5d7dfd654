"""Pollers of the web source kinds: feed, page, listing, sitemap, JSON API.

Each reads through ``poll.fetch`` (SSRF guard, politeness, robots) and returns only what is new
or changed. The cheap path comes first: a 304, or a body whose hash equals the last one, ends
the poll before any parsing — that is what keeps an unchanged source at a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from calendar import timegm
from urllib.parse import unquote, urlsplit

import feedparser

from migralex.common.hashing import sha256_bytes, sha256_text
from migralex.common.http import FetchResult, TooLarge
from migralex.documents.services import text_diff
from migralex.sources.extract import (
    ExtractError,
    html_document,
    json_records,
    listing_links,
    page_select,
    sitemap_entries,
    text_as_html,
)
from migralex.sources.models import Snapshot
from migralex.sources.polling import Item, Poll, PollResult

MAX_NEW_PER_POLL = 50  # listing/sitemap documents fetched per poll; the rest come next time
MAX_CHILD_SITEMAPS = 20
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


class WrongContentType(ExtractError):
    pass


def _refuse_types(result: FetchResult, what: str, refused=_BINARY_TYPES) -> None:
    if result.content_type.startswith(refused):
        raise WrongContentType(f"expected {what}, got content type {result.content_type!r}")


def _validators(result: FetchResult) -> dict:
    return {
        "etag": result.etag,
        "last_modified": result.last_modified,
        "content_hash": sha256_bytes(result.content),
    }


def _unchanged(poll: Poll, result: FetchResult) -> bool:
    return result.not_modified or sha256_bytes(result.content) == poll.source.content_hash


def name_from_url(url: str, default: str = "document.html") -> str:
    path = unquote(urlsplit(url).path).rstrip("/")
    name = re.sub(r"[^\w.\-]+", "_", path.rsplit("/", 1)[-1])[-120:]
    return name or default


# --- feeds ------------------------------------------------------------------------------------


def _entry_date(entry) -> tuple[dt.datetime | None, str]:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None, ""
    when = dt.datetime.fromtimestamp(timegm(parsed), tz=dt.UTC)
    return when, when.isoformat()


def poll_feed(poll: Poll) -> PollResult:
    result = poll.fetch(poll.source.url, conditional=True)
    out = PollResult(http_status=result.status)
    if _unchanged(poll, result):
        return out
    _refuse_types(result, "a feed", _BINARY_TYPES + ("text/html",))
    # feedparser only ever sees bytes we fetched: given bytes, it never opens a URL itself.
    parsed = feedparser.parse(
        result.content,
        response_headers={"content-location": result.url, "content-type": result.content_type},
    )
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no feed element"
        raise ExtractError(f"not a readable feed: {reason}")
    if parsed.get("bozo"):
        out.notes.append(f"feed parsed leniently: {parsed.get('bozo_exception')}")
    follow = bool(poll.source.config.get("follow_links"))
    usable = [e for e in parsed.entries if e.get("id") or e.get("link")]
    if parsed.get("bozo") and parsed.entries and not usable:
        raise ExtractError(f"broken feed: {parsed.get('bozo_exception')}")
    if len(usable) < len(parsed.entries):
        out.notes.append(f"{len(parsed.entries) - len(usable)} entries without id or link skipped")
    for entry in usable:
        link = entry.get("link", "")
        key = entry.get("id") or link
        title = entry.get("title", "") or link
        body = entry["content"][0].get("value", "") if entry.get("content") else ""
        body = body or entry.get("summary", "")
        content_hash = sha256_text(f"{title}\n{link}\n{body}")
        if not poll.is_new_or_changed(key, content_hash):
            continue
        published, date_text = _entry_date(entry)
        if follow and link:
            page = poll.fetch(link)
            data, name = page.content, name_from_url(page.url)
        else:
            lang = entry.get("language") or parsed.feed.get("language", "")
            data = html_document(title, body, url=link, date=date_text, lang=lang[:8])
            name = "entry.html"
        out.items.append(Item(key[:500], link, name, data, content_hash, published=published))
    out.state = _validators(result)
    return out


# --- web pages --------------------------------------------------------------------------------


def poll_page(poll: Poll) -> PollResult:
    source = poll.source
    result = poll.fetch(source.url, conditional=True)
    out = PollResult(http_status=result.status)
    if _unchanged(poll, result):
        return out
    _refuse_types(result, "a web page")
    selection = page_select(
        result.content, source.config, base_url=result.url, charset=result.charset
    )
    state = {"etag": result.etag, "last_modified": result.last_modified}
    # The body changed but maybe only in ignored noise: compare the selection's hash.
    previous = source.snapshots.only("content_hash", "text").first()
    if previous is not None and previous.content_hash == selection.content_hash:
        out.state = {**state, "content_hash": sha256_bytes(result.content)}
        return out
    diff = text_diff(previous.text, selection.text) if previous else ""
    added = sum(1 for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in diff.splitlines() if x.startswith("-") and not x.startswith("---"))
    Snapshot.objects.create(
        source=source,
        url=result.url,
        fetched_at=poll.now,
        content_hash=selection.content_hash,
        text=selection.text,
        diff=diff,
        lines_added=added,
        lines_removed=removed,
    )
    if source.config.get("selector"):
        data = html_document(selection.title or source.name, selection.html, url=result.url)
    else:
        data = result.content
    name = name_from_url(result.url, "page.html")
    if not name.lower().endswith((".html", ".htm")):
        name += ".html"
    out.items.append(Item(source.url, result.url, name, data, selection.content_hash))
    out.changed = True
    out.state = {**state, "content_hash": sha256_bytes(result.content)}
    return out


# --- listings and sitemaps: pages that point to the documents ---------------------------------


def _fetch_documents(poll: Poll, out: PollResult, candidates: list[tuple[str, str]]) -> None:
    """Fetch each (url, signature) not handed before with that signature, up to the cap."""
    limit = int(poll.source.config.get("max_new") or MAX_NEW_PER_POLL)
    pending = [(u, s) for u, s in candidates if poll.signature_of(u) != s or u not in poll.known()]
    if len(pending) > limit:
        out.notes.append(f"{len(pending) - limit} more documents left for the next poll")
        out.state.pop("content_hash", None)  # so the next poll does not stop at "unchanged"
    for url, signature in pending[:limit]:
        doc = poll.fetch(url)
        content_hash = sha256_bytes(doc.content)
        if not poll.is_new_or_changed(url, content_hash):
            continue
        name = name_from_url(doc.url)
        if "." not in name and doc.content_type == "application/pdf":
            name += ".pdf"
        out.items.append(Item(url[:500], doc.url, name, doc.content, content_hash, signature))


def poll_listing(poll: Poll) -> PollResult:
    result = poll.fetch(poll.source.url, conditional=True)
    out = PollResult(http_status=result.status)
    if _unchanged(poll, result):
        return out
    _refuse_types(result, "a listing page")
    links = listing_links(result.content, result.url, poll.source.config)
    out.state = _validators(result)
    # A gazette issue, once published, does not change: a known link is not fetched again.
    _fetch_documents(poll, out, [(link, "listed") for link in links])
    return out


def _sitemap_body(result: FetchResult) -> bytes:
    data = result.content
    if data[:2] == b"\x1f\x8b":  # sitemap.xml.gz served as a file, not as an encoding
        try:
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as handle:
                data = handle.read(50 * 1024 * 1024 + 1)
        except OSError as exc:
            raise ExtractError(f"broken gzip sitemap: {exc}") from exc
        if len(data) > 50 * 1024 * 1024:
            raise TooLarge("sitemap larger than 50 MB once decompressed")
    return data


def poll_sitemap(poll: Poll) -> PollResult:
    result = poll.fetch(poll.source.url, conditional=True)
    out = PollResult(http_status=result.status)
    if _unchanged(poll, result):
        return out
    kind, entries = sitemap_entries(_sitemap_body(result))
    if kind == "sitemapindex":
        children, entries = entries[:MAX_CHILD_SITEMAPS], []
        for loc, _ in children:
            _, child_entries = sitemap_entries(_sitemap_body(poll.fetch(loc)))
            entries.extend(child_entries)
    pattern = poll.source.config.get("link_pattern")
    if pattern:
        entries = [(u, m) for u, m in entries if re.search(pattern, u)]
    out.state = _validators(result)
    # lastmod is the signature: a page whose lastmod moved is fetched again.
    _fetch_documents(poll, out, [(loc, lastmod or "-") for loc, lastmod in entries])
    return out


# --- JSON APIs --------------------------------------------------------------------------------


def poll_json_api(poll: Poll) -> PollResult:
    result = poll.fetch(poll.source.url, conditional=True)
    out = PollResult(http_status=result.status)
    if _unchanged(poll, result):
        return out
    _refuse_types(result, "JSON", _BINARY_TYPES + ("text/html",))
    mapping = poll.source.config.get("mapping") or {}
    for record in json_records(result.content, mapping):
        content_hash = sha256_text("\n".join(record[k] for k in ("title", "url", "text")))
        if not poll.is_new_or_changed(record["id"], content_hash):
            continue
        published = None
        if record["date"]:
            try:
                published = dt.datetime.fromisoformat(record["date"].replace("Z", "+00:00"))
                if published.tzinfo is None:
                    published = published.replace(tzinfo=dt.UTC)
            except ValueError:
                out.notes.append(f"unreadable date {record['date']!r}")
        data = html_document(
            record["title"] or record["url"] or record["id"],
            text_as_html(record["text"]),
            url=record["url"],
            date=record["date"],
        )
        out.items.append(
            Item(
                record["id"][:500],
                record["url"],
                "record.html",
                data,
                content_hash,
                published=published,
            )
        )
    out.state = _validators(result)
    return out
