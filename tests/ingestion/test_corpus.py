"""Robustness over the third-party corpora (../shared/corpora, never copied here). Samples
keep this file under a few minutes; `migralex ingest` over the whole folders gives the issue's
figures."""

import json
import re

import pytest

from migralex.common.text import clean, repair_pdf_glitches
from migralex.documents.models import Version
from migralex.ingestion.sandbox import Limits, SandboxFailure, run_parser
from migralex.ingestion.services import ingest_bytes

pytestmark = pytest.mark.corpus
OUTCOMES = {"ok", "degraded", "duplicate", "unchanged", "rejected", "error"}


def test_pdf_sample_files_page_counts_and_encryption(corpora):
    root = corpora / "pdf" / "sample-files"
    listing = json.loads((root / "files.json").read_text())["data"]
    checked, damaged = 0, []
    for entry in listing:
        path = root / entry["path"]
        if not path.exists():
            continue
        try:
            out = run_parser("pdf", path, limits=Limits(30, 1024, 60))
        except SandboxFailure as failure:
            if entry["encrypted"]:
                assert "encrypted" in failure.reason
            else:
                # 017 has a broken page tree that neither pdfium, pypdf nor qpdf recovers:
                # it must end as a readable "corrupt" error, not a crash.
                assert failure.outcome == "error" and "corrupt PDF" in failure.reason
                damaged.append(entry["path"])
            continue
        assert out["pages"] == entry["pages"], entry["path"]
        checked += 1
    assert checked >= 20
    assert damaged in ([], ["017-unreadable-meta-data/unreadablemetadata.pdf"])


def test_qpdf_fuzz_reproducers_end_in_an_outcome_without_hanging(corpora):
    files = sorted((corpora / "pdf" / "qpdf-fuzz").iterdir())[::3]
    for path in files:
        try:
            out = run_parser("pdf", path, limits=Limits(5, 512, 10))
            assert out["status"] in ("ok", "degraded")
        except SandboxFailure as failure:
            assert failure.outcome in ("rejected", "error")
            assert failure.reason


@pytest.mark.django_db
def test_feed_sample_ingests_sanitised_and_rerun_is_unchanged(corpora):
    root = corpora / "feeds"
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")[::40]
    sanitize = sorted((root / "feedparser" / "wellformed" / "sanitize").glob("*.xml"))[::6]
    first = {}
    for path in [*files, *sanitize]:
        outcome = ingest_bytes(path.read_bytes(), name=str(path))[0]
        assert outcome.status in OUTCOMES, outcome
        first[path] = outcome
    for html in Version.objects.exclude(html="").values_list("html", flat=True):
        lowered = html.lower()
        assert "<script" not in lowered and "<style" not in lowered
        assert not re.search(r"\son\w+\s*=", lowered)
        for url in re.findall(r'(?:href|src)="([^"]*)"', lowered):
            assert url.startswith(("http://", "https://", "mailto:")) or ":" not in url, url
    for path, before in first.items():
        again = ingest_bytes(path.read_bytes(), name=str(path))[0]
        expected = before.status if before.status in ("rejected",) else "unchanged"
        if before.status != "error":
            assert again.status == expected, (path, before, again)


@pytest.mark.django_db
def test_adala_sample_ingests_with_glitches_repaired(corpora):
    files = sorted((corpora / "adala" / "seed").glob("*.json"))[::100]
    for path in files:
        outcome = ingest_bytes(path.read_bytes(), name=str(path))[0]
        assert outcome.status in ("ok", "duplicate", "degraded"), outcome
    texts = list(Version.objects.values_list("normalized_text", flat=True))
    assert len(texts) >= 40
    for text in texts:
        assert repair_pdf_glitches(text)[1] == 0  # nothing left that the rules would repair
        assert clean(text) == text
