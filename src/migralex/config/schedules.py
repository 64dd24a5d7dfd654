"""Every periodic job of the product, in one list (DESIGN.md: "all schedules declared in one list").

Each entry names a service function by dotted path and a crontab; ``migralex.common.tasks`` turns
them into Huey periodic tasks. Adding a job means adding one line here, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    target: str  # "module:function"
    minute: str = "*"
    hour: str = "*"
    day_of_week: str = "*"
    kwargs: tuple[tuple[str, object], ...] = ()  # keyword arguments of the call


SCHEDULES: list[Schedule] = [
    # Poll the sources that are due; each source keeps its own interval, this only wakes up.
    Schedule("poll-due-sources", "migralex.sources.services:sources_poll_due", minute="*"),
    # Keep the poll history bounded (MIGRALEX_POLL_HISTORY_DAYS).
    Schedule(
        "poll-records-prune", "migralex.sources.services:poll_records_prune", minute="25", hour="4"
    ),
    # Recount the dashboard (catches deletions, edits and the week rolling over; see web/counts).
    Schedule("dashboard-counts", "migralex.web.counts:dashboard_counts_refresh_all", minute="*/5"),
    # Alerts: digests at each user's hour, retries of pending e-mails/webhooks, missed matches.
    Schedule("alerts-tick", "migralex.alerts.services:alerts_tick", minute="*/5"),
    # Search index drift (the database is the source of truth): a cheap check every hour that
    # repairs what it finds, and the full per-document comparison once a night.
    Schedule(
        "search-index-check",
        "migralex.search.services:index_check",
        minute="17",
        kwargs=(("quick", True),),
    ),
    Schedule(
        "search-index-full-check", "migralex.search.services:index_check", minute="40", hour="3"
    ),
]
