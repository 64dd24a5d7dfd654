"""Upload of a new document: the bytes go to the ingestion pipeline, whose outcome is shown."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from migralex.web import counts
from migralex.web.forms import UploadForm
from migralex.web.permissions import can_upload

logger = logging.getLogger(__name__)
OUTCOME_MESSAGES = {
    "ok": _("The document was added."),
    "degraded": _(
        "The document was added, but part of its text could not be read (see the processing log)."
    ),
    "duplicate": _("This text is already in the store: here it is."),
    "unchanged": _("This file was already uploaded: here is its document."),
}


def upload(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_upload(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    outcomes = []
    if request.method == "POST" and form.is_valid():
        from migralex.accounts.services import organisation_default
        from migralex.ingestion.services import ingest_bytes

        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        owner = request.user.organisation or organisation_default()
        outcomes = ingest_bytes(data, name=upload_file.name, owner=owner, user=request.user)
        counts.dashboard_counts_invalidate()
        documents = list(dict.fromkeys(d for o in outcomes for d in o.documents))
        first = outcomes[0] if outcomes else None
        if first is not None and first.status in ("ok", "degraded", "duplicate", "unchanged"):
            if len(documents) == 1:
                messages.success(request, OUTCOME_MESSAGES[first.status])
                return redirect("web:document", pk=documents[0])
        elif first is not None:
            logger.info(
                "upload of %s refused: %s %s", upload_file.name, first.status, first.message
            )
    return render(request, "web/upload.html", {"form": form, "outcomes": outcomes})
