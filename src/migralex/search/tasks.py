"""Background jobs of search: thin wrappers around services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from migralex.search import services


@db_task(retries=3, retry_delay=5)
def document_index_task(document_id: int) -> bool:
    return services.document_index(document_id)


@db_task()
def index_check_task(quick: bool = True) -> dict:
    report = services.index_check(repair=True, quick=quick)
    return {"missing": len(report.missing), "extra": len(report.extra), "full": report.full}
