"""Organisations and users. Every document is owned by an organisation from the start; what each
role may do is enforced by the services (see ``accounts/permissions.py``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        NHRI = "nhri", _("National human-rights institution")
        UNION = "union", _("Trade union")
        EMPLOYER = "employer", _("Employers' organisation")
        INTERNATIONAL = "international", _("International organisation")
        NGO = "ngo", _("NGO")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MINISTRY)
    country = models.CharField(_("country"), max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        READER = "reader", _("Reader")
        CONTRIBUTOR = "contributor", _("Contributor")
        ANALYST = "analyst", _("Analyst")
        ADMIN = "admin", _("Administrator")

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    language = models.CharField(_("language"), max_length=5, default="fr")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Africa/Casablanca")

    class Meta:
        verbose_name = _("user")
