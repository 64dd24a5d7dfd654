"""Bulletins (bulletins de veille) and the mailing lists they are sent to.

An analyst picks documents (from a search or from alert hits), comments each, previews the
bulletin grouped by theme and country, exports it as HTML and PDF, and sends it to a mailing
list. People join a list by double opt-in: a confirmation e-mail with a link; only confirmed
members receive bulletins, each with a one-click leave link."""

from __future__ import annotations

import logging
from collections import OrderedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify

from migralex.alerts.models import Bulletin, BulletinItem, Delivery, ListMember, MailingList
from migralex.alerts.rendering import country_label, hit_card, reader_language, site_url
from migralex.alerts.services import AlertError
from migralex.documents.models import Document

logger = logging.getLogger(__name__)
MAX_ITEMS = 200


# --- mailing lists ----------------------------------------------------------------------------


def mailing_list_create(name: str, *, language: str = "fr", description: str = "") -> MailingList:
    name = name.strip()
    if not name:
        raise AlertError("a mailing list needs a name")
    slug = slugify(name)[:70] or "list"
    if MailingList.objects.filter(slug=slug).exists():
        slug = f"{slug}-{MailingList.objects.count() + 1}"
    return MailingList.objects.create(
        name=name[:200], slug=slug, language=reader_language(language), description=description
    )


def list_member_subscribe(
    mailing_list: MailingList, email: str, *, language: str = ""
) -> ListMember:
    """First step of the double opt-in: record the request and e-mail a confirmation link.
    Asking again re-sends the link (a lost e-mail) and never reveals whether someone is a
    member; a confirmed member stays confirmed."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except Exception as exc:
        raise AlertError("this e-mail address is not valid") from exc
    member, _ = ListMember.objects.get_or_create(
        mailing_list=mailing_list,
        email=email,
        defaults={"language": reader_language(language or mailing_list.language)},
    )
    if member.status == ListMember.Status.CONFIRMED:
        return member
    if member.status == ListMember.Status.UNSUBSCRIBED:
        member.status = ListMember.Status.PENDING
        member.save(update_fields=["status"])
    _send_confirmation(member)
    return member


def _send_confirmation(member: ListMember) -> None:
    lang = reader_language(member.language)
    context = {
        "member": member,
        "mailing_list": member.mailing_list,
        "confirm_url": site_url(reverse("alerts_public:list-confirm", args=[member.token])),
    }
    with translation.override(lang):
        subject = render_to_string("alerts/email/confirm_subject.txt", context).strip()
        body = render_to_string("alerts/email/confirm.txt", context)
    status, error = Delivery.Status.SENT, ""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [member.email])
    except Exception as exc:  # recorded; the person can ask again
        status, error = Delivery.Status.FAILED, f"{type(exc).__name__}: {exc}"
    Delivery.objects.create(
        channel=Delivery.Channel.CONFIRM,
        status=status,
        recipient=member.email,
        subject=subject,
        error=error,
    )


def list_member_confirm(token: str) -> ListMember | None:
    member = ListMember.objects.select_related("mailing_list").filter(token=token).first()
    if member is not None and member.status != ListMember.Status.CONFIRMED:
        member.status = ListMember.Status.CONFIRMED
        member.confirmed_at = timezone.now()
        member.save(update_fields=["status", "confirmed_at"])
    return member


def list_member_leave(token: str) -> ListMember | None:
    member = ListMember.objects.select_related("mailing_list").filter(token=token).first()
    if member is not None and member.status != ListMember.Status.UNSUBSCRIBED:
        member.status = ListMember.Status.UNSUBSCRIBED
        member.save(update_fields=["status"])
    return member


# --- bulletins --------------------------------------------------------------------------------


def bulletin_create(user, title: str, *, language: str = "fr", introduction: str = "") -> Bulletin:
    if not title.strip():
        raise AlertError("a bulletin needs a title")
    return Bulletin.objects.create(
        title=title.strip()[:300],
        language=reader_language(language),
        introduction=introduction,
        created_by=user,
    )


def _editable(bulletin: Bulletin) -> None:
    if bulletin.status == Bulletin.Status.SENT:
        raise AlertError("this bulletin was sent; it is archived and cannot change")


@transaction.atomic
def bulletin_add_documents(bulletin: Bulletin, documents: list[Document]) -> int:
    """Add documents at the end (those already in the bulletin are skipped)."""
    _editable(bulletin)
    present = set(bulletin.items.values_list("document_id", flat=True))
    position = bulletin.items.aggregate(p=Max("position"))["p"] or 0
    added = 0
    for doc in documents:
        if doc.pk in present:
            continue
        if len(present) >= MAX_ITEMS:
            raise AlertError(f"a bulletin holds at most {MAX_ITEMS} documents")
        position += 1
        BulletinItem.objects.create(bulletin=bulletin, document=doc, position=position)
        present.add(doc.pk)
        added += 1
    return added


def bulletin_item_update(item: BulletinItem, *, comment: str | None = None, position=None) -> None:
    _editable(item.bulletin)
    if comment is not None:
        item.comment = comment
    if position is not None:
        item.position = max(0, int(position))
    item.save()


def bulletin_item_remove(item: BulletinItem) -> None:
    _editable(item.bulletin)
    item.delete()


def bulletin_update(bulletin: Bulletin, **changes) -> Bulletin:
    _editable(bulletin)
    for key in ("title", "introduction", "language", "mailing_list"):
        if key in changes:
            setattr(bulletin, key, changes[key])
    bulletin.language = reader_language(bulletin.language)
    bulletin.save()
    return bulletin


def bulletin_sections(bulletin: Bulletin) -> list[dict]:
    """Items grouped by first theme (taxonomy order) then country: the bulletin's outline.
    A document without a theme goes to a last "other" section."""
    lang = bulletin.language
    items = list(
        bulletin.items.select_related("document", "document__current_version").prefetch_related(
            "document__theme_links__theme"
        )
    )
    sections: OrderedDict = OrderedDict()
    for item in items:
        doc = item.document
        links = sorted(doc.theme_links.all(), key=lambda link: link.theme.position)
        theme = links[0].theme if links else None
        key = (theme.position if theme else 10_000, theme.id if theme else "")
        section = sections.setdefault(
            key, {"theme": theme.label_in(lang) if theme else "", "countries": OrderedDict()}
        )
        country = country_label(doc.country, lang) if doc.country else ""
        card = hit_card(doc, doc.current_version, lang)
        section["countries"].setdefault(country, []).append({"item": item, "card": card})
    out = []
    for key in sorted(sections):
        section = sections[key]
        section["countries"] = sorted(section["countries"].items(), key=lambda kv: kv[0])
        out.append(section)
    return out


def bulletin_html(bulletin: Bulletin, *, for_pdf: bool = False, leave_url: str = "") -> str:
    lang = reader_language(bulletin.language)
    context = {
        "bulletin": bulletin,
        "sections": bulletin_sections(bulletin),
        "lang": lang,
        "rtl": lang == "ar",
        "for_pdf": for_pdf,
        "leave_url": leave_url,
    }
    with translation.override(lang):
        return render_to_string("alerts/bulletin_document.html", context)


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    """The bulletin as PDF. WeasyPrint shapes Arabic through HarfBuzz and lays out right-to-left
    from ``dir="rtl"``; the fonts named in the stylesheet (Noto Naskh Arabic, DejaVu Sans) are
    installed system fonts, so nothing is fetched."""
    from weasyprint import HTML

    return HTML(
        string=bulletin_html(bulletin, for_pdf=True), base_url=settings.SITE_URL
    ).write_pdf()


def bulletin_deliver(bulletin_id: int) -> dict:
    """Send the bulletin to each confirmed member of its list (one message each, with a leave
    link), recording every delivery. A member already served is skipped, so a retry after a
    partial failure sends only to the others. The bulletin is marked sent when all went out."""
    bulletin = Bulletin.objects.select_related("mailing_list").get(pk=bulletin_id)
    if bulletin.mailing_list is None:
        raise AlertError("choose a mailing list first")
    served = set(
        Delivery.objects.filter(
            bulletin=bulletin, channel=Delivery.Channel.BULLETIN, status=Delivery.Status.SENT
        ).values_list("recipient", flat=True)
    )
    members = bulletin.mailing_list.members.filter(status=ListMember.Status.CONFIRMED)
    report = {"sent": 0, "failed": 0, "skipped": 0}
    for member in members:
        if member.email in served:
            report["skipped"] += 1
            continue
        leave = site_url(reverse("alerts_public:list-leave", args=[member.token]))
        html = bulletin_html(bulletin, leave_url=leave)
        with translation.override(bulletin.language):
            text = render_to_string(
                "alerts/email/bulletin.txt",
                {"bulletin": bulletin, "sections": bulletin_sections(bulletin), "leave_url": leave},
            )
        message = EmailMultiAlternatives(
            subject=bulletin.title,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[member.email],
            headers={
                "List-Unsubscribe": f"<{leave}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{bulletin.mailing_list.name} <{bulletin.mailing_list.slug}.migralex>",
                "Content-Language": bulletin.language,
            },
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send(fail_silently=False)
        except Exception as exc:
            report["failed"] += 1
            Delivery.objects.create(
                channel=Delivery.Channel.BULLETIN,
                status=Delivery.Status.FAILED,
                recipient=member.email,
                subject=bulletin.title,
                bulletin=bulletin,
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            continue
        report["sent"] += 1
        Delivery.objects.create(
            channel=Delivery.Channel.BULLETIN,
            status=Delivery.Status.SENT,
            recipient=member.email,
            subject=bulletin.title,
            bulletin=bulletin,
        )
    if report["failed"] == 0:
        bulletin.status = Bulletin.Status.SENT
        bulletin.sent_at = bulletin.sent_at or timezone.now()
        bulletin.save(update_fields=["status", "sent_at"])
    return report
