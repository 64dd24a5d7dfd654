"""Plain text in any encoding, and JSON records shaped like the Adala seed files."""

from __future__ import annotations

import json

from charset_normalizer import from_bytes

from migralex.ingestion.parsers import Rejected, result

_PREFERRED = {
    name: rank
    for rank, name in enumerate(
        [
            "utf_8",
            "cp1252",
            "latin_1",
            "iso8859_15",
            "cp1256",
            "iso8859_6",
            "mac_arabic",
            "cp1250",
            "utf_16",
            "utf_16_le",
            "utf_16_be",
            "ascii",
        ]  # fmt: skip
    )
}
# Above this "chaos" (share of odd characters) the guessed encoding is reported as uncertain.
_CHAOS_DEGRADED = 0.2


def decode_text(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, certain). UTF-8 first (the common case, and exact), then detection."""
    try:
        return (
            data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"),
            "utf-8",
            True,
        )
    except UnicodeDecodeError:
        pass
    candidates = list(from_bytes(data[: 2 * 1024 * 1024]))
    best = None
    if candidates:
        # Short texts fit many code pages equally well; among the least chaotic, prefer those
        # of the watched sources (Western European and Arabic) over, say, Baltic cp775.
        floor = min(c.chaos for c in candidates) + 0.01
        fitting = [c for c in candidates if c.chaos <= floor]
        best = min(fitting, key=lambda c: _PREFERRED.get(c.encoding, len(_PREFERRED)))
    if best is None:
        return data.decode("utf-8", "replace"), "utf-8 (replaced)", False
    try:
        text = data.decode(best.encoding, "replace")
    except LookupError:
        text = str(best)
    return text, best.encoding, best.chaos < _CHAOS_DEGRADED


def parse_text(data: bytes, options: dict) -> dict:
    text, encoding, certain = decode_text(data)
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]
    if not certain:
        return result(
            status="degraded",
            message=f"uncertain text encoding, read as {encoding}",
            title=title,
            text=text,
            metadata={"encoding": encoding},
        )
    return result(text=text, title=title, metadata={"encoding": encoding})


def _provision_text(provision: dict) -> str:
    parts = []
    for key in ("chapter", "title"):
        value = provision.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(value.strip())
    content = provision.get("content")
    if isinstance(content, str):
        parts.append(content)
    return "\n".join(parts)


def parse_json_records(data: bytes, options: dict) -> dict:
    """A legal text as JSON: ``title`` + ``provisions[]`` (``chapter``, ``title``, ``content``).

    The record's ``id`` becomes the item identity (two files with the same id are the same
    work); its ``url`` is kept as metadata only, because the seed reuses one portal URL for
    many texts."""
    text, _, _ = decode_text(data)
    record = json.loads(text)
    if isinstance(record, list) and len(record) == 1:
        record = record[0]
    if not isinstance(record, dict) or not isinstance(record.get("provisions"), list):
        raise Rejected("JSON is not a record with title and provisions")
    provisions = [p for p in record["provisions"] if isinstance(p, dict)]
    title = str(record.get("title") or record.get("short_name") or "")[:1000]
    body = "\n\n".join(_provision_text(p) for p in provisions)
    metadata = {
        key: record[key]
        for key in ("id", "type", "status", "issued_date", "short_name", "title_en", "url")
        if isinstance(record.get(key), str | int | float)
    }
    metadata["provisions"] = len(provisions)
    skipped = len(record["provisions"]) - len(provisions)
    return result(
        status="degraded" if skipped else "ok",
        message=f"{skipped} malformed provisions skipped" if skipped else "",
        title=title,
        text=(title + "\n\n" + body).strip(),
        metadata=metadata,
        item_id=str(record.get("id") or ""),
    )
