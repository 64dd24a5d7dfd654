"""Who may do what in the pages (roles of accounts.User). The services re-check what they own."""

from __future__ import annotations

ANALYST_ROLES = {"analyst", "admin"}
UPLOAD_ROLES = {"contributor", "analyst", "admin"}


def is_analyst(user) -> bool:
    """Analysts confirm or correct themes, type and relevance, and add sources."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or getattr(user, "role", "") in ANALYST_ROLES)
    )


def can_upload(user) -> bool:
    """Contributors upload too (their documents go through review, decided by ingestion)."""
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or getattr(user, "role", "") in UPLOAD_ROLES)
    )
