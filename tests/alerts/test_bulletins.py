"""Bulletins: outline by theme and country, HTML and PDF (Arabic shaped, right to left),
mailing list with double opt-in, sending to confirmed members only."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pypdf
import pytest
from django.test import Client

from migralex.alerts import bulletins, selectors
from migralex.alerts.models import Bulletin, Delivery, ListMember
from migralex.alerts.services import AlertError
from migralex.documents.models import Theme
from tests.alerts.conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulletin(user, themes):
    b = bulletins.bulletin_create(user, "Veille juin 2025", introduction="Sélection du mois.")
    docs = [
        make_document(
            "Loi sur le travail domestique", "…", country="MA", themes=("domestic-work",)
        )[0],
        make_document("Décret sur l'asile", "…", country="TN", themes=("asylum-refugees",))[0],
        make_document("Circulaire sur l'asile", "…", country="MA", themes=("asylum-refugees",))[0],
        make_document("Note sans thème", "…", country="EG")[0],
    ]
    assert bulletins.bulletin_add_documents(b, docs) == 4
    assert bulletins.bulletin_add_documents(b, docs[:1]) == 0  # no duplicates
    item = b.items.get(document=docs[1])
    bulletins.bulletin_item_update(item, comment="Texte <important> pour les réfugiés.")
    return b


def test_outline_groups_by_theme_then_country(bulletin):
    sections = bulletins.bulletin_sections(bulletin)
    # Taxonomy order of the test themes: domestic-work, asylum-refugees; no theme last.
    assert [s["theme"] for s in sections] == ["domestic-work", "asylum-refugees", ""]
    asylum = sections[1]["countries"]
    assert [country for country, _ in asylum] == ["Maroc", "Tunisie"]
    html = bulletins.bulletin_html(bulletin)
    assert "Texte &lt;important&gt; pour les réfugiés." in html  # comments are escaped
    assert html.index("Loi sur le travail domestique") < html.index("Décret sur l&#x27;asile")


def test_pdf_renders_arabic_right_to_left(user, themes):
    Theme.objects.filter(pk="asylum-refugees").update(label={"ar": "اللجوء ووضع اللاجئ"})
    b = bulletins.bulletin_create(user, "نشرة اليقظة القانونية", language="ar")
    doc, _ = make_document(
        "قانون يتعلق باللجوء",
        "نص",
        lang="ar",
        title_ar="قانون يتعلق باللجوء",
        themes=("asylum-refugees",),
    )
    bulletins.bulletin_add_documents(b, [doc])
    html = bulletins.bulletin_html(b)
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    pdf = bulletins.bulletin_pdf(b)
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    # The glyphs carry their Unicode text: the Arabic words come back (shaped forms map to the
    # letters), which they would not with missing fonts (tofu) or unshaped isolated forms.
    for word in ("قانون", "يتعلق", "باللجوء", "اللجوء"):
        assert word in text, text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Arabic" in name or "Naskh" in name for name in fonts), fonts


def test_double_opt_in_and_sending(smtp, bulletin):
    mailing_list = bulletins.mailing_list_create("Partenaires", language="fr")
    member = bulletins.list_member_subscribe(mailing_list, "Partenaire@Example.org")
    bulletins.list_member_subscribe(mailing_list, "pending@example.org")
    assert member.status == ListMember.Status.PENDING and member.email == "partenaire@example.org"
    with pytest.raises(AlertError):
        bulletins.list_member_subscribe(mailing_list, "not an address")
    confirmations = {rcpt[0]: message for rcpt, message in smtp.inbox.messages}
    body = confirmations["partenaire@example.org"].get_content()
    link = next(line for line in body.splitlines() if "/a/confirm/" in line).strip()
    path = urlsplit(link).path
    client = Client()
    assert client.get(path).status_code == 200  # GET shows a button; changes nothing
    member.refresh_from_db()
    assert member.status == ListMember.Status.PENDING
    assert client.post(path).status_code == 200
    member.refresh_from_db()
    assert member.status == ListMember.Status.CONFIRMED

    bulletins.bulletin_update(bulletin, mailing_list=mailing_list)
    smtp.inbox.messages.clear()
    report = bulletins.bulletin_deliver(bulletin.pk)
    assert report == {"sent": 1, "failed": 0, "skipped": 0}
    ((rcpt, message),) = smtp.inbox.messages
    assert rcpt == ["partenaire@example.org"]
    assert message["Subject"] == "Veille juin 2025"
    assert "/a/leave/" in str(message["List-Unsubscribe"])
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT
    with pytest.raises(AlertError):
        bulletins.bulletin_add_documents(bulletin, [])  # archived: frozen
    assert bulletins.bulletin_deliver(bulletin.pk)["skipped"] == 1  # a retry sends nothing twice
    assert Delivery.objects.filter(channel="bulletin", status="sent").count() == 1
    # The archive is searchable, comments included.
    assert list(selectors.bulletins("réfugiés")) == [bulletin]
    assert list(selectors.bulletins("inexistant")) == []


def test_leaving_a_list_from_the_link(smtp):
    mailing_list = bulletins.mailing_list_create("Liste", language="fr")
    member = bulletins.list_member_subscribe(mailing_list, "membre@example.org")
    path = f"/a/leave/{member.token}/"
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200  # a link preview changes nothing
    member.refresh_from_db()
    assert member.status == ListMember.Status.PENDING
    assert client.post(path).status_code == 200  # no CSRF token needed: the token is the key
    member.refresh_from_db()
    assert member.status == ListMember.Status.UNSUBSCRIBED
    assert client.get("/a/leave/not-a-token/").status_code == 404
    assert client.post("/a/leave/not-a-token/").status_code == 404
