"""Alerts pages: a user's alerts (list, create from the search page, follow a document, edit,
pause, delete, see hits) and the administrators' delivery log. Bulletins and mailing lists are
in ``views_bulletins.py``. Views stay thin: validate, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migralex.alerts import selectors, services
from migralex.alerts.delivery import feed_url
from migralex.alerts.forms import SavedSearchForm
from migralex.alerts.models import Delivery
from migralex.alerts.services import AlertError
from migralex.documents.selectors import documents_visible_to


def is_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.is_staff or getattr(user, "role", "") == "admin"
    )


@login_required
def alert_list(request):
    return render(
        request,
        "alerts/list.html",
        {"saved_searches": selectors.saved_searches_of(request.user), "form": SavedSearchForm()},
    )


@login_required
@require_POST
def alert_create(request):
    """Target of the search page's "save this search" button (``q`` and ``f_<facet>``)."""
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The alert was not saved: check the fields."))
        return redirect("alerts:list")
    data = form.cleaned_data
    try:
        saved = services.saved_search_create(
            request.user,
            data["q"],
            form.filters_from(request.POST),
            name=data["name"],
            **form.settings(),
        )
    except AlertError as exc:
        messages.error(request, str(exc))
        return redirect("alerts:list")
    messages.success(request, _("Alert saved."))
    return redirect("alerts:detail", pk=saved.pk)


@login_required
@require_POST
def follow_document(request, uid):
    document = get_object_or_404(documents_visible_to(request.user), uid=uid)
    saved = services.saved_search_create(
        request.user,
        followed_document=document,
        frequency=request.POST.get("frequency") or "realtime",
    )
    messages.success(request, _("You follow this document."))
    return redirect("alerts:detail", pk=saved.pk)


def _own(request, pk):
    saved = selectors.saved_search_of(request.user, pk)
    if saved is None:
        raise Http404
    return saved


@login_required
def alert_detail(request, pk: int):
    saved = _own(request, pk)
    page = Paginator(selectors.hits_of(saved), 25).get_page(request.GET.get("page"))
    form = SavedSearchForm(
        initial={
            "name": saved.name,
            "q": saved.query,
            "frequency": saved.frequency,
            "by_email": saved.by_email,
            "expand": saved.expand,
            "digest_hour": saved.digest_hour,
            "digest_weekday": saved.digest_weekday,
            "webhook_url": saved.webhook_url,
        }
    )
    return render(
        request,
        "alerts/detail.html",
        {"saved": saved, "page": page, "form": form, "feed_url": feed_url(saved)},
    )


@login_required
@require_POST
def alert_edit(request, pk: int):
    saved = _own(request, pk)
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not saved: check the fields."))
        return redirect("alerts:detail", pk=pk)
    data = form.cleaned_data
    try:
        services.saved_search_update(
            saved,
            name=data["name"] or saved.name,
            query=data["q"],
            **form.settings(),
        )
    except AlertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Alert saved."))
    return redirect("alerts:detail", pk=pk)


@login_required
@require_POST
def alert_pause(request, pk: int):
    saved = _own(request, pk)
    services.saved_search_pause(saved, paused=request.POST.get("paused", "1") == "1")
    return redirect(request.POST.get("next") or "alerts:list")


@login_required
@require_POST
def alert_delete(request, pk: int):
    services.saved_search_delete(_own(request, pk))
    messages.success(request, _("Alert deleted."))
    return redirect("alerts:list")


@user_passes_test(is_admin)
def delivery_log(request):
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    page = Paginator(selectors.deliveries(status=status, channel=channel), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "alerts/deliveries.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "statuses": Delivery.Status.choices,
            "channels": Delivery.Channel.choices,
        },
    )
