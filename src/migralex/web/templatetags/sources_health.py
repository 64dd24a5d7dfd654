"""Filters of the sources pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def delay(seconds) -> str:
    """A detection delay in seconds as "2 h 05 min", "12 min" or "40 s"; "—" when unknown
    (no item with a publication date was seen after the first poll)."""
    if seconds is None or seconds == "":
        return "—"
    total = int(round(float(seconds)))
    if total < 60:
        return _("%(seconds)d s") % {"seconds": total}
    minutes = total // 60
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}
