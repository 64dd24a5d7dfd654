"""Fixtures of the search tests: a small trilingual set of real documents through the real
document services (SQLite or PostgreSQL), indexed in a real tantivy index under tmp."""

from __future__ import annotations

import pytest

from migralex.documents import services as documents
from migralex.documents.choices import AssignmentSource, ReviewStatus, Visibility
from migralex.documents.models import Theme
from tests.factories import DocumentFactory, OrganisationFactory

THEMES = [
    ("domestic-work", "labour"),
    ("forced-labour", "trafficking"),
    ("asylum-refugees", "asylum"),
    ("nationality", "nationality"),
]

# (key, title, language, country, doc_type, year, themes, text). Written for these tests.
DOCS = [
    (
        "fr-domestic",
        "Loi relative au travail domestique",
        "fr",
        "MA",
        "law",
        2016,
        ["domestic-work"],
        "La présente loi fixe les conditions de travail et d'emploi des travailleuses et "
        "travailleurs domestiques, y compris les travailleurs domestiques migrants.",
    ),
    (
        "ar-domestic",
        "قانون يتعلق بشروط الشغل والتشغيل المتعلقة بالعمال المنزليين",
        "ar",
        "MA",
        "law",
        2016,
        ["domestic-work"],
        "يحدد هذا القانون شروط الشغل والتشغيل المتعلقة بالعمل المنزلي وحماية العاملات المنزليات.",
    ),
    (
        "ar-glitch",
        "قانون دخول وإقامة األجانب بالمملكة المغربية",
        "ar",
        "MA",
        "law",
        2003,
        ["nationality"],
        "يتعلق هذا القانون بدخول وإقامة األجانب بالمملكة المغربية وبالهجرة غير المشروعة.",
    ),
    (
        "en-refugees",
        "Convention relating to the Status of Refugees",
        "en",
        "INT",
        "international-convention",
        1951,
        ["asylum-refugees"],
        "The term refugee shall apply to any person who has a well-founded fear of being "
        "persecuted and is outside the country of his nationality.",
    ),
    (
        "fr-asile",
        "Loi tunisienne sur l'asile",
        "fr",
        "TN",
        "law",
        2022,
        ["asylum-refugees"],
        "Projet de loi organique relatif au droit d'asile et à la protection des réfugiés en "
        "Tunisie.",
    ),
    (
        "en-forced",
        "Forced Labour Convention",
        "en",
        "INT",
        "international-convention",
        1930,
        ["forced-labour"],
        "Each Member undertakes to suppress the use of forced or compulsory labour in all its "
        "forms within the shortest possible period.",
    ),
    (
        "fr-travail-forc",
        "Protocole relatif à la convention sur le travail forcé",
        "fr",
        "INT",
        "protocol",
        2014,
        ["forced-labour"],
        "Le travail forcé ou obligatoire viole les droits humains des travailleurs migrants.",
    ),
    (
        "eg-nationality",
        "قانون الجنسية المصرية",
        "ar",
        "EG",
        "law",
        1975,
        ["nationality"],
        "يكون مصريا من ولد لأب مصري أو لأم مصرية. ويجوز اكتساب الجنسية المصرية بالتجنس.",
    ),
]


def make_themes():
    for position, (theme_id, group) in enumerate(THEMES):
        Theme.objects.get_or_create(
            id=theme_id, defaults={"group": group, "position": position, "label": {"en": theme_id}}
        )


def make_document(key, title, lang, country, doc_type, year, themes, text, **extra):
    import datetime as dt

    document = DocumentFactory(
        title=title,
        language=lang,
        country=country,
        doc_type=doc_type,
        date_published=dt.date(year, 1, 1),
        reference_key=key,
        **extra,
    )
    documents.version_add(document, text, language=lang)
    documents.document_set_themes(document, [(t, 1.0) for t in themes], AssignmentSource.REFERENCE)
    document.refresh_from_db()
    return document


@pytest.fixture
def corpus_docs(db):
    make_themes()
    return {row[0]: make_document(*row) for row in DOCS}


@pytest.fixture
def private_docs(db, corpus_docs):
    make_themes()
    other = OrganisationFactory(name="Other org")
    internal = make_document(
        "internal",
        "Note interne sur le travail domestique",
        "fr",
        "MA",
        "report",
        2020,
        ["domestic-work"],
        "Note interne : travail domestique des migrantes.",
        visibility=Visibility.INTERNAL,
    )
    pending = make_document(
        "pending",
        "Contribution en attente travail domestique",
        "fr",
        "MA",
        "report",
        2021,
        ["domestic-work"],
        "Contribution en attente sur le travail domestique.",
        owner=other,
        review_status=ReviewStatus.PENDING,
    )
    return {"internal": internal, "pending": pending, "other_org": other}
