"""E-mail delivery of alerts: real-time messages and digests at the user's hour.

Nothing is lost and nothing is sent twice because the hits themselves are the outbox: a hit
is marked ``emailed_at`` only after the SMTP server accepted the message that carried it. A
failure leaves the hits pending; the task retries with back-off and ``alerts_tick`` picks up
whatever is still pending, so the message goes out once the server is back. A lease on the
saved search keeps two workers from sending the same hits at once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from migralex.alerts.models import Delivery, Frequency, Hit, SavedSearch
from migralex.alerts.rendering import hit_card, reader_language, site_url

logger = logging.getLogger(__name__)

MAX_HITS_PER_EMAIL = getattr(settings, "ALERTS_MAX_HITS_PER_EMAIL", 20)
LEASE = timedelta(minutes=10)


class DeliveryFailed(Exception):
    """The message could not be handed to the SMTP server; the hits stay pending."""


def unsubscribe_url(saved: SavedSearch) -> str:
    return site_url(reverse("alerts_public:unsubscribe", args=[saved.unsubscribe_token]))


def feed_url(saved: SavedSearch) -> str:
    return site_url(reverse("alerts_public:feed", args=[saved.feed_token]))


def hits_url(saved: SavedSearch, lang: str) -> str:
    with translation.override(lang):
        return site_url(reverse("alerts:detail", args=[saved.pk]))


def alert_message(saved: SavedSearch, hits: list[Hit], *, total: int, digest: bool):
    """The multipart (text + HTML) message for ``hits`` (at most the cap shown, ``total``
    counted), in the user's language, with List-Unsubscribe and RFC 8058 one-click headers."""
    user = saved.user
    lang = reader_language(getattr(user, "language", None))
    cards = [hit_card(h.document, h.version, lang) for h in hits]
    context = {
        "saved": saved,
        "cards": cards,
        "total": total,
        "more": max(0, total - len(cards)),
        "digest": digest,
        "lang": lang,
        "rtl": lang == "ar",
        "see_all_url": hits_url(saved, lang),
        "unsubscribe_url": unsubscribe_url(saved),
        "feed_url": feed_url(saved),
    }
    with translation.override(lang):
        subject = render_to_string("alerts/email/subject.txt", context).strip()
        text = render_to_string("alerts/email/alert.txt", context)
        html = render_to_string("alerts/email/alert.html", context)
    unsubscribe = context["unsubscribe_url"]
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:250],
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Migralex alert {saved.pk} <alert-{saved.pk}.migralex>",
            "Auto-Submitted": "auto-generated",
            "Content-Language": lang,
            "Message-ID": make_msgid(domain="migralex"),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _lease(saved: SavedSearch) -> bool:
    now = timezone.now()
    taken = (
        SavedSearch.objects.filter(pk=saved.pk)
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .update(sending_until=now + LEASE)
    )
    return bool(taken)


def _release(saved: SavedSearch) -> None:
    SavedSearch.objects.filter(pk=saved.pk).update(sending_until=None)


def saved_search_send_pending(saved: SavedSearch, *, digest: bool = False) -> Delivery | None:
    """Send one e-mail with the pending hits of ``saved`` (the cap shown, a "see all" link for
    the rest) and mark them all sent. Returns the delivery record, None when there was nothing
    to send or another worker holds the lease. Raises :class:`DeliveryFailed` on SMTP failure,
    after recording it; the hits then stay pending."""
    if not saved.by_email or saved.paused or not saved.user.email:
        return None
    if not _lease(saved):
        return None
    try:
        pending = list(
            Hit.objects.filter(saved_search=saved, emailed_at__isnull=True)
            .select_related("document", "version")
            .prefetch_related("document__theme_links__theme")
            .order_by("-created_at", "-id")
        )
        if not pending:
            return None
        message = alert_message(
            saved, pending[:MAX_HITS_PER_EMAIL], total=len(pending), digest=digest
        )
        channel = Delivery.Channel.DIGEST if digest else Delivery.Channel.EMAIL
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # SMTP refused, connection refused, timeout…
            Delivery.objects.create(
                channel=channel,
                status=Delivery.Status.FAILED,
                recipient=saved.user.email,
                subject=message.subject,
                saved_search=saved,
                hit_count=len(pending),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            raise DeliveryFailed(str(exc)) from exc
        Hit.objects.filter(pk__in=[h.pk for h in pending]).update(emailed_at=timezone.now())
        return Delivery.objects.create(
            channel=channel,
            status=Delivery.Status.SENT,
            recipient=saved.user.email,
            subject=message.subject,
            saved_search=saved,
            hit_count=len(pending),
        )
    finally:
        _release(saved)


# --- digests ----------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def digest_slot(saved: SavedSearch, now: datetime) -> datetime:
    """The latest digest time at or before ``now``: the chosen hour in the user's time zone,
    every day (daily) or on the chosen weekday (weekly). Returned in UTC."""
    zone = _zone(getattr(saved.user, "time_zone", ""))
    local_now = now.astimezone(zone)
    slot = datetime(local_now.year, local_now.month, local_now.day, saved.digest_hour, tzinfo=zone)
    if slot > local_now:
        slot -= timedelta(days=1)
    if saved.frequency == Frequency.WEEKLY:
        slot -= timedelta(days=(slot.weekday() - saved.digest_weekday) % 7)
    # Re-attach the zone for the wall-clock hour (a DST change between the two dates).
    slot = datetime(slot.year, slot.month, slot.day, saved.digest_hour, tzinfo=zone)
    return slot.astimezone(ZoneInfo("UTC"))


def digests_send_due(now: datetime | None = None) -> dict:
    """Send every digest whose slot has passed since the last one served. A slot is marked
    served only when its e-mail went out (or there was nothing to send), so an SMTP outage
    delays the digest to the next run and loses nothing."""
    now = now or timezone.now()
    report = {"sent": 0, "empty": 0, "failed": 0}
    candidates = SavedSearch.objects.filter(
        frequency__in=[Frequency.DAILY, Frequency.WEEKLY], by_email=True, paused=False
    ).select_related("user")
    for saved in candidates:
        slot = digest_slot(saved, now)
        if saved.last_digest_at is not None and saved.last_digest_at >= slot:
            continue
        try:
            delivery = saved_search_send_pending(saved, digest=True)
        except DeliveryFailed:
            report["failed"] += 1
            continue
        except Exception:  # one broken alert never stops the other digests
            logger.exception("digest of saved search %s failed", saved.pk)
            report["failed"] += 1
            continue
        report["sent" if delivery else "empty"] += 1
        SavedSearch.objects.filter(pk=saved.pk).update(last_digest_at=slot)
    return report


def realtime_send_pending() -> dict:
    """Retry the real-time alerts whose hits are still pending (the SMTP server was down)."""
    report = {"sent": 0, "failed": 0}
    ids = (
        Hit.objects.filter(
            emailed_at__isnull=True,
            saved_search__frequency=Frequency.REALTIME,
            saved_search__by_email=True,
            saved_search__paused=False,
        )
        .values_list("saved_search_id", flat=True)
        .distinct()
    )
    for saved in SavedSearch.objects.filter(pk__in=list(ids)).select_related("user"):
        try:
            if saved_search_send_pending(saved):
                report["sent"] += 1
        except DeliveryFailed:
            report["failed"] += 1
        except Exception:
            logger.exception("real-time alert %s failed", saved.pk)
            report["failed"] += 1
    return report
