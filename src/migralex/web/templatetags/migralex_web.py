"""Template helpers of the web pages."""

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

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


# The page header is on every page; drawn by the template engine it cost more than most page
# bodies (a dozen {% url %} look-ups and many small nodes), so it is drawn here, with the
# addresses reversed once per language and process.
@lru_cache(maxsize=16)
def _nav_urls(lang: str) -> dict[str, str]:
    with translation.override(lang):
        return {
            name: reverse(f"web:{name}")
            for name in ("home", "search", "sources", "upload", "login", "logout")
        } | {
            "api": reverse("api-docs"),
            "set_language": reverse("set_language"),
            "alerts": reverse("alerts:list"),
        }


NAV = (
    ("home", gettext_lazy("Dashboard")),
    ("search", gettext_lazy("Search")),
    ("sources", gettext_lazy("Sources")),
    ("upload", gettext_lazy("Upload")),
    ("alerts", gettext_lazy("Alerts")),
    ("api", gettext_lazy("API")),
)
SIGNED_IN_ONLY = {"alerts"}


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    request = context["request"]
    user = context.get("user")
    lang = translation.get_language() or "fr"
    urls = _nav_urls(lang)
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    items = format_html_join(
        "",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (urls[name], mark_safe(' aria-current="page"') if name == current else "", label)
            for name, label in NAV
            if (name != "upload" or _can_upload(user))
            and (name not in SIGNED_IN_ONLY or (user is not None and user.is_authenticated))
        ),
    )
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    buttons = format_html_join(
        "",
        '<button type="submit" name="language" value="{}" lang="{}"{}>{}</button>',
        (
            (code, code, mark_safe(' aria-current="true"') if code == lang else "", name)
            for code, name in LANGUAGE_BUTTONS
        ),
    )
    if user is not None and user.is_authenticated:
        account = format_html(
            '<span class="who">{}</span><form action="{}" method="post" class="inline">{}'
            '<button type="submit">{}</button></form>',
            user.get_username(),
            urls["logout"],
            csrf,
            gettext("Sign out"),
        )
    else:
        account = format_html(
            '<a href="{}?next={}">{}</a>',
            urls["login"],
            quote(request.get_full_path()),
            gettext("Sign in"),
        )
    return format_html(
        '<a class="skip" href="#main">{}</a>\n<header class="topbar">'
        '<a class="brand" href="{}">Migralex</a>'
        '<nav aria-label="{}" class="mainnav"><ul>{}</ul></nav>'
        '<form class="langs" action="{}" method="post">{}'
        '<input name="next" type="hidden" value="{}">'
        '<span class="sr-only" id="lang-label">{}</span>'
        '<span role="group" aria-labelledby="lang-label">{}</span></form>'
        '<div class="account">{}</div></header>',
        gettext("Skip to content"),
        urls["home"],
        gettext("Main"),
        items,
        urls["set_language"],
        csrf,
        request.get_full_path(),
        gettext("Language"),
        buttons,
        account,
    )


# Each language named in itself (the button a reader of that language looks for).
LANGUAGE_BUTTONS = (("fr", "français"), ("ar", "العربية"), ("en", "English"))
