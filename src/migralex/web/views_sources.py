"""The sources health page (failing sources first), a source's page (snapshots with their diff,
recent polls), "poll now" for analysts, and the form to add a source."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migralex.sources.models import Source
from migralex.sources.selectors import (
    source_health_row,
    source_poll_records,
    source_snapshots,
    sources_by_health,
)
from migralex.web.forms import SourceForm
from migralex.web.permissions import is_analyst
from migralex.web.services import source_add

SNAPSHOTS_SHOWN = 10
DIFF_LINES_SHOWN = 400  # a page rewritten from top to bottom would otherwise fill the screen


def sources_visible_to(user):
    """Everybody sees the list of watched sources (it is what makes the watch trustworthy);
    only signed-in users see the error details. Same order as the API: failing first."""
    return sources_by_health().select_related("owner")


def source_list(request):
    status = request.GET.get("status", "")
    qs = sources_visible_to(request.user)
    if status == "failing":
        qs = qs.filter(enabled=True, consecutive_failures__gt=0)
    elif status == "disabled":
        qs = qs.filter(enabled=False)
    elif status == "ok":
        qs = qs.filter(Q(enabled=True) & Q(consecutive_failures=0))
    rows = [{**source_health_row(s), "source": s} for s in qs[:500]]
    return render(
        request,
        "web/sources.html",
        {
            "rows": rows,
            "status": status,
            "can_add": is_analyst(request.user),
            "can_poll": is_analyst(request.user),
            "show_errors": request.user.is_authenticated,
        },
    )


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """[(kind, line)] with kind "add", "del" or "gap" (between hunks): what changed from one
    snapshot to the next, without the unchanged context (the page shows the whole text apart)."""
    out: list[tuple[str, str]] = []
    hunks = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    for line in hunks:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if out:
                out.append(("gap", "…"))
        elif line.startswith("+"):
            out.append(("add", line[1:]))
        elif line.startswith("-"):
            out.append(("del", line[1:]))
    return out


def snapshots_with_diffs(source: Source, limit: int = SNAPSHOTS_SHOWN) -> list[dict]:
    """The latest snapshots, newest first, each with its diff against the one before. One
    extra snapshot is read so the oldest shown still has its predecessor."""
    snaps = list(source_snapshots(source, limit=limit + 1))
    rows = []
    for i, snap in enumerate(snaps[:limit]):
        previous = snaps[i + 1] if i + 1 < len(snaps) else None
        lines = diff_lines(previous.text, snap.text) if previous else []
        rows.append(
            {
                "snapshot": snap,
                "first": previous is None and len(snaps) <= limit,
                "lines": lines[:DIFF_LINES_SHOWN],
                "truncated": len(lines) > DIFF_LINES_SHOWN,
                "added": sum(1 for k, _ in lines if k == "add"),
                "removed": sum(1 for k, _ in lines if k == "del"),
            }
        )
    return rows


def source_detail(request, pk: int):
    source = get_object_or_404(Source.objects.select_related("owner"), pk=pk)
    records = list(source_poll_records(source, limit=30))
    if not request.user.is_authenticated:
        # Error messages name hosts and paths: for signed-in users, like on the list.
        for record in records:
            if record.status == record.Status.ERROR:
                record.message = ""
    return render(
        request,
        "web/source_detail.html",
        {
            "source": source,
            "row": source_health_row(source),
            "snapshots": snapshots_with_diffs(source),
            "records": records,
            "can_poll": is_analyst(request.user),
            "show_errors": request.user.is_authenticated,
        },
    )


@require_POST
def source_poll_view(request, pk: int):
    """Poll one source now. There is no per-source Huey task (the scheduler polls what is due
    every minute), so the poll runs here; failures are recorded on the source, never raised."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_analyst(request.user):
        raise PermissionDenied
    from migralex.sources.polling import source_poll

    source = get_object_or_404(Source, pk=pk)
    outcome = source_poll(source)
    text = {
        "changed": _("Source “%(name)s” polled: a change was found."),
        "unchanged": _("Source “%(name)s” polled: nothing changed."),
        "error": _("Source “%(name)s” polled: the check failed."),
    }[outcome] % {"name": source.name}
    (messages.error if outcome == "error" else messages.success)(request, text)
    target = request.POST.get("next", "")
    if target == "detail":
        return redirect("web:source", pk=source.pk)
    return redirect("web:sources")


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
