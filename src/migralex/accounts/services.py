"""Write paths for organisations and users."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify

from migralex.accounts.models import Organisation, User

DEFAULT_ORGANISATION = "Ministère chargé de la migration"


def organisation_get_or_create(
    name: str, kind: str = Organisation.Kind.MINISTRY, country: str = "MA"
) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=name, defaults={"slug": slugify(name)[:80] or "org", "kind": kind, "country": country}
    )
    return org


def organisation_default() -> Organisation:
    """The organisation that owns what the system collects by itself (the ministry's watch team)."""
    return organisation_get_or_create(DEFAULT_ORGANISATION)


@transaction.atomic
def user_create_admin(email: str, password: str | None = None) -> tuple[User, str | None]:
    """Create the first administrator; return it and the generated password (None if given)."""
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=email,
        email=email,
        password=password,
        organisation=organisation_default(),
        role=User.Role.ADMIN,
    )
    return user, generated
