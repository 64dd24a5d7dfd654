"""OPML import and export of sources (the format feed readers and watch tools exchange).
Export writes every source; Migralex-specific settings travel in ``migralex:*`` attributes so a
round trip keeps type, interval and configuration."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

import lxml.etree

from migralex.sources.models import Source

NS = "https://migralex.org/ns/opml"
_SAFE = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def opml_export(sources=None) -> str:
    sources = Source.objects.all() if sources is None else sources
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<opml version="2.0" xmlns:migralex="{NS}">',
        "<head><title>Migralex sources</title></head>",
        "<body>",
    ]
    for s in sources:
        attrs = {
            "text": s.name,
            "title": s.name,
            "type": "rss" if s.kind == Source.Kind.FEED else "link",
            ("xmlUrl" if s.kind == Source.Kind.FEED else "url"): s.url,
            "migralex:kind": s.kind,
            "migralex:every": str(s.interval_minutes),
            "migralex:enabled": "1" if s.enabled else "0",
            "migralex:country": s.country,
            "migralex:language": s.language,
            "migralex:ignoreRobots": "1" if s.ignore_robots else "0",
        }
        # Passwords never leave the database through an export file.
        config = {k: v for k, v in (s.config or {}).items() if k != "password"}
        if config:
            attrs["migralex:config"] = json.dumps(config, ensure_ascii=False, sort_keys=True)
        lines.append(
            "  <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items() if v) + "/>"
        )
    lines += ["</body>", "</opml>", ""]
    return "\n".join(lines)


@dataclass
class ImportReport:
    created: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "url: reason"


def opml_import(data: bytes, *, detect=False) -> ImportReport:
    """Create a source per outline with an address; existing ones and bad ones are reported,
    not fatal. Feed outlines without Migralex attributes become feeds (what OPML means)."""
    from migralex.common.http import FetchError
    from migralex.sources.services import SourceError, source_add

    try:
        root = lxml.etree.fromstring(data, parser=_SAFE)
    except lxml.etree.XMLSyntaxError as exc:
        raise SourceError(f"not a readable OPML file: {exc}") from exc
    report = ImportReport()
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("url") or ""
        if not url:
            continue
        kind = outline.get(f"{{{NS}}}kind") or (
            Source.Kind.FEED
            if outline.get("type", "rss") == "rss" or outline.get("xmlUrl")
            else (None if detect else Source.Kind.PAGE)
        )
        try:
            config = json.loads(outline.get(f"{{{NS}}}config") or "{}")
            source = source_add(
                url,
                kind=kind,
                name=outline.get("title") or outline.get("text") or "",
                interval_minutes=int(outline.get(f"{{{NS}}}every") or 60),
                config=config,
                country=outline.get(f"{{{NS}}}country") or "",
                language=outline.get(f"{{{NS}}}language") or "",
                ignore_robots=outline.get(f"{{{NS}}}ignoreRobots") == "1",
            )
        except (SourceError, FetchError, ValueError, OSError) as exc:
            report.skipped.append(f"{url}: {exc}")
            continue
        if outline.get(f"{{{NS}}}enabled") == "0":
            source.enabled = False
            source.save(update_fields=["enabled"])
        report.created.append(source)
    return report
