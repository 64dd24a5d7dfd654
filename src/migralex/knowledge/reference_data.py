"""Loads the reference data the team wrote (``migralex/data/*.toml``) into the database.

Idempotent: every record carries a stable key, re-loading updates in place and creates nothing
twice. Facts marked unsure in the files stay marked unsure in the database.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from migralex.accounts.services import organisation_default
from migralex.documents import services as documents
from migralex.documents.choices import AssignmentSource, LegalStatus
from migralex.documents.models import Document, Theme
from migralex.knowledge.models import Instrument, Ratification

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
LANGS = ("fr", "ar", "en")


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def read_toml(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def thesaurus_load(report: LoadReport) -> None:
    data = read_toml("thesaurus/themes.toml")
    for position, item in enumerate(data["theme"]):
        Theme.objects.update_or_create(
            id=item["id"],
            defaults={
                "group": item["group"],
                "position": position,
                "label": item["label"],
                "scope": item.get("scope", {}),
                "keywords": item.get("keywords", {}),
            },
        )
        report.add("themes")


@lru_cache(maxsize=1)
def country_labels() -> dict[str, dict[str, str]]:
    """{code: {"fr", "ar", "en"}} from the thesaurus' country list."""
    return {c["code"]: c.get("label", {}) for c in read_toml("thesaurus/countries.toml")["country"]}


def country_label(code: str, lang: str) -> str:
    """A country code's name in ``lang`` (the code itself when unknown)."""
    return country_labels().get(code, {}).get(lang) or code


def theme_groups() -> list[dict]:
    """[{"id", "label": {fr, ar, en}}] in taxonomy order."""
    return read_toml("thesaurus/themes.toml")["group"]


def _text_document(key: str, item: dict, doc_type: str, country: str, number: str) -> Document:
    title = item["title"]
    main_lang = item.get("lang") or ("fr" if title.get("fr") else "en")
    defaults = {
        "title": title.get(main_lang) or next(iter(title.values())),
        "title_fr": title.get("fr", ""),
        "title_ar": title.get("ar", ""),
        "title_en": title.get("en", ""),
        "summary": item.get("summary", {}),
        "doc_type": doc_type,
        "country": country,
        "language": main_lang,
        "languages": [lang for lang in LANGS if title.get(lang)],
        "official_number": number,
        "unsure_fields": item.get("unsure", []),
        "source_url": item.get("source", "")[:2000],
        "relevant": True,
        "relevance": 1.0,
        "owner": organisation_default(),
    }
    document, _ = Document.objects.update_or_create(reference_key=key, defaults=defaults)
    return document


def _summary_text(item: dict) -> str:
    """The searchable text of a reference record: its titles and summaries in every language."""
    parts = []
    for lang in LANGS:
        if item.get("title", {}).get(lang):
            parts.append(item["title"][lang])
        if item.get("summary", {}).get(lang):
            parts.append(item["summary"][lang])
    return "\n\n".join(parts)


def _attach_text(document: Document, item: dict, themes: list[str]) -> None:
    documents.version_add(
        document,
        _summary_text(item),
        language=document.language,
        metadata={"origin": "reference-data"},
    )
    documents.document_set_themes(document, [(t, 1.0) for t in themes], AssignmentSource.REFERENCE)


def instruments_load(report: LoadReport) -> None:
    for item in read_toml("instruments.toml")["instrument"]:
        document = _text_document(
            f"instrument-{item['key']}", item, item["doc_type"], "INT", item.get("official_ref", "")
        )
        document.date_signed = _date(item.get("adopted"))
        document.date_in_force = _date(item.get("entry_into_force"))
        document.legal_status = (
            LegalStatus.IN_FORCE if item.get("binding", True) else LegalStatus.NOT_APPLICABLE
        )
        document.save()
        _attach_text(document, item, item.get("themes", []))
        instrument, _ = Instrument.objects.update_or_create(
            key=item["key"],
            defaults={
                "short": item.get("short", {}),
                "title": item["title"],
                "body": item.get("body", ""),
                "doc_type": item["doc_type"],
                "adopted": _date(item.get("adopted")),
                "adopted_place": item.get("adopted_place", ""),
                "entry_into_force": _date(item.get("entry_into_force")),
                "binding": item.get("binding", True),
                "official_ref": item.get("official_ref", ""),
                "themes": item.get("themes", []),
                "summary": item.get("summary", {}),
                "unsure_fields": item.get("unsure", []),
                "source_url": item.get("source", ""),
                "document": document,
            },
        )
        report.add("instruments")
        for rat in item.get("ratification", []):
            Ratification.objects.update_or_create(
                instrument=instrument,
                country=rat["country"],
                status=rat["status"],
                defaults={
                    "date": _date(rat.get("date")),
                    "unsure": bool(rat.get("unsure", False)),
                    "note": rat.get("note", ""),
                    "source_url": rat.get("source", ""),
                },
            )
            report.add("ratifications")


def national_texts_load(report: LoadReport) -> None:
    items = read_toml("national_texts.toml")["text"]
    by_key = {}
    for item in items:
        document = _text_document(
            item["key"], item, item["doc_type"], item["country"], item.get("number", "")
        )
        document.date_signed = _date(item.get("signed") or item.get("promulgated"))
        document.date_published = _date(item.get("published"))
        document.date_in_force = _date(item.get("entry_into_force"))
        document.legal_status = item.get("status", LegalStatus.UNKNOWN)
        gazette = item.get("gazette") or {}
        document.gazette_name = gazette.get("name", "")
        document.gazette_number = str(gazette.get("number", ""))
        document.gazette_date = _date(gazette.get("date"))
        document.save()
        _attach_text(document, item, item.get("themes", []))
        if item.get("number"):
            documents.document_set_identifiers(
                document, [{"type": item["doc_type"], "number": item["number"]}]
            )
        by_key[item["key"]] = document
        report.add("national_texts")
    for item in items:
        for rel in item.get("relations", []):
            target = (
                by_key.get(rel["target"])
                or Document.objects.filter(
                    reference_key__in=[rel["target"], f"instrument-{rel['target']}"]
                ).first()
            )
            if target is not None:
                documents.relation_add(
                    by_key[item["key"]],
                    rel["type"],
                    target=target,
                    assigned_by=AssignmentSource.REFERENCE,
                )
                report.add("relations")


@transaction.atomic
def reference_data_load() -> LoadReport:
    """Load (or refresh) every bundled reference file. Safe to run on every start."""
    report = LoadReport()
    thesaurus_load(report)
    for name, loader in (
        ("instruments.toml", instruments_load),
        ("national_texts.toml", national_texts_load),
    ):
        if (DATA_DIR / name).exists():
            loader(report)
    return report
