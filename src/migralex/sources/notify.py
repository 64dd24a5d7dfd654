"""E-mail to administrators when a source keeps failing (once per failure streak)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from migralex.sources.models import Source

logger = logging.getLogger(__name__)


def administrator_addresses() -> list[str]:
    """``settings.ADMINS`` plus every active superuser with an address, without duplicates."""
    addresses = [email for _, email in settings.ADMINS]
    addresses += list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))


def source_failure_notify(source: Source) -> bool:
    """Send the "source failing" e-mail unless this failure streak was already reported.
    The mark is set with a conditional UPDATE so two workers never both send it."""
    if source.failure_notified_at is not None:
        return False
    now = timezone.now()
    claimed = Source.objects.filter(pk=source.pk, failure_notified_at__isnull=True).update(
        failure_notified_at=now
    )
    if not claimed:
        return False
    source.failure_notified_at = now
    recipients = administrator_addresses()
    if not recipients:
        logger.warning("source %s failing but no administrator address is known", source.pk)
        return False
    subject = f"[Migralex] Source en échec / failing source: {source.name}"[:200]
    body = (
        f"La source « {source.name} » a échoué {source.consecutive_failures} fois de suite.\n"
        f'The source "{source.name}" failed {source.consecutive_failures} times in a row.\n\n'
        f"Adresse / address: {source.url}\n"
        f"Type: {source.kind}\n"
        f"Dernière erreur / last error: {source.last_error}\n"
        f"Prochain essai / next try: {source.next_check_at:%Y-%m-%d %H:%M %Z}\n"
        f"{settings.SITE_URL}/admin/sources/source/{source.pk}/change/\n"
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception as exc:  # the mail server being down must not break polling
        logger.warning("could not send the failing-source e-mail: %s", exc)
        return False
    return True
