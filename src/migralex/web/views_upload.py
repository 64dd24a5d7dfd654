"""Upload of a new document: the bytes go to the ingestion pipeline, whose outcome is shown."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from migralex.web import counts
from migralex.web.forms import UploadForm
from migralex.web.permissions import can_upload

logger = logging.getLogger(__name__)


def upload(request):
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
        documents = [d for o in outcomes for d in (o.documents or [])]
        failed = [o for o in outcomes if o.status == "error"]
        if len(documents) == 1 and not failed:
            messages.success(request, _("The document was added."))
            return redirect("web:document", pk=getattr(documents[0], "pk", documents[0]))
        if failed:
            logger.info("upload of %s: %s", upload_file.name, [o.message for o in failed])
    return render(request, "web/upload.html", {"form": form, "outcomes": outcomes})
