"""OCR of scanned PDFs: pdfium renders each page to a grayscale image, Tesseract reads it.

Where the time goes (profiled with perf on generated scans: A4 at 250 dpi, 12-point French,
Arabic and English paragraphs, ~2,000 characters a page; Debian's Tesseract 5.3 took 1.63 CPU
seconds a page): ~75% is the LSTM recognition of the text lines, whose cost grows with the
characters read (0.5 ms each); layout analysis ~15%, binarisation 4%, loading the three models
0.2 s per process. Tesseract reads a line with the language of the previous line first and
tries the others, in the order given, only when it reads badly: 343 line readings for 244 lines
on 8 generated pages that change language every few paragraphs (far fewer on single-language
documents). Choosing the languages per page cannot help mixed pages, ``ara+fra`` instead of
``ara+fra+eng`` saved 2%, and putting Arabic last cost more (1.46 against 1.39 CPU-s a page)
and read worse. Neither ``--psm 6`` nor skipping table or fixed-pitch detection changed the
CPU by more than 1%.

Hence the choices:

* libtesseract 5.5 through ``tesserocr`` (its PyPI wheels bundle it) instead of Debian's 5.3
  ``tesseract`` command: the same models recognise a page with ~22% less CPU (1.33 -> 1.04 s,
  it is built without OpenMP, whose per-step overhead 5.3 pays even with one thread). 5.5
  drops some Arabic lines as "noise rows" (the dots of Arabic letters count as noise blobs:
  11% Arabic character errors on generated pages): ``textord_noise_rejrows`` is off, which
  brings them back to 5.3's (0.8-1.5%, French 0%).
* ``tessedit_do_invert`` off: 5.5 reads a line again, inverted, when it reads badly; scanned
  legal texts are dark on light, and it cost 3-6% for the same text.
* The engines live in the parser worker, one per core reading pages in parallel threads
  (Tesseract releases the GIL), and are kept for the next document while the worker lives: no
  model loading per batch, no page image written to disk and read back. Inside the worker the
  sandbox's limits cover Tesseract directly: its CPU and memory count against the worker's
  ``RLIMIT_CPU`` and ``RLIMIT_AS``, a crash kills the worker (an outcome on that file only),
  and recognition is given the time left before the wall clock, so that running out of time
  is a degraded outcome rather than a killed worker.

What remains is Tesseract's own work (~1.3 CPU-s a page on these dense pages): 1 page per
second per core would need a faster recogniser, or a cheap script decision per line so that a
line is read once with the right model (at most ~20% less on mixed pages like the above).

No OCRmyPDF: it rasterises with Ghostscript and builds a PDF/A we never keep (on the same
generated scans it used a third more CPU per page). Tesseract writes Arabic in logical order.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import queue
import threading
import time
from pathlib import Path

from migralex.ingestion.parsers import result

# Render a page at its scan's own resolution within these bounds: upsampling a 200 dpi scan to
# 250 halved Tesseract's Arabic character errors (4.4% -> 2.0%, generated pages), and more than
# 300 dpi costs time without reading better.
MIN_DPI, MAX_DPI = 250, 300
# A poster-sized page is rendered at a lower resolution rather than exhaust the sandbox's memory
# (an A3 page at 300 dpi is 17 million pixels). The pages rendered and not yet read hold at most
# as many pixels: two such pages at once overran the worker's 1 GiB (one alone peaked at 430
# MB); three A4 pages at 250 dpi (6 million pixels each) fit.
MAX_PIXELS = 20_000_000
# Seconds kept between the end of OCR and the sandbox's wall clock, to report instead of dying.
WALL_MARGIN = 5
# Tesseract settings (see the module docstring for why and what each saved).
SETTINGS = {"textord_noise_rejrows": "0", "tessedit_do_invert": "0"}
# Where Debian's tesseract-ocr-* packages (and other distributions) put the language models.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
TIMED_OUT = "OCR stopped: wall-clock limit reached"
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")  # Tesseract wraps RTL lines in RLM ... LRM


def tessdata() -> Path | None:
    """The folder of Tesseract's language models (``TESSDATA_PREFIX`` first), or None."""
    candidates = [os.environ.get("TESSDATA_PREFIX") or "", *TESSDATA_DIRS]
    for folder in filter(None, candidates):
        if any(Path(folder).glob("*.traineddata")):
            return Path(folder)
    return None


def ocr_available(languages: str) -> tuple[bool, str]:
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:
        return False, f"OCR unavailable: tesserocr cannot be imported ({exc})"
    folder = tessdata()
    if folder is None:
        return False, "OCR unavailable: no Tesseract language data (Debian package tesseract-ocr-*)"
    missing = [
        lang for lang in languages.split("+") if not (folder / f"{lang}.traineddata").exists()
    ]
    if missing:
        return False, "OCR unavailable: tesseract languages missing: " + ", ".join(missing)
    return True, ""


def ocr_pdf(data: bytes, options: dict) -> dict:
    """Text of a scanned PDF, pages separated by a blank line (Tesseract ``ara+fra+eng`` by
    default); ``degraded`` with the reason when OCR is unavailable, fails or runs out of time."""
    import pypdfium2 as pdfium

    languages = options.get("ocr_languages") or "ara+fra+eng"
    ok, why = ocr_available(languages)
    if not ok:
        return result(status="degraded", message=why)
    deadline = time.monotonic() + max(1, int(options.get("wall_seconds", 60)) - WALL_MARGIN)
    pdf = pdfium.PdfDocument(data, password=options.get("password") or None)
    _one_malloc_arena()
    try:
        pages = len(pdf)
        texts, failure = _read_pages(pdf, pages, languages, deadline)
    finally:
        pdf.close()
        _give_memory_back()
    if failure:
        return result(status="degraded", message=failure)
    text = "\n\n".join(t.strip() for t in texts).translate(_BIDI_MARKS)
    return result(
        text=text, message=f"OCR ({languages}, {pages} pages)", metadata={"ocr": languages}
    )


def _one_malloc_arena() -> None:
    """Make the reader threads allocate from the process's main malloc arena: glibc gives each
    thread its own arena, which keeps what a page freed for that thread only, so two readers of
    poster-sized pages overran the worker's 1 GiB address space (one arena: 540 MB, and no
    measurable cost on A4 pages)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 1)


def _give_memory_back() -> None:
    """Return to the system what the reader threads freed: glibc keeps it in their malloc
    arenas (~100 MB after a few pages), which would make the sandbox recycle the worker, and
    with it the loaded engines, after every scan."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class _Engine:
    """One Tesseract with its models loaded; used by one thread at a time."""

    def __init__(self, languages: str):
        import tesserocr

        self.api = tesserocr.PyTessBaseAPI(
            path=f"{tessdata()}/", lang=languages, oem=tesserocr.OEM.LSTM_ONLY
        )
        for name, value in SETTINGS.items():
            self.api.SetVariable(name, value)

    def read(self, image, dpi: int, deadline: float) -> str | None:
        """The page's text, or None when the deadline came first."""
        pixels = image.tobytes()  # Tesseract reads the buffer without owning it: keep it alive
        self.api.SetImageBytes(pixels, image.width, image.height, 1, image.width)
        self.api.SetSourceResolution(dpi)
        milliseconds = int((deadline - time.monotonic()) * 1000)
        if milliseconds <= 0 or not self.api.Recognize(timeout=milliseconds):
            return None
        return self.api.GetUTF8Text()

    def close(self) -> None:
        self.api.End()


_engines_lock = threading.Lock()
_idle_engines: dict[str, list[_Engine]] = {}


@contextlib.contextmanager
def _engine(languages: str):
    """An idle engine for ``languages`` (a new one when none is idle), given back afterwards
    for the next page or document; one that raised is closed instead."""
    with _engines_lock:
        idle = _idle_engines.setdefault(languages, [])
        engine = idle.pop() if idle else None
    engine = engine or _Engine(languages)
    try:
        yield engine
    except BaseException:
        engine.close()
        raise
    with _engines_lock:
        _idle_engines[languages].append(engine)


class _Budget:
    """Pixels of the pages rendered and not yet read: a page is rendered once its pixels fit
    (a page bigger than the whole budget waits until it is the only one)."""

    def __init__(self, total: int):
        self.total = self.free = total
        self.changed = threading.Condition()

    def take(self, amount: int) -> int:
        amount = min(amount, self.total)
        with self.changed:
            self.changed.wait_for(lambda: self.free >= amount)
            self.free -= amount
        return amount

    def give(self, amount: int) -> None:
        with self.changed:
            self.free += amount
            self.changed.notify_all()


def _read_pages(pdf, pages: int, languages: str, deadline: float) -> tuple[list[str], str]:
    """(texts in page order, "") or ([], why OCR failed). This thread renders the pages while
    one reader thread per core (each with its own engine) reads them."""
    readers = max(1, min(_cores(), pages))
    waiting: queue.Queue = queue.Queue()  # rendered pages: bounded by ``pixels``
    texts = [""] * pages
    failures: list[str] = []
    pixels = _Budget(MAX_PIXELS)

    def read() -> None:
        try:
            with _engine(languages) as engine:
                while (item := waiting.get()) is not None:
                    index, image, dpi, held = item
                    try:
                        text = None if failures else engine.read(image, dpi, deadline)
                    finally:
                        pixels.give(held)
                    if text is not None:
                        texts[index] = text
                    elif not failures:
                        failures.append(TIMED_OUT)
        except Exception as exc:  # noqa: BLE001 - the document's outcome, said in one line
            failures.append(f"OCR failed: {' '.join(str(exc).split())[:200] or type(exc).__name__}")
            while (item := waiting.get()) is not None:  # let the renderer finish, then stop
                pixels.give(item[-1])

    threads = [threading.Thread(target=read, daemon=True) for _ in range(readers)]
    for thread in threads:
        thread.start()
    try:
        for index in range(pages):
            if failures:
                break
            if time.monotonic() > deadline:
                failures.append(TIMED_OUT)
                break
            waiting.put((index, *_render(pdf, index, pixels)))
    finally:
        for _ in threads:
            waiting.put(None)
        for thread in threads:
            thread.join()
    return ([], failures[0]) if failures else (texts, "")


def _render(pdf, index: int, pixels: _Budget):
    """(grayscale image, dpi, pixels taken from the budget) of page ``index``, at its scan's
    resolution within bounds; the reader gives the pixels back."""
    import pypdfium2.raw as pdfium_c

    page = pdf[index]
    try:
        width_inches = page.get_width() / 72
        dpi = MAX_DPI
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1))
        if images and width_inches > 0:
            widest = max(images, key=lambda obj: obj.get_metadata().width)
            scan_dpi = widest.get_metadata().horizontal_dpi
            dpi = min(MAX_DPI, max(MIN_DPI, scan_dpi or MAX_DPI))
        area = max(1.0, width_inches * page.get_height() / 72)
        dpi = max(1, round(min(dpi, math.sqrt(MAX_PIXELS / area))))
        held = pixels.take(round(area * dpi * dpi))
        try:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        except BaseException:
            pixels.give(held)
            raise
    finally:
        page.close()
    return image, dpi, held
