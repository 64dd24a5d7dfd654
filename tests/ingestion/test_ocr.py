"""OCR of scanned PDFs (parsers.ocr): the text of generated French, Arabic and English pages,
and the degraded outcomes when Tesseract is missing, fails, hangs or runs away."""

import random
import resource
import stat
import time

import pytest

from migralex.ingestion.parsers import ocr
from migralex.ingestion.scangen import character_error_rate, scanned_pdf


def _real_tesseract():
    ok, why = ocr.ocr_available("ara+fra+eng")
    if not ok:
        pytest.skip(why)


@pytest.fixture
def fake_tesseract(tmp_path, monkeypatch):
    """Put a ``tesseract`` that lists the three languages and otherwise runs ``body`` first on
    PATH; returns a function taking ``body`` (shell)."""

    def install(body: str):
        path = tmp_path / "bin" / "tesseract"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            '#!/bin/sh\nif [ "$1" = "--list-langs" ]; then printf "langs:\\nara\\neng\\nfra\\n"; '
            f"exit 0; fi\n{body}\n"
        )
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", f"{path.parent}:/usr/bin:/bin")

    return install


@pytest.mark.slow
def test_french_arabic_and_english_pages_are_read_with_arabic_in_logical_order():
    from PIL import features

    _real_tesseract()
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot draw the Arabic test pages")
    data, texts = scanned_pdf(random.Random(3), 2)
    out = ocr.ocr_pdf(data, {"wall_seconds": 300})
    assert out["status"] == "ok", out["message"]
    assert character_error_rate(out["text"], "\n".join(texts)) < 0.02
    arabic_line = next(line for line in texts[0].splitlines() if "ال" in line)
    assert " ".join(arabic_line.split()[:3]) in out["text"]  # logical order, as typed
    assert "\u200f" not in out["text"] and "\u200e" not in out["text"]


def test_missing_tesseract_or_language_is_a_degraded_outcome(monkeypatch, tmp_path, fake_tesseract):
    monkeypatch.setenv("PATH", str(tmp_path))
    out = ocr.ocr_pdf(b"%PDF-1.4", {})
    assert out["status"] == "degraded" and "tesseract is not installed" in out["message"]
    fake_tesseract("exit 1")
    out = ocr.ocr_pdf(b"%PDF-1.4", {"ocr_languages": "ara+deu"})
    assert out["status"] == "degraded" and "languages missing: deu" in out["message"]


def test_failing_tesseract_is_a_degraded_outcome_with_its_message(fake_tesseract):
    fake_tesseract('echo "Error: cannot read page" >&2; exit 3')
    data, _ = scanned_pdf(random.Random(1), 1)
    out = ocr.ocr_pdf(data, {})
    assert out["status"] == "degraded"
    assert out["message"] == "OCR failed (tesseract exit 3): Error: cannot read page"


def test_hanging_tesseract_is_killed_before_the_wall_clock(fake_tesseract):
    fake_tesseract("exec sleep 60")
    data, _ = scanned_pdf(random.Random(1), 2)
    started = time.monotonic()
    out = ocr.ocr_pdf(data, {"wall_seconds": ocr.WALL_MARGIN + 1})
    assert time.monotonic() - started < 10
    assert out["status"] == "degraded" and "wall-clock limit" in out["message"]


def test_runaway_tesseract_is_stopped_by_its_share_of_the_cpu_limit(fake_tesseract, monkeypatch):
    fake_tesseract("while :; do :; done")
    monkeypatch.setattr(ocr, "_cpu_left", lambda: 2.0)  # what the sandbox's RLIMIT_CPU leaves
    data, _ = scanned_pdf(random.Random(1), 1)
    started = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = ocr.ocr_pdf(data, {"wall_seconds": 60})
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out["status"] == "degraded" and "CPU time limit" in out["message"]
    assert ended.ru_utime - started.ru_utime < 5


def test_pages_are_split_in_one_batch_per_core_and_bounded(monkeypatch):
    monkeypatch.setattr(ocr, "_cores", lambda: 2)
    assert ocr._batches(0) == []
    assert ocr._batches(3) == [range(0, 2), range(2, 3)]
    assert ocr._batches(6) == [range(0, 3), range(3, 6)]
    assert [len(b) for b in ocr._batches(20)] == [8, 8, 4]


def test_character_error_rate_counts_edits_over_the_expected_text():
    assert character_error_rate("la loi\n\n", "la loi") == 0
    assert character_error_rate("\u200fالقانون\u200e", "القانون") == 0
    assert character_error_rate("la lui", "la loi") == pytest.approx(1 / 6)
    assert character_error_rate("", "abc") == 1
