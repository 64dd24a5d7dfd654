"""IMAP mailbox source: every new message's body and attachments become documents.

Address: ``imap://user@host:port/FOLDER`` or ``imaps://…``; the password comes from
``config["password"]`` or from the environment variable named by ``config["password_env"]``
(never from the URL). The connection goes through the same address guard as HTTP. New messages
are found by UID: the cursor keeps UIDVALIDITY and the last UID handed over.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import imaplib
import ipaddress
import os
import socket
import ssl
from urllib.parse import unquote, urlsplit

from django.conf import settings

from migralex.common import http
from migralex.common.hashing import sha256_bytes
from migralex.sources.extract import html_document, text_as_html
from migralex.sources.polling import Item, Poll, PollResult

MAX_MESSAGES_PER_POLL = 100


class MailboxError(OSError):
    pass


def _guarded_connect(host: str, port: int, timeout) -> socket.socket:
    policy = http.Policy.from_settings(None)
    addresses = http.resolve(host, port)
    for address in addresses:
        policy.check(host, ipaddress.ip_address(address.split("%")[0]))
    return socket.create_connection((addresses[0], port), timeout)


class GuardedIMAP4(imaplib.IMAP4):
    def _create_socket(self, timeout):
        return _guarded_connect(self.host, self.port, timeout)


class GuardedIMAP4SSL(imaplib.IMAP4_SSL):
    def _create_socket(self, timeout):
        sock = _guarded_connect(self.host, self.port, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def _connect(url: str, config: dict) -> tuple[imaplib.IMAP4, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise MailboxError(f"not an imap:// or imaps:// address: {url!r}")
    if parts.password:
        raise MailboxError("put the mailbox password in the source settings, not in the URL")
    password = config.get("password") or os.environ.get(config.get("password_env") or "", "")
    user = unquote(parts.username or config.get("user") or "")
    timeout = settings.FETCH_TIMEOUT_SECONDS
    if parts.scheme == "imaps":
        client: imaplib.IMAP4 = GuardedIMAP4SSL(
            parts.hostname,
            parts.port or 993,
            ssl_context=ssl.create_default_context(),
            timeout=timeout,
        )
    else:
        client = GuardedIMAP4(parts.hostname, parts.port or 143, timeout=timeout)
    if user:
        client.login(user, password)
    return client, unquote(parts.path.strip("/")) or "INBOX"


def _check(typ: str, data, what: str):
    if typ != "OK":
        raise MailboxError(f"IMAP {what} failed: {data!r}")
    return data


def _message_items(uid: int, raw: bytes, validity: str) -> list[Item]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = str(message.get("Message-ID") or f"<uid-{validity}-{uid}>").strip()
    subject = str(message.get("Subject") or "(sans objet)")
    date = str(message.get("Date") or "")
    items = []
    body = message.get_body(preferencelist=("html", "plain"))
    if body is not None:
        content = body.get_content()
        html_body = content if body.get_content_type() == "text/html" else text_as_html(content)
        data = html_document(subject, html_body, date=date)
        items.append(Item(f"{message_id}#body", "", "message.html", data, sha256_bytes(data)))
    for n, part in enumerate(message.iter_attachments()):
        payload = part.get_payload(decode=True) or b""
        if not payload:
            continue
        name = part.get_filename() or f"attachment-{n}"
        items.append(
            Item(f"{message_id}#{n}:{name}"[:500], "", name, payload, sha256_bytes(payload))
        )
    return items


def poll_mailbox(poll: Poll) -> PollResult:
    client, folder = _connect(poll.source.url, poll.source.config)
    out = PollResult()
    try:
        _check(*client.select(f'"{folder}"', readonly=True), what="SELECT")
        validity = (client.untagged_responses.get("UIDVALIDITY") or [b"0"])[0].decode()
        cursor = dict(poll.source.cursor or {})
        last_uid = int(cursor.get("last_uid", 0)) if cursor.get("uidvalidity") == validity else 0
        data = _check(*client.uid("SEARCH", None, f"UID {last_uid + 1}:*"), what="SEARCH")
        uids = sorted(int(x) for x in (data[0] or b"").split() if int(x) > last_uid)
        for uid in uids[:MAX_MESSAGES_PER_POLL]:
            fetched = _check(*client.uid("FETCH", str(uid), "(RFC822)"), what="FETCH")
            raw = next((part[1] for part in fetched if isinstance(part, tuple)), None)
            if raw is None:
                raise MailboxError(f"message UID {uid} came back empty")
            for item in _message_items(uid, raw, validity):
                if poll.is_new_or_changed(item.key, item.content_hash):
                    out.items.append(item)
            last_uid = uid
        out.state = {"cursor": {**cursor, "uidvalidity": validity, "last_uid": last_uid}}
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return out
