"""Views reached from e-mails and feed readers, without signing in and without a language
prefix. The token in the URL is the authority (unguessable, one per alert or member).

GET never changes anything: mail scanners and link previewers fetch links. A POST does, and
those accept posts without a CSRF token because RFC 8058 one-click unsubscribe is a bare POST
from the mail client (body ``List-Unsubscribe=One-Click``); the token is the protection."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from migralex.alerts import bulletins, services
from migralex.alerts.models import ListMember, SavedSearch


def _token_page(request, act, find, pages: tuple[str, str], name: str):
    """GET shows what the link will do (``find(token)``); POST does it (``act(token)``) and
    shows the result. An unknown token is a 404 either way."""
    obj = act() if request.method == "POST" else find()
    if obj is None:
        raise Http404("unknown link")
    confirm_page, done_page = pages
    page = done_page if request.method == "POST" else confirm_page
    return render(request, f"alerts/public/{page}.html", {name: obj})


def _member(token: str):
    return ListMember.objects.select_related("mailing_list").filter(token=token).first()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    return _token_page(
        request,
        lambda: services.saved_search_unsubscribe(token),
        lambda: SavedSearch.objects.filter(unsubscribe_token=token).first(),
        ("unsubscribe", "unsubscribed"),
        "saved",
    )


@require_http_methods(["GET", "POST"])
def list_confirm(request, token: str):
    return _token_page(
        request,
        lambda: bulletins.list_member_confirm(token),
        lambda: _member(token),
        ("confirm", "confirmed"),
        "member",
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def list_leave(request, token: str):
    return _token_page(
        request,
        lambda: bulletins.list_member_leave(token),
        lambda: _member(token),
        ("leave", "left"),
        "member",
    )
