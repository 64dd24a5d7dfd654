"""Text preparation done by the parser worker is used only for the very text it was made from,
and gives what the pipeline would have computed itself."""

import pytest

from migralex.common.text import clean
from migralex.documents.models import Version
from migralex.ingestion import dedup, sandbox
from migralex.ingestion.prepare import prepare, prepared_for
from migralex.ingestion.services import ingest_bytes
from tests.ingestion.builders import SAMPLES

RAW = "Décret n° 2-09-607 relatif au séjour des étrangers.\r\n\r\n" + "Article premier. " * 30


def test_prepare_equals_the_pipeline_s_own_computation():
    prepared = prepare(RAW)
    assert prepared["text"] == clean(RAW)
    assert dedup.signature_from_bytes(prepared["signature"]).tolist() == (
        dedup.signature(clean(RAW)).tolist()
    )


def test_prepared_text_is_refused_for_another_text():
    prepared = prepare(RAW)
    assert prepared_for(RAW, prepared) is prepared
    assert prepared_for(RAW + " ", prepared) is None
    assert prepared_for(RAW, None) is None


def test_the_worker_sends_it_with_the_parse(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes((SAMPLES / "page.html").read_bytes())
    out = sandbox.run_parser("html", path)
    assert prepared_for(out["text"], out["prepared"])["text"] == clean(out["text"])


@pytest.mark.django_db
def test_a_stale_preparation_is_not_used(monkeypatch):
    """A parse result whose text was replaced after preparation (as OCR does) is normalised
    from the new text, not from the stale preparation."""
    original = sandbox.PendingParse.result

    def replaced(self):
        out = original(self)
        out["text"] = "Circulaire relative au regroupement familial des travailleurs migrants."
        return out

    monkeypatch.setattr(sandbox.PendingParse, "result", replaced)
    outcome = ingest_bytes((SAMPLES / "page.html").read_bytes(), name="page.html")[0]
    version = Version.objects.get(document_id=outcome.documents[0])
    assert version.normalized_text.startswith("Circulaire relative au regroupement familial")
