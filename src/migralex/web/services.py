"""Writes started from the pages that no other app offers as a service yet."""

from __future__ import annotations

from migralex.sources.models import Source


def source_add(user, **fields) -> Source:
    """Add a watched source. Uses the sources app's own service when it has one (it may validate
    and schedule more), else records the source so the poller picks it up at its next round."""
    from migralex.accounts.services import organisation_default
    from migralex.sources import services as sources

    owner = getattr(user, "organisation", None) or organisation_default()
    create = getattr(sources, "source_create", None)
    if create is not None:
        return create(owner=owner, **fields)
    return Source.objects.create(owner=owner, **fields)
