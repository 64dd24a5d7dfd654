"""OCR of scanned PDFs (parsers.ocr): the text of generated French, Arabic and English pages,
and the degraded outcomes when Tesseract is missing, fails, runs out of time or runs away."""

import random
import sys
import threading
import time

import pytest

from migralex.ingestion import sandbox
from migralex.ingestion.parsers import ocr
from migralex.ingestion.scangen import character_error_rate, scanned_pdf


def _real_tesseract(languages="ara+fra+eng"):
    ok, why = ocr.ocr_available(languages)
    if not ok:
        pytest.skip(why)


@pytest.fixture
def fake_engine(monkeypatch):
    """Replace Tesseract by ``FakeEngine`` (OCR available, pages rendered as tiny images whose
    one pixel is the page number); returns the class, whose ``made`` lists its instances."""

    class FakeEngine:
        made: list = []
        read_page = staticmethod(lambda number: f"page {number}")

        def __init__(self, languages):
            self.closed = False
            FakeEngine.made.append(self)

        def read(self, image, dpi, deadline):
            time.sleep(random.uniform(0, 0.01))  # readers finish out of page order
            return FakeEngine.read_page(image.getpixel((0, 0)))

        def close(self):
            self.closed = True

    def render(pdf, index, pixels):
        from PIL import Image

        return Image.new("L", (1, 1), index), 250, pixels.take(1)

    monkeypatch.setattr(ocr, "ocr_available", lambda languages: (True, ""))
    monkeypatch.setattr(ocr, "_Engine", FakeEngine)
    monkeypatch.setattr(ocr, "_render", render)
    monkeypatch.setattr(ocr, "_idle_engines", {})
    return FakeEngine


def _blank_pdf(pages: int) -> bytes:
    """An image-only PDF of ``pages`` tiny pages (the fake engine reads its own images)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    blank = [Image.new("L", (8, 8), 255) for _ in range(pages)]
    blank[0].save(out, format="PDF", save_all=True, append_images=blank[1:])
    return out.getvalue()


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


@pytest.mark.slow
def test_no_arabic_line_is_dropped_as_noise():
    """Tesseract 5.5's noise-row rejection dropped whole Arabic lines (their letters' dots look
    like noise): every drawn line must come back."""
    from PIL import features

    _real_tesseract()
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot draw the Arabic test pages")
    data, texts = scanned_pdf(random.Random(42), 2)  # page 2 lost a line with the defaults
    out = ocr.ocr_pdf(data, {"wall_seconds": 300})
    found = [" ".join(line.split()) for line in out["text"].splitlines() if line.strip()]
    assert len(found) == len(texts[0].splitlines()) + len(texts[1].splitlines())
    assert character_error_rate(out["text"], "\n".join(texts)) < 0.01


def test_languages_are_grouped_by_script_and_only_mixed_scripts_are_read_line_by_line():
    assert ocr._script_groups("ara+fra+eng") == ["ara", "fra+eng"]
    assert ocr._script_groups("eng+fas+fra") == ["fas", "eng+fra"]
    assert ocr._script_groups("fra+eng") == ["fra+eng"]
    assert ocr._script_groups("ara") == ["ara"]
    _real_tesseract()
    mixed, latin = ocr._Engine("ara+fra+eng"), ocr._Engine("fra+eng")
    assert mixed.lines is not None and set(mixed.lines.engines) == {True, False}
    assert latin.lines is None and latin.api is not None
    mixed.close()
    latin.close()


def _line_image(text: str, arabic: bool, seed: int):
    """A line of ``text`` drawn as the generated scans draw it, at the resolution OCR reads."""
    from PIL import Image, ImageDraw, ImageFilter

    from migralex.ingestion import scangen

    size = round(12 / 72 * ocr.MIN_DPI)
    font = scangen._font("arabic" if arabic else "latin", size)
    image = Image.new("L", (1600, size * 2), 255)
    ImageDraw.Draw(image).text(
        (8, size // 3), text, fill=0, font=font, direction="rtl" if arabic else None
    )
    angle = random.Random(seed).uniform(-0.5, 0.5)
    image = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    return image.filter(ImageFilter.GaussianBlur(0.6))


def test_a_line_s_script_is_guessed_from_the_dots_of_arabic_letters():
    from PIL import features

    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot draw Arabic lines")
    from migralex.ingestion.scangen import _VOCABULARY

    rng = random.Random(11)
    for seed in range(6):
        for language, arabic in (("ar", True), ("fr", False), ("en", False)):
            words = " ".join(rng.choice(_VOCABULARY[language].split()) for _ in range(9))
            assert ocr._looks_arabic(_line_image(words, arabic, seed)) is arabic, words
    assert ocr._looks_arabic(_line_image("", False, 0)) is None  # nothing to judge by


def test_lines_inside_another_line_are_left_out_and_wider_steps_start_paragraphs():
    page = type("Page", (), {"width": 1000, "height": 1000})()
    lines = [(100, 100, 900, 140), (100, 160, 900, 200), (500, 185, 880, 203)]  # dots row
    lines += [(100, 240, 900, 280), (100, 300, 600, 340)]  # wider gap before the 4th line
    arranged = ocr._arrange([(box, i == 0) for i, box in enumerate(lines)], page)
    m = ocr.LINE_MARGIN
    v = round(40 * ocr.LINE_MARGIN_OF_HEIGHT)  # the dots under Arabic letters stay in the crop
    assert [box for box, _ in arranged] == [
        (x0 - m, y0 - v, x1 + m, y1 + v) for x0, y0, x1, y1 in lines if (x0, y0) != (500, 185)
    ]
    assert [starts for _, starts in arranged] == [True, False, True, False]


def test_a_page_is_straightened_once_its_long_lines_drift_by_a_third_of_a_line():
    boxes = [(100, 100 + 60 * i, 1700, 150 + 60 * i) for i in range(10)]  # 50 pixels high
    level = [(1600, 0.2)] * 10  # 5.6 pixels of drift
    assert ocr._skew(level, boxes) == 0
    skewed = [(1600, -2.1), (1600, -2.0), (1580, -1.9), (300, 7.0)]  # a short line is left out
    assert ocr._skew(skewed, boxes) == -2.0
    assert ocr._skew([], []) == 0


@pytest.mark.slow
@pytest.mark.parametrize("degrees", [-3, 2])
def test_lines_of_a_skewed_page_are_read_whole(degrees):
    """Cropped by their upright boxes, the long lines of a page skewed by 2 or 3 degrees took
    pieces of their neighbours (16% of the characters wrong at 3 degrees)."""
    from PIL import Image, features

    _real_tesseract()
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot draw the Arabic test pages")
    import pypdfium2 as pdfium

    data, texts = scanned_pdf(random.Random(8), 1)
    image, dpi, _ = ocr._render(pdfium.PdfDocument(data), 0, ocr._Budget(ocr.MAX_PIXELS))
    image = image.rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor=255)
    engine = ocr._Engine("ara+fra+eng")
    text = engine.read(image, dpi, time.monotonic() + 120)
    engine.close()
    assert character_error_rate(text.translate(ocr._BIDI_MARKS), texts[0]) < 0.01


def _two_column_page(language: str, seed: int):
    """(a page image at OCR's resolution with two columns of ``language`` paragraphs, the text
    of its (left, right) columns, one line per drawn line), drawn as the generated scans are."""
    from PIL import Image, ImageDraw, ImageFilter

    from migralex.ingestion import scangen

    rng = random.Random(seed)
    dpi = ocr.MIN_DPI
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    size, margin, gutter = round(12 / 72 * dpi), dpi, dpi // 2
    leading = round(size * 1.6)
    rtl = language == "ar"
    font = scangen._font("arabic" if rtl else "latin", size)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    column = (width - 2 * margin - gutter) // 2
    texts = []
    for left in (margin, margin + column + gutter):
        lines, y = [], margin
        for _ in range(3):  # paragraphs
            words = [rng.choice(scangen._VOCABULARY[language].split()) for _ in range(25)]
            for line in scangen._wrap(draw, words, font, column, rtl):
                x = left
                if rtl:  # right-aligned in its column, as Arabic is set
                    x += column - draw.textlength(line, font=font, direction="rtl")
                draw.text((x, y), line, fill=0, font=font, direction="rtl" if rtl else None)
                lines.append(line)
                y += leading
            y += leading // 2
        texts.append("\n".join(lines))
    image = image.rotate(rng.uniform(-0.5, 0.5), resample=Image.Resampling.BILINEAR, fillcolor=255)
    return image.filter(ImageFilter.GaussianBlur(0.6)), dpi, texts


@pytest.mark.slow
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_two_columns_are_read_in_the_order_of_their_script(language):
    """An Arabic page's right column comes first, a French page's left column (the layout
    analysis, with no language model, orders columns left to right)."""
    from PIL import features

    _real_tesseract()
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot draw the Arabic test pages")
    image, dpi, (left, right) = _two_column_page(language, 21)
    engine = ocr._Engine("ara+fra+eng")
    text = engine.read(image, dpi, time.monotonic() + 120).translate(ocr._BIDI_MARKS)
    engine.close()
    first, second = (right, left) if language == "ar" else (left, right)
    assert character_error_rate(text, first + "\n" + second) < 0.02


@pytest.mark.slow
@pytest.mark.parametrize("wrong_guess", [True, False])
def test_a_line_read_first_with_the_wrong_script_is_read_again_with_the_right_one(
    monkeypatch, wrong_guess
):
    """The script guess only orders the readings: guessing every line Arabic (or every line
    Latin) costs readings, not text."""
    from PIL import features

    _real_tesseract()
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot draw the Arabic test pages")
    data, texts = scanned_pdf(random.Random(5), 1)
    monkeypatch.setattr(ocr, "_looks_arabic", lambda crop: wrong_guess)
    readings = []
    read = ocr._LineReader._read
    monkeypatch.setattr(
        ocr._LineReader, "_read", lambda self, *args: readings.append(args[0]) or read(self, *args)
    )
    monkeypatch.setattr(ocr, "_idle_engines", {})
    out = ocr.ocr_pdf(data, {"wall_seconds": 300})
    assert character_error_rate(out["text"], texts[0]) < 0.01
    lines = texts[0].splitlines()
    wrong = sum(any("\u0600" <= c <= "\u06ff" for c in line) != wrong_guess for line in lines)
    assert wrong > 0 and len(readings) >= len(lines) + wrong


def test_missing_tesserocr_or_language_data_is_a_degraded_outcome(monkeypatch, tmp_path):
    pytest.importorskip("tesserocr")
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setattr(ocr, "TESSDATA_DIRS", (str(tmp_path),))
    out = ocr.ocr_pdf(b"%PDF-1.4", {})
    assert out["status"] == "degraded" and "no Tesseract language data" in out["message"]
    for lang in ("ara", "fra"):
        (tmp_path / f"{lang}.traineddata").write_bytes(b"")
    out = ocr.ocr_pdf(b"%PDF-1.4", {"ocr_languages": "ara+deu"})
    assert out["status"] == "degraded" and "languages missing: deu" in out["message"]
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import fails
    out = ocr.ocr_pdf(b"%PDF-1.4", {})
    assert out["status"] == "degraded" and "tesserocr cannot be imported" in out["message"]


def test_pages_come_back_in_order_from_one_engine_per_core_kept_for_the_next_document(
    monkeypatch, fake_engine
):
    monkeypatch.setattr(ocr, "_cores", lambda: 2)
    data = _blank_pdf(7)
    out = ocr.ocr_pdf(data, {})
    assert out["status"] == "ok", out["message"]
    assert out["text"] == "\n\n".join(f"page {n}" for n in range(7))
    assert len(fake_engine.made) == 2
    assert ocr.ocr_pdf(data, {})["text"] == out["text"]
    assert len(fake_engine.made) == 2  # the same engines read the next document
    assert ocr.ocr_pdf(_blank_pdf(1), {})["text"] == "page 0"
    assert len(fake_engine.made) == 2


def test_pages_in_flight_hold_at_most_the_pixel_budget_and_a_bigger_page_waits_alone():
    budget = ocr._Budget(10)
    first = budget.take(6)
    taken = threading.Event()

    def poster():
        held = budget.take(25)  # more than the whole budget: waits for the whole of it
        taken.set()
        budget.give(held)

    thread = threading.Thread(target=poster)
    thread.start()
    assert not taken.wait(0.2)
    budget.give(first)
    assert taken.wait(5)
    thread.join()
    assert budget.free == budget.total == 10


def test_failing_engine_is_a_degraded_outcome_with_its_message_and_is_not_reused(
    monkeypatch, fake_engine
):
    def read_page(number):
        if number == 1:
            raise RuntimeError("cannot read\n page")
        return f"page {number}"

    monkeypatch.setattr(fake_engine, "read_page", staticmethod(read_page))
    out = ocr.ocr_pdf(_blank_pdf(4), {})
    assert out["status"] == "degraded"
    assert out["message"] == "OCR failed: cannot read page"
    broken = [engine for engine in fake_engine.made if engine.closed]
    assert len(broken) == 1 and broken[0] not in ocr._idle_engines["ara+fra+eng"]


def test_engine_that_cannot_start_is_a_degraded_outcome(monkeypatch, fake_engine):
    def refuse(self, languages):
        raise RuntimeError("Failed to init API, possibly an invalid tessdata path")

    monkeypatch.setattr(fake_engine, "__init__", refuse)
    out = ocr.ocr_pdf(_blank_pdf(2), {})
    assert out["status"] == "degraded" and out["text"] == ""
    assert out["message"] == "OCR failed: Failed to init API, possibly an invalid tessdata path"


def test_running_out_of_wall_clock_time_is_a_degraded_outcome(monkeypatch, fake_engine):
    monkeypatch.setattr(fake_engine, "read_page", staticmethod(lambda number: None))
    out = ocr.ocr_pdf(_blank_pdf(2), {"wall_seconds": ocr.WALL_MARGIN + 1})
    assert out["status"] == "degraded" and out["message"] == ocr.TIMED_OUT


def test_recognition_stops_at_the_deadline_and_the_engine_reads_on():
    _real_tesseract("eng")
    import pypdfium2 as pdfium

    data, texts = scanned_pdf(random.Random(2), 1)
    image, dpi, _ = ocr._render(pdfium.PdfDocument(data), 0, ocr._Budget(ocr.MAX_PIXELS))
    engine = ocr._Engine("eng")
    assert not engine.api.GetBoolVariable("textord_noise_rejrows")
    # CPU time of this thread (Tesseract runs in it, with no threads of its own), not wall
    # time: a bound of 1 s of wall time failed under heavy load
    started = time.thread_time()
    assert engine.read(image, dpi, deadline=time.monotonic() + 0.05) is None
    stopped = time.thread_time() - started
    assert engine.read(image, dpi, deadline=time.monotonic() - 1) is None  # none left
    started = time.thread_time()
    text = engine.read(image, dpi, deadline=time.monotonic() + 60)
    # binarisation and layout analysis are not interruptible (0.27 of a full reading's 1.05
    # CPU-s at load 6), the recognition is
    assert stopped < 0.5 * (time.thread_time() - started)
    latin = [
        line for line in texts[0].splitlines() if not any("\u0600" <= c <= "\u06ff" for c in line)
    ]
    assert latin[0].split()[0] in text
    engine.close()


def test_line_by_line_recognition_stops_at_the_deadline_too():
    _real_tesseract()
    import pypdfium2 as pdfium

    data, _ = scanned_pdf(random.Random(2), 1)
    image, dpi, _ = ocr._render(pdfium.PdfDocument(data), 0, ocr._Budget(ocr.MAX_PIXELS))
    engine = ocr._Engine("ara+fra+eng")
    started = time.monotonic()
    assert engine.read(image, dpi, deadline=started + 0.1) is None
    # the layout analysis is not interruptible (~0.2 CPU-s), the line readings are
    assert time.monotonic() - started < 1.5
    assert engine.read(image, dpi, deadline=time.monotonic() + 60)
    engine.close()


def test_runaway_ocr_is_stopped_by_the_sandbox_cpu_limit_on_that_file_only(tmp_path):
    """Tesseract runs inside the parser worker: the worker's RLIMIT_CPU covers it."""
    _real_tesseract()
    data, _ = scanned_pdf(random.Random(1), 3)
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxFailure) as failure:
        sandbox.run_parser("ocr", path, {}, sandbox.Limits(cpu_seconds=1, wall_seconds=60))
    assert failure.value.outcome == "rejected" and "CPU time" in failure.value.reason
    assert time.monotonic() - started < 30


def test_a_worker_that_read_a_scan_is_kept_for_the_next_one(tmp_path):
    """Its engines stay loaded for the next scan: the worker stays under the sandbox's
    recycling threshold (RECYCLE_ABOVE_RSS_MB) with them."""
    _real_tesseract()
    data, _ = scanned_pdf(random.Random(1), 2)
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    sandbox.pool_shutdown()
    out = sandbox.run_parser("ocr", path, {}, sandbox.Limits(cpu_seconds=60, wall_seconds=120))
    assert out["status"] == "ok", out["message"]
    assert len(sandbox._idle) == 1 and sandbox._idle[0].process.is_alive()


def test_character_error_rate_counts_edits_over_the_expected_text():
    assert character_error_rate("la loi\n\n", "la loi") == 0
    assert character_error_rate("\u200fالقانون\u200e", "القانون") == 0
    assert character_error_rate("la lui", "la loi") == pytest.approx(1 / 6)
    assert character_error_rate("", "abc") == 1
