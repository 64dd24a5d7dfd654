"""Writes started from the pages that no other app offers as a service yet."""

from __future__ import annotations

from migralex.sources.models import Source


def source_add(user, *, url: str, kind: str = "", **fields) -> Source:
    """Add a watched source through the sources app (which checks the address and detects the
    type when none is given); owned by the user's organisation."""
    from migralex.accounts.services import organisation_default
    from migralex.sources.services import source_add as sources_source_add

    owner = getattr(user, "organisation", None) or organisation_default()
    return sources_source_add(url, kind=kind or None, owner=owner, **fields)
