"""Text preparation done by the parser worker is used only for the very text it was made from,
and gives what the pipeline would have computed itself."""

import json

import pytest

from migralex.common.text import clean
from migralex.documents.models import Version
from migralex.ingestion import dedup, sandbox
from migralex.ingestion.prepare import analysed, prepare, prepared_for
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


def test_the_worker_analyses_as_the_pipeline_would():
    from migralex.analysis.language import detect_language
    from migralex.analysis.model import PACKAGE_MODEL_DIR, load
    from migralex.analysis.pipeline import analyse_text

    prepared = prepare(RAW)
    found = analysed(prepared, RAW, "  Décret  n° 2-09-607 ", "decret.txt", str(PACKAGE_MODEL_DIR))
    assert found["title"] == "Décret n° 2-09-607"
    assert found["language"] == detect_language(clean(RAW)[:3000], "Décret n° 2-09-607")
    assert found["analysis_title"] == "Décret n° 2-09-607"
    expected = analyse_text(clean(RAW), title="Décret n° 2-09-607", classifier=load())
    assert found["analysis"] == expected
    # No title of its own: the first line; a bare file name is no title for the analysis.
    assert analysed(prepared, RAW, "", "x.txt", str(PACKAGE_MODEL_DIR))["analysis_title"] == (
        "Décret n° 2-09-607 relatif au séjour des étrangers."
    )
    assert analysed(prepare(""), "", "", "x.txt", str(PACKAGE_MODEL_DIR))["analysis_title"] is None


@pytest.mark.django_db
def test_the_pipeline_takes_the_worker_s_analysis(monkeypatch):
    """The ingesting process does not analyse again what the worker analysed, and stores what
    analyse_version would have stored."""
    from migralex.analysis import services as analysis_services
    from migralex.analysis.pipeline import analyse_text

    calls = []
    monkeypatch.setattr(
        analysis_services,
        "analyse_text",
        lambda *a, **kw: calls.append(a) or analyse_text(*a, **kw),
    )
    outcome = ingest_bytes((SAMPLES / "record.json").read_bytes(), name="record.json")[0]
    assert outcome.status == "ok" and calls == []
    version = Version.objects.get(document_id=outcome.documents[0])
    assert version.metadata["analysis"] == analyse_text(
        version.normalized_text, title=version.document.title
    )
    assert version.document.doc_type == version.metadata["analysis"]["doc_type"]


@pytest.mark.django_db
def test_a_known_document_with_another_title_is_analysed_again(monkeypatch):
    """A new version of a known item keeps its document's title: the worker analysed the text
    under the parsed title, so the pipeline analyses it itself under the document's."""
    from migralex.analysis.pipeline import analyse_text

    record = json.loads((SAMPLES / "record.json").read_bytes())
    first = ingest_bytes(json.dumps(record).encode(), name="a.json", item_id="loi-02-03")[0]
    record["title"] = "Loi n° 02-03 (version consolidée)"
    record["provisions"][0]["content"] += " Article ajouté."
    second = ingest_bytes(json.dumps(record).encode(), name="b.json", item_id="loi-02-03")[0]
    assert second.status == "ok" and second.documents == first.documents
    version = Version.objects.get(document_id=first.documents[0], number=2)
    assert version.document.title.startswith("Loi n° 02-03 relative")
    assert version.metadata["analysis"] == analyse_text(
        version.normalized_text, title=version.document.title
    )
