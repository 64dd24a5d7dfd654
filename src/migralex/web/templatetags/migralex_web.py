"""Template helpers of the web pages."""

from django import template

from migralex.web.permissions import can_upload as _can_upload
from migralex.web.permissions import is_analyst as _is_analyst

register = template.Library()


@register.filter
def can_upload(user) -> bool:
    return _can_upload(user)


@register.filter
def is_analyst(user) -> bool:
    return _is_analyst(user)


@register.filter
def percent(value, total) -> int:
    """``value`` as a whole percentage of ``total`` (0 when total is 0)."""
    try:
        return round(100 * float(value) / float(total)) if float(total) else 0
    except (TypeError, ValueError):
        return 0
