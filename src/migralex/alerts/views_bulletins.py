"""Bulletin editor and mailing lists (analysts), and the public subscription form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migralex.alerts import bulletins, selectors, tasks
from migralex.alerts.forms import BulletinForm, MailingListForm, SubscribeForm
from migralex.alerts.models import Bulletin, BulletinItem, Hit, MailingList
from migralex.alerts.services import AlertError
from migralex.documents.selectors import documents_visible_to


def is_analyst(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.is_staff or getattr(user, "role", "") in ("analyst", "admin")
    )


analyst_required = user_passes_test(is_analyst)


@analyst_required
def bulletin_list(request):
    q = request.GET.get("q", "")
    return render(
        request,
        "alerts/bulletins.html",
        {"bulletins": selectors.bulletins(q)[:100], "q": q, "form": BulletinForm()},
    )


@analyst_required
@require_POST
def bulletin_create(request):
    form = BulletinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The bulletin needs a title."))
        return redirect("alerts:bulletins")
    data = form.cleaned_data
    bulletin = bulletins.bulletin_create(
        request.user, data["title"], language=data["language"], introduction=data["introduction"]
    )
    if data["mailing_list"]:
        bulletins.bulletin_update(bulletin, mailing_list=data["mailing_list"])
    return redirect("alerts:bulletin", pk=bulletin.pk)


@analyst_required
def bulletin_detail(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    return render(
        request,
        "alerts/bulletin.html",
        {
            "bulletin": bulletin,
            "sections": bulletins.bulletin_sections(bulletin),
            "items": bulletin.items.select_related("document"),
            "saved_searches": selectors.saved_searches_of(request.user),
            "form": BulletinForm(
                initial={
                    "title": bulletin.title,
                    "language": bulletin.language,
                    "introduction": bulletin.introduction,
                    "mailing_list": bulletin.mailing_list_id,
                }
            ),
        },
    )


@analyst_required
@require_POST
def bulletin_edit(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    form = BulletinForm(request.POST)
    try:
        if not form.is_valid():
            raise AlertError(_("The bulletin needs a title."))
        bulletins.bulletin_update(bulletin, **form.cleaned_data)
    except AlertError as exc:
        messages.error(request, str(exc))
    return redirect("alerts:bulletin", pk=pk)


@analyst_required
@require_POST
def bulletin_add(request, pk: int):
    """Add documents: ids or uids picked on the search page (``document``), or the hits of one
    of the analyst's alerts (``saved_search``)."""
    bulletin = get_object_or_404(Bulletin, pk=pk)
    visible = documents_visible_to(request.user)
    refs = [r.strip() for r in request.POST.getlist("document") if r.strip()]
    docs = list(visible.filter(pk__in=[r for r in refs if r.isdigit()]))
    docs += list(visible.filter(uid__in=[r for r in refs if len(r) == 36]))
    saved_id = request.POST.get("saved_search")
    if saved_id and saved_id.isdigit():
        hits = Hit.objects.filter(
            saved_search__user=request.user, saved_search_id=int(saved_id)
        ).values_list("document_id", flat=True)
        docs += list(visible.filter(pk__in=list(hits)))
    try:
        added = bulletins.bulletin_add_documents(bulletin, docs)
    except AlertError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d documents added.") % {"n": added})
    return redirect("alerts:bulletin", pk=pk)


@analyst_required
@require_POST
def bulletin_item(request, pk: int, item_pk: int):
    item = get_object_or_404(BulletinItem, pk=item_pk, bulletin_id=pk)
    try:
        if request.POST.get("remove"):
            bulletins.bulletin_item_remove(item)
        else:
            bulletins.bulletin_item_update(
                item,
                comment=request.POST.get("comment", item.comment),
                position=request.POST.get("position") or None,
            )
    except AlertError as exc:
        messages.error(request, str(exc))
    return redirect("alerts:bulletin", pk=pk)


@analyst_required
def bulletin_preview(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    response = HttpResponse(bulletins.bulletin_html(bulletin), content_type="text/html")
    # The bulletin is a standalone document with its own <style> (the same HTML is mailed and
    # exported): allow inline styles for this response only, still no script of any kind.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="bulletin-{pk}.html"'
    return response


@analyst_required
def bulletin_pdf(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    response = HttpResponse(bulletins.bulletin_pdf(bulletin), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bulletin-{pk}.pdf"'
    return response


@analyst_required
@require_POST
def bulletin_send(request, pk: int):
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if bulletin.mailing_list_id is None:
        messages.error(request, _("Choose a mailing list first."))
    else:
        tasks.bulletin_send(bulletin.pk)
        messages.success(request, _("The bulletin is being sent."))
    return redirect("alerts:bulletin", pk=pk)


@analyst_required
def mailing_lists(request):
    if request.method == "POST":
        form = MailingListForm(request.POST)
        if form.is_valid():
            bulletins.mailing_list_create(**form.cleaned_data)
            return redirect("alerts:lists")
    else:
        form = MailingListForm()
    return render(request, "alerts/lists.html", {"lists": selectors.mailing_lists(), "form": form})


def list_subscribe(request, slug: str):
    """Public: anyone may ask to join; the confirmation e-mail completes it (double opt-in)."""
    mailing_list = get_object_or_404(MailingList, slug=slug)
    done = False
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            try:
                bulletins.list_member_subscribe(mailing_list, **form.cleaned_data)
                done = True
            except AlertError as exc:
                form.add_error("email", str(exc))
    else:
        form = SubscribeForm(initial={"language": mailing_list.language})
    return render(
        request,
        "alerts/subscribe.html",
        {"mailing_list": mailing_list, "form": form, "done": done},
    )
