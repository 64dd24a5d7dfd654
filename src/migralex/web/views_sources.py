"""The sources page (status, last check, errors) and the form to add a source."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from migralex.sources.models import Source
from migralex.web.forms import SourceForm
from migralex.web.permissions import is_analyst
from migralex.web.services import source_add


def sources_visible_to(user):
    """Everybody sees the list of watched sources (it is what makes the watch trustworthy);
    only signed-in users see the error details."""
    return Source.objects.select_related("owner").order_by("name")


def source_list(request):
    status = request.GET.get("status", "")
    qs = sources_visible_to(request.user)
    if status == "failing":
        qs = qs.filter(enabled=True, consecutive_failures__gt=0)
    elif status == "disabled":
        qs = qs.filter(enabled=False)
    elif status == "ok":
        qs = qs.filter(Q(enabled=True) & Q(consecutive_failures=0))
    return render(
        request,
        "web/sources.html",
        {
            "sources": qs[:500],
            "status": status,
            "can_add": is_analyst(request.user),
            "show_errors": request.user.is_authenticated,
        },
    )


def source_add_view(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_analyst(request.user):
        raise PermissionDenied
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = source_add(request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Source “%(name)s” added.") % {"name": source.name})
            return redirect("web:sources")
    return render(request, "web/source_add.html", {"form": form})
