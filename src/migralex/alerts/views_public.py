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


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST":
        saved = services.saved_search_unsubscribe(token)
        if saved is None:
            raise Http404("unknown link")
        return render(request, "alerts/public/unsubscribed.html", {"saved": saved})
    saved = SavedSearch.objects.filter(unsubscribe_token=token).first()
    if saved is None:
        raise Http404("unknown link")
    return render(request, "alerts/public/unsubscribe.html", {"saved": saved})


@require_http_methods(["GET", "POST"])
def list_confirm(request, token: str):
    if request.method == "POST":
        member = bulletins.list_member_confirm(token)
        if member is None:
            raise Http404("unknown link")
        return render(request, "alerts/public/confirmed.html", {"member": member})
    member = ListMember.objects.select_related("mailing_list").filter(token=token).first()
    if member is None:
        raise Http404("unknown link")
    return render(request, "alerts/public/confirm.html", {"member": member})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def list_leave(request, token: str):
    if request.method == "POST":
        member = bulletins.list_member_leave(token)
        if member is None:
            raise Http404("unknown link")
        return render(request, "alerts/public/left.html", {"member": member})
    member = ListMember.objects.select_related("mailing_list").filter(token=token).first()
    if member is None:
        raise Http404("unknown link")
    return render(request, "alerts/public/leave.html", {"member": member})
