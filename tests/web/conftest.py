"""Fixtures of the web and API tests: real users with roles, the thesaurus, and documents that
went through the real ingestion pipeline (stored, extracted, analysed, indexed)."""

from __future__ import annotations

import pytest
from django.test import Client

from migralex.ingestion.services import ingest_bytes
from migralex.knowledge.reference_data import LoadReport, thesaurus_load
from tests.factories import UserFactory

LAW_FR = (
    "Loi n° 02-03 relative à l'entrée et au séjour des étrangers au Royaume du Maroc, "
    "à l'émigration et l'immigration irrégulières.\n\n"
    "Article premier. Les travailleurs domestiques migrants bénéficient d'un titre de séjour. "
    "La carte de résident est délivrée par l'administration."
)
LAW_AR = (
    "قانون رقم 19.12 بتحديد شروط الشغل والتشغيل المتعلقة بالعاملات والعمال المنزليين.\n\n"
    "المادة الأولى: يستفيد العمال المنزليون الأجانب من نفس الحقوق في الأجر والراحة."
)
NEWS_EN = (
    "Tunisia adopts a national strategy on migration. The strategy covers the protection "
    "of migrant workers, access to health care and the fight against trafficking in persons."
)


@pytest.fixture
def thesaurus(db):
    thesaurus_load(LoadReport())


@pytest.fixture
def ingest(db, thesaurus):
    """ingest(text, name) -> Document, through the real pipeline."""
    from migralex.documents.models import Document

    def run(text: str, name: str = "doc.txt", **kwargs):
        outcomes = ingest_bytes(text.encode("utf-8"), name=name, **kwargs)
        assert outcomes[0].status in ("ok", "degraded"), outcomes
        return Document.objects.get(pk=outcomes[0].documents[0])

    return run


@pytest.fixture
def corpus(ingest):
    """Three documents in three languages."""
    return {
        "fr": ingest(LAW_FR, "loi-02-03.txt"),
        "ar": ingest(LAW_AR, "qanun-19-12.txt"),
        "en": ingest(NEWS_EN, "tunisia-strategy.txt"),
    }


def _client_for(role: str, **extra) -> tuple[Client, object]:
    user = UserFactory(role=role, **extra)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def analyst_client(db):
    return _client_for("analyst")


@pytest.fixture
def reader_client(db):
    return _client_for("reader")


@pytest.fixture
def contributor_client(db):
    return _client_for("contributor")
