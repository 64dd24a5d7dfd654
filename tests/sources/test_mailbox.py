from __future__ import annotations

from email.message import EmailMessage

import pytest

from migralex.sources.models import Source
from migralex.sources.polling import source_poll
from tests.factories import SourceFactory
from tests.sources.imapserver import Mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.close()


def message(subject, body, attachment=None, msgid="<1@example.org>"):
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"], msg["Message-ID"] = (
        subject,
        "bo@example.org",
        "veille@example.org",
        msgid,
    )
    msg.set_content(body)
    if attachment:
        msg.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="BO_6609_Ar.pdf"
        )
    return bytes(msg)


def test_mailbox_bodies_and_attachments_become_items_once(mailbox, sink):
    mailbox.add(
        message("Sommaire du BO n° 6609", "Décrets d'application de la loi 19-12.", b"%PDF-1.4 x")
    )
    source = SourceFactory(
        kind=Source.Kind.MAILBOX,
        url=f"imap://veille@127.0.0.1:{mailbox.port}/INBOX",
        config={"password": "s3cret"},
    )
    assert source_poll(source, sink=sink) == "changed", source.last_error
    assert [i.name for i in sink.items] == ["message.html", "BO_6609_Ar.pdf"]
    assert b"Sommaire du BO" in sink.items[0].data
    assert source.cursor == {"uidvalidity": "7", "last_uid": 1}
    sink.clear()
    assert source_poll(source, sink=sink) == "unchanged" and sink.items == []
    mailbox.add(message("Circulaire", "Nouvelle circulaire.", msgid="<2@example.org>"))
    assert source_poll(source, sink=sink) == "changed"
    assert sink.keys == ["<2@example.org>#body"]


def test_mailbox_wrong_password_is_a_recorded_failure(mailbox, sink):
    source = SourceFactory(
        kind=Source.Kind.MAILBOX,
        url=f"imap://veille@127.0.0.1:{mailbox.port}/INBOX",
        config={"password": "wrong"},
    )
    assert source_poll(source, sink=sink) == "error"
    assert "AUTHENTICATIONFAILED" in source.last_error


def test_ssrf_mailbox_host_resolving_to_loopback_is_refused(mailbox, sink, settings):
    settings.FETCH_ALLOW_PRIVATE = ["127.0.0.1"]
    source = SourceFactory(
        kind=Source.Kind.MAILBOX,
        url=f"imap://veille@localhost:{mailbox.port}/INBOX",
        config={"password": "s3cret"},
    )
    assert source_poll(source, sink=sink) == "error" and "BlockedAddress" in source.last_error


def test_mailbox_password_in_url_is_refused(mailbox, sink):
    source = SourceFactory(
        kind=Source.Kind.MAILBOX, url=f"imap://veille:s3cret@127.0.0.1:{mailbox.port}/"
    )
    assert source_poll(source, sink=sink) == "error" and "password" in source.last_error
