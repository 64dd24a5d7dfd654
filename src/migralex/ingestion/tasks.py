"""Huey tasks (thin): the web upload, the API and the sources enqueue ingestion here."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from migralex.common.storage import blob_get


@db_task()
def ingest_stored_task(
    sha256: str,
    name: str,
    source_id: int | None = None,
    owner_id: int | None = None,
    user_id: int | None = None,
    source_url: str = "",
    item_id: str = "",
    declared_type: str = "",
) -> list[dict]:
    """Ingest bytes already kept in the original store (the caller stored them first, so the
    queue carries a hash, not megabytes)."""
    from migralex.accounts.models import Organisation, User
    from migralex.ingestion.services import ingest_bytes
    from migralex.sources.models import Source

    outcomes = ingest_bytes(
        blob_get(sha256),
        name=name,
        source=Source.objects.filter(pk=source_id).first() if source_id else None,
        owner=Organisation.objects.filter(pk=owner_id).first() if owner_id else None,
        user=User.objects.filter(pk=user_id).first() if user_id else None,
        source_url=source_url,
        item_id=item_id,
        declared_type=declared_type,
    )
    return [outcome.as_dict() for outcome in outcomes]


@db_task()
def ingest_path_task(path: str, owner_id: int | None = None) -> list[dict]:
    from migralex.accounts.models import Organisation
    from migralex.ingestion.services import ingest_path

    owner = Organisation.objects.filter(pk=owner_id).first() if owner_id else None
    return [outcome.as_dict() for outcome in ingest_path(path, owner=owner)]
