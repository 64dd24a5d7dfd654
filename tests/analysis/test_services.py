"""analyse_version applies the analyser's result to the document store (real SQLite)."""

from __future__ import annotations

import pytest

from migralex.analysis.services import analyse_version
from migralex.documents import services as documents
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_analyse_version_detects_language_and_stores_result():
    document = DocumentFactory(title="", language="")
    version = documents.version_add(
        document, "القانون رقم 02.03 المتعلق بدخول وإقامة الأجانب بالمملكة المغربية"
    ).version
    result = analyse_version(version)
    version.refresh_from_db()
    document.refresh_from_db()
    assert result["language"] == "ar"
    assert version.metadata["analysis"]["language"] == "ar"
    assert document.language == "ar"


def test_analyse_version_is_idempotent():
    document = DocumentFactory(title="Loi n° 02-03")
    version = documents.version_add(
        document, "Loi n° 02-03 relative à l'entrée et au séjour des étrangers au Royaume du Maroc."
    ).version
    first = analyse_version(version)
    second = analyse_version(version)
    assert first == second
    assert first["language"] == "fr"
