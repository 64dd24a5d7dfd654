"""Write paths of saved searches and matching: create, edit, pause, delete saved searches;
percolate a new version against all of them and store the hits, exactly once per version.

Delivery of what was matched lives in :mod:`migralex.alerts.delivery` (e-mail, digests) and
:mod:`migralex.alerts.webhooks`; both are queued *after* the matching transaction commits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from migralex.alerts.models import Frequency, Hit, MatchedVersion, SavedSearch
from migralex.alerts.percolator import Compiled, DocFacts, Percolator, compile_query
from migralex.documents.choices import RelationType
from migralex.documents.models import Document, Version
from migralex.search.query import Query, parse, query_with_filters
from migralex.search.selectors import index_record_for, user_access_tokens

logger = logging.getLogger(__name__)

MAX_SAVED_SEARCHES_PER_USER = 500
# Relations through which a followed document "changes": a text that amends, repeals,
# implements or cites it.
FOLLOW_RELATIONS = (
    RelationType.AMENDS,
    RelationType.REPEALS,
    RelationType.IMPLEMENTS,
    RelationType.CITES,
)


class AlertError(ValueError):
    """A request the alerts cannot honour; the message is shown to the user as is."""


# --- saved searches ---------------------------------------------------------------------------


def saved_search_query(saved: SavedSearch) -> Query:
    """The parsed query of a saved search, exactly as ``search.services.search`` parses it."""
    return query_with_filters(parse(saved.query), saved.filters or None)


def saved_search_create(
    user,
    q: str = "",
    filters: dict | None = None,
    *,
    name: str = "",
    frequency: str = Frequency.DAILY,
    by_email: bool = True,
    expand: bool = True,
    webhook_url: str = "",
    digest_hour: int = 8,
    digest_weekday: int = 0,
    followed_document: Document | None = None,
) -> SavedSearch:
    """Save a search (words and/or filters) or follow one document, for ``user``."""
    q = (q or "").strip()
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    if not q and not filters and followed_document is None:
        raise AlertError("an alert needs words, a filter or a followed document")
    if frequency not in Frequency.values:
        raise AlertError(f"unknown frequency {frequency!r}")
    if not 0 <= int(digest_hour) <= 23 or not 0 <= int(digest_weekday) <= 6:
        raise AlertError("the digest hour is 0–23 and the weekday 0–6")
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES_PER_USER:
        raise AlertError(f"at most {MAX_SAVED_SEARCHES_PER_USER} alerts per user")
    if webhook_url:
        _check_webhook_url(webhook_url)
    saved = SavedSearch(
        user=user,
        name=(name or q or _describe(filters, followed_document))[:200],
        query=q[:1000],
        filters=filters,
        frequency=frequency,
        by_email=by_email,
        expand=expand,
        webhook_url=webhook_url,
        digest_hour=int(digest_hour),
        digest_weekday=int(digest_weekday),
        followed_document=followed_document,
        # The first digest covers what arrives from now on, at the next chosen hour.
        last_digest_at=timezone.now(),
    )
    saved.full_clean(exclude=["user", "followed_document"])
    saved.save()
    return saved


def _describe(filters: dict, document: Document | None) -> str:
    if document is not None:
        return document.title[:190]
    return " ".join(f"{k}:{v}" for k, v in filters.items())


def _check_webhook_url(url: str) -> None:
    from migralex.common.http import FetchError, url_check

    try:
        url_check(url)
    except FetchError as exc:
        raise AlertError(f"webhook address refused: {exc}") from exc


# How and when an alert delivers: what the create and edit forms both ask for.
DELIVERY_SETTINGS = (
    "frequency",
    "by_email",
    "expand",
    "webhook_url",
    "digest_hour",
    "digest_weekday",
)
EDITABLE = ("name", "query", "filters", *DELIVERY_SETTINGS, "paused")


def saved_search_update(saved: SavedSearch, **changes) -> SavedSearch:
    """Edit the fields a user may change; a new webhook address re-enables the webhook."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise AlertError(f"cannot change {', '.join(sorted(unknown))}")
    if changes.get("webhook_url"):
        _check_webhook_url(changes["webhook_url"])
        if changes["webhook_url"] != saved.webhook_url:
            saved.webhook_failures, saved.webhook_disabled_at = 0, None
    for key, value in changes.items():
        setattr(saved, key, value)
    if not saved.query and not saved.filters and saved.followed_document_id is None:
        raise AlertError("an alert needs words, a filter or a followed document")
    saved.full_clean(exclude=["user", "followed_document"])
    saved.save()
    return saved


def saved_search_pause(saved: SavedSearch, paused: bool = True) -> SavedSearch:
    saved.paused = paused
    saved.save(update_fields=["paused", "updated_at"])
    return saved


def saved_search_delete(saved: SavedSearch) -> None:
    saved.delete()


def saved_search_unsubscribe(token: str) -> SavedSearch | None:
    """One-click unsubscribe (RFC 8058): stop the e-mails of the alert behind ``token``.
    Idempotent; the alert itself (its feed, its hits) stays for the user to see."""
    saved = SavedSearch.objects.filter(unsubscribe_token=token).first()
    if saved is not None and saved.by_email:
        saved.by_email = False
        saved.save(update_fields=["by_email", "updated_at"])
    return saved


# --- the percolator over the saved searches ---------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict = {"key": None, "percolator": None, "follows": False}


def _active() -> Q:
    return Q(paused=False, followed_document__isnull=True)


def percolator_current() -> Percolator:
    """The percolator over every active saved search, rebuilt when one was added, changed or
    removed (the count, the last change and the highest id say so in one query)."""
    return _percolator_state()[0]


def _percolator_state() -> tuple[Percolator, bool]:
    """The percolator and whether any active alert follows a document, from one query."""
    stamp = SavedSearch.objects.aggregate(
        n=Count("id", filter=_active()),
        changed=Max("updated_at", filter=_active()),
        last=Max("id", filter=_active()),
        follows=Count("id", filter=Q(paused=False, followed_document__isnull=False)),
    )
    key = (stamp["n"], stamp["changed"], stamp["last"])
    with _cache_lock:
        if _cache["key"] == key:
            return _cache["percolator"], bool(stamp["follows"])
    percolator = percolator_build(
        SavedSearch.objects.filter(_active()).only("id", "query", "filters", "expand")
    )
    with _cache_lock:
        _cache.update(key=key, percolator=percolator)
    return percolator, bool(stamp["follows"])


def percolator_build(saved_searches: Iterable[SavedSearch]) -> Percolator:
    compiled: list[Compiled] = []
    for saved in saved_searches:
        try:
            compiled.append(compile_query(saved.pk, saved_search_query(saved), expand=saved.expand))
        except Exception:  # a search that cannot compile is skipped, never blocks the rest
            logger.exception("saved search %s cannot be compiled", saved.pk)
    return Percolator(compiled)


def version_record(version: Version):
    """The search index's record of ``version``'s document with this version's text: saved
    searches see exactly what the index sees."""
    doc = (
        Document.objects.select_related("current_version")
        .prefetch_related("theme_links__theme")
        .get(pk=version.document_id)
    )
    doc.current_version = version  # a late retry matches the version it was called for
    return index_record_for(doc)


def version_percolate(version: Version, *, notify: bool = True) -> list[Hit]:
    """Match ``version`` against every saved search and store the hits, once per version: a
    version already matched (a retried task, a re-ingested file) returns [] and does nothing
    (the unique MatchedVersion refuses the second run). Hits are limited to documents the
    alert's owner may see. Notifications are queued after commit.

    The index record (the version's terms: most of the cost) is built only when a saved
    search could match: with no active search and no followed document there is none."""
    doc = version.document
    percolator, follows = _percolator_state()
    keys: list = []
    errors: list = []
    record = None
    if percolator.size:
        record = version_record(version)
        keys, errors = percolator.match(DocFacts.from_record(record))
    saved_by_id = {}
    if keys or follows:
        found = SavedSearch.objects.filter(pk__in=keys).select_related("user")
        if follows:
            found = found | _followers_of(doc)
        saved_by_id = {s.pk: s for s in found}
    hits = []
    if saved_by_id:
        access = set((record or version_record(version)).access)
        for saved in saved_by_id.values():
            # The index's own access rule (documents_visible_to as tokens): an alert never
            # reveals a document its owner could not find by searching.
            tokens = user_access_tokens(saved.user)
            if tokens is None or access.intersection(tokens):
                hits.append(Hit(saved_search=saved, version=version, document=doc))
    try:
        with transaction.atomic():
            MatchedVersion.objects.create(
                version=version,
                hits=len(hits),
                errors=[{"saved_search": k, "error": e} for k, e in errors],
            )
            Hit.objects.bulk_create(hits, ignore_conflicts=True)
    except IntegrityError:
        return []  # matched before (a retry, or a concurrent run)
    if notify and hits:
        ids = [h.saved_search_id for h in hits]
        transaction.on_commit(lambda: _queue_notifications(ids))
    return hits


def _followers_of(doc: Document):
    """Alerts that follow ``doc`` itself or a document ``doc`` amends/repeals/implements/cites."""
    targets = [doc.pk] + list(
        doc.relations_out.filter(type__in=FOLLOW_RELATIONS, target__isnull=False).values_list(
            "target_id", flat=True
        )
    )
    return SavedSearch.objects.filter(
        paused=False, followed_document_id__in=targets
    ).select_related("user")


def _queue_notifications(saved_search_ids: list[int]) -> None:
    from migralex.alerts import tasks

    for saved in SavedSearch.objects.filter(pk__in=saved_search_ids):
        if saved.by_email and saved.frequency == Frequency.REALTIME:
            tasks.saved_search_email(saved.pk)
        if saved.webhook_url and saved.webhook_disabled_at is None:
            tasks.saved_search_webhook(saved.pk)


def after_version_hook(version: Version) -> None:
    """Registered in ``migralex.ingestion.hooks.AFTER_VERSION``: match each new version. A
    failure is logged and left for ``alerts_tick`` (which matches unmatched versions) to retry;
    it never fails the ingestion."""
    try:
        version_percolate(version)
    except Exception:
        logger.exception("matching version %s against saved searches failed", version.pk)


def versions_percolate_pending(limit: int = 1000, within_days: int = 2) -> int:
    """Match the recent versions that were never matched (the hook failed, a worker crashed).
    Only recent ones: on a first start, years of imported texts must not flood every inbox."""
    since = timezone.now() - timedelta(days=within_days)
    pending = (
        Version.objects.filter(alert_match__isnull=True, created_at__gte=since)
        .select_related("document")
        .order_by("id")[:limit]
    )
    count = 0
    for version in pending:
        try:
            version_percolate(version)
            count += 1
        except Exception:
            logger.exception("matching version %s failed", version.pk)
    return count


def alerts_tick() -> dict:
    """The periodic safety net and digest clock (``config/schedules.py``): match recent
    versions the hook missed, retry pending real-time e-mails and webhooks, send due digests.
    Also what ``migralex alerts run`` does."""
    from migralex.alerts.delivery import digests_send_due, realtime_send_pending
    from migralex.alerts.webhooks import webhooks_send_pending

    return {
        "matched": versions_percolate_pending(),
        "realtime": realtime_send_pending(),
        "webhooks": webhooks_send_pending(),
        "digests": digests_send_due(),
    }
