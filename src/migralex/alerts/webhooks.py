"""Signed webhooks: new hits of an alert POSTed as JSON to the address its owner gave.

Headers (documented for receivers in ``docs/user-guide.md``):

* ``X-Migralex-Timestamp``: seconds since the epoch when the request was signed;
* ``X-Migralex-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed with the alert's webhook
  secret, over ``"{timestamp}.{body}"`` (the raw body bytes). A receiver recomputes it, compares
  in constant time and refuses timestamps older than a few minutes (replays);
* ``X-Migralex-Event``: ``alert.hits``; ``X-Migralex-Delivery``: a unique id per attempt batch.

A failed POST (connection error, timeout, non-2xx) is retried by the task with exponential
back-off; after ``WEBHOOK_MAX_FAILURES`` consecutive failures the webhook is disabled and the
owner gets an e-mail saying so. The hits stay pending for the webhook until it succeeds."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from migralex.alerts.models import Delivery, Hit, SavedSearch
from migralex.alerts.rendering import hit_card, reader_language

logger = logging.getLogger(__name__)

WEBHOOK_MAX_FAILURES = getattr(settings, "ALERTS_WEBHOOK_MAX_FAILURES", 5)
WEBHOOK_TIMEOUT = 10.0
MAX_HITS_PER_WEBHOOK = 100
SIGNATURE_HEADER = "X-Migralex-Signature"
TIMESTAMP_HEADER = "X-Migralex-Timestamp"


class WebhookFailed(Exception):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, max_age: int = 300) -> bool:
    """What a receiver does (and what our tests do): constant-time compare, bounded age."""
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    return age <= max_age and hmac.compare_digest(sign(secret, timestamp, body), signature)


def webhook_payload(saved: SavedSearch, hits: list[Hit]) -> dict:
    lang = reader_language(getattr(saved.user, "language", None))
    items = []
    for hit in hits:
        card = hit_card(hit.document, hit.version, lang)
        items.append(
            {
                "document": card.uid,
                "version": card.version,
                "title": card.title,
                "type": hit.document.doc_type,
                "country": hit.document.country,
                "date": card.date.isoformat() if card.date else None,
                "themes": [link.theme_id for link in hit.document.theme_links.all()],
                "url": card.url,
                "snippet": card.snippet,
                "matched_at": hit.created_at.isoformat(),
            }
        )
    return {
        "event": "alert.hits",
        "alert": {"id": saved.pk, "name": saved.name, "query": saved.query},
        "hits": items,
    }


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST through the project's guarded HTTP client (SSRF check on the connected address,
    no redirects, no environment proxies)."""
    from migralex.common import http

    return http.post(url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT)


def saved_search_webhook_send(saved: SavedSearch) -> Delivery | None:
    """POST the hits the webhook has not received yet. Raises :class:`WebhookFailed` on failure
    (after counting it, and disabling the webhook at the limit)."""
    if not saved.webhook_url or saved.webhook_disabled_at is not None or saved.paused:
        return None
    pending = list(
        Hit.objects.filter(saved_search=saved, webhook_sent_at__isnull=True)
        .select_related("document", "version")
        .prefetch_related("document__theme_links__theme")
        .order_by("id")[:MAX_HITS_PER_WEBHOOK]
    )
    if not pending:
        return None
    body = json.dumps(webhook_payload(saved, pending), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(saved.webhook_secret, timestamp, body),
        "X-Migralex-Event": "alert.hits",
        "X-Migralex-Delivery": uuid.uuid4().hex,
    }
    error = ""
    try:
        status = _post(saved.webhook_url, body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except Exception as exc:  # refused address, connection error, timeout
        error = f"{type(exc).__name__}: {exc}"
    if error:
        _record_failure(saved, error, len(pending))
        raise WebhookFailed(error)
    Hit.objects.filter(pk__in=[h.pk for h in pending]).update(webhook_sent_at=timezone.now())
    SavedSearch.objects.filter(pk=saved.pk).update(webhook_failures=0, webhook_last_error="")
    return Delivery.objects.create(
        channel=Delivery.Channel.WEBHOOK,
        status=Delivery.Status.SENT,
        recipient=saved.webhook_url,
        saved_search=saved,
        hit_count=len(pending),
    )


def _record_failure(saved: SavedSearch, error: str, count: int) -> None:
    saved.webhook_failures += 1
    saved.webhook_last_error = error[:500]
    fields = ["webhook_failures", "webhook_last_error"]
    Delivery.objects.create(
        channel=Delivery.Channel.WEBHOOK,
        status=Delivery.Status.FAILED,
        recipient=saved.webhook_url,
        saved_search=saved,
        hit_count=count,
        error=error[:2000],
    )
    if saved.webhook_failures >= WEBHOOK_MAX_FAILURES:
        saved.webhook_disabled_at = timezone.now()
        fields.append("webhook_disabled_at")
        _notify_owner_disabled(saved)
    saved.save(update_fields=fields)


def _notify_owner_disabled(saved: SavedSearch) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    lang = reader_language(getattr(saved.user, "language", None))
    context = {"saved": saved, "limit": WEBHOOK_MAX_FAILURES}
    with translation.override(lang):
        subject = render_to_string("alerts/email/webhook_disabled_subject.txt", context).strip()
        body = render_to_string("alerts/email/webhook_disabled.txt", context)
    status, error = Delivery.Status.SENT, ""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [saved.user.email])
    except Exception as exc:  # the notice failing must not hide the disabling itself
        status, error = Delivery.Status.FAILED, f"{type(exc).__name__}: {exc}"
    Delivery.objects.create(
        channel=Delivery.Channel.NOTICE,
        status=status,
        recipient=saved.user.email,
        subject=subject,
        saved_search=saved,
        error=error,
    )


def webhooks_send_pending() -> dict:
    """Retry the enabled webhooks that still have pending hits (run by ``alerts_tick``)."""
    report = {"sent": 0, "failed": 0}
    ids = (
        Hit.objects.filter(
            webhook_sent_at__isnull=True,
            saved_search__webhook_disabled_at__isnull=True,
            saved_search__paused=False,
        )
        .exclude(saved_search__webhook_url="")
        .values_list("saved_search_id", flat=True)
        .distinct()
    )
    for saved in SavedSearch.objects.filter(pk__in=list(ids)).select_related("user"):
        try:
            if saved_search_webhook_send(saved):
                report["sent"] += 1
        except WebhookFailed:
            report["failed"] += 1
    return report
