"""Containers: ZIP archives (each member ingested on its own, with bomb limits) and e-mail
(``.eml``: the body is the document, attachments become its child documents)."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile
from pathlib import PurePosixPath

from migralex.ingestion.parsers import Rejected, result
from migralex.ingestion.parsers.markup import html_to_text, sanitize_html

# Zip-bomb limits (overridable through options): members, total inflated size, and the
# inflation ratio of any member larger than a megabyte.
MAX_MEMBERS = 2000
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 150


def parse_zip(data: bytes, options: dict) -> dict:
    max_members = int(options.get("zip_max_members", MAX_MEMBERS))
    max_total = int(options.get("zip_max_bytes", MAX_TOTAL_BYTES))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"corrupt ZIP: {exc}") from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > max_members:
            raise Rejected(f"zip bomb: {len(infos)} members (limit {max_members})")
        declared = sum(i.file_size for i in infos)
        if declared > max_total:
            raise Rejected(f"zip bomb: {declared} bytes once inflated (limit {max_total})")
        attachments, skipped = [], []
        total = 0
        for info in infos:
            name = str(PurePosixPath(info.filename))
            if info.flag_bits & 0x1:
                skipped.append(f"{name} (encrypted)")
                continue
            if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise Rejected(
                    f"zip bomb: {name} inflates {info.file_size // max(1, info.compress_size)}x"
                )
            # Read with a cap: the declared size can lie.
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)
            if len(content) > info.file_size:
                raise Rejected(f"zip bomb: {name} is larger than declared")
            total += len(content)
            if total > max_total:
                raise Rejected(f"zip bomb: more than {max_total} bytes once inflated")
            attachments.append({"name": name, "data": content})
    message = f"{len(attachments)} members"
    if skipped:
        message += "; skipped: " + ", ".join(skipped[:10])
    return result(
        status="degraded" if skipped else "ok",
        message=message,
        attachments=attachments,
        metadata={"members": [a["name"] for a in attachments][:500]},
    )


def parse_eml(data: bytes, options: dict) -> dict:
    message = email.message_from_bytes(data, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))
    text, shown = "", ""
    problems = []
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, UnicodeError, ValueError) as exc:
            payload = body.get_payload(decode=True) or b""
            content = payload.decode("utf-8", "replace")
            problems.append(f"body charset: {exc}")
        if body.get_content_type() == "text/html":
            shown = sanitize_html(content)
            text = html_to_text(content)
        else:
            text = content
    attachments = []
    for part in message.iter_attachments():
        name = part.get_filename() or f"attachment-{len(attachments) + 1}"
        payload = part.get_payload(decode=True)
        if payload is None:
            # A message/rfc822 attachment: keep it whole as an e-mail of its own.
            inner = part.get_payload()
            payload = bytes(inner[0]) if isinstance(inner, list) and inner else b""
        if payload:
            attachments.append({"name": name, "data": payload})
    metadata = {
        key: str(message.get(header, ""))[:500]
        for key, header in (
            ("from", "From"),
            ("to", "To"),
            ("date", "Date"),
            ("message_id", "Message-ID"),
        )
        if message.get(header)
    }
    defects = [type(d).__name__ for d in getattr(message, "defects", [])]
    if defects:
        problems.append("defects: " + ", ".join(sorted(set(defects))))
    return result(
        status="degraded" if problems else "ok",
        message="; ".join(problems) or f"{len(attachments)} attachments",
        title=str(message.get("Subject", ""))[:1000],
        text=text,
        html=shown,
        metadata=metadata,
        attachments=attachments,
        item_id=str(message.get("Message-ID", "")).strip()[:500],
    )
