"""Fixtures of the alerts tests: real documents through the real document services, a real
search index under tmp, and a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from aiosmtpd.controller import Controller

from migralex.documents import services as documents
from migralex.documents.choices import AssignmentSource
from migralex.documents.models import Theme
from tests.factories import DocumentFactory, OrganisationFactory, UserFactory

THEMES = [
    ("domestic-work", "labour"),
    ("asylum-refugees", "asylum"),
    ("human-trafficking", "trafficking"),
    ("nationality", "nationality"),
]


@pytest.fixture
def themes(db):
    for position, (theme_id, group) in enumerate(THEMES):
        Theme.objects.get_or_create(
            id=theme_id,
            defaults={"group": group, "position": position, "label": {"fr": theme_id}},
        )


def make_document(
    title: str,
    text: str,
    *,
    lang: str = "fr",
    country: str = "MA",
    doc_type: str = "law",
    year: int | None = 2020,
    themes: tuple[str, ...] = (),
    owner=None,
    **fields,
):
    """A document with one version (text) and themes, through the document services."""
    doc = DocumentFactory(
        title=title,
        language=lang,
        country=country,
        doc_type=doc_type,
        date_published=dt.date(year, 6, 1) if year else None,
        owner=owner or OrganisationFactory(name="Ministère"),
        **fields,
    )
    result = documents.version_add(doc, text, language=lang)
    if themes:
        documents.document_set_themes(doc, [(t, 1.0) for t in themes], AssignmentSource.RULES)
    doc.refresh_from_db()
    return doc, result.version


@pytest.fixture
def user(db):
    return UserFactory(email="reader@example.org", language="fr", time_zone="Africa/Casablanca")


class Inbox:
    """Messages an aiosmtpd server on loopback accepted (envelope and parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """A real SMTP server that a test can stop and start again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
