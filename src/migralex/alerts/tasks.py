"""Huey tasks of the alerts: thin wrappers over the services, with retries and back-off.

Retries are the fast path; ``alerts_tick`` (every few minutes, see ``config/schedules.py``)
is the safety net that sends whatever is still pending, so a task lost with its worker loses
nothing either."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from migralex.alerts.models import SavedSearch

# 30 s, 1 min, 2 min, 4 min, 8 min, 16 min: about half an hour of outage absorbed by retries.
RETRIES, RETRY_DELAY, BACKOFF = 6, 30, 2


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
def saved_search_email(saved_search_id: int) -> None:
    from migralex.alerts.delivery import saved_search_send_pending

    saved = SavedSearch.objects.select_related("user").filter(pk=saved_search_id).first()
    if saved is not None:
        saved_search_send_pending(saved)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
def saved_search_webhook(saved_search_id: int) -> None:
    from migralex.alerts.webhooks import saved_search_webhook_send

    saved = SavedSearch.objects.select_related("user").filter(pk=saved_search_id).first()
    if saved is not None:
        saved_search_webhook_send(saved)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=BACKOFF)
def bulletin_send(bulletin_id: int) -> None:
    from migralex.alerts.bulletins import bulletin_deliver

    bulletin_deliver(bulletin_id)
