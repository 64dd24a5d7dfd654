"""OCR of scanned PDFs: pdfium renders each page to a grayscale image, Tesseract reads it.

No OCRmyPDF: it rasterises with Ghostscript and builds a PDF/A we never keep (on the same
generated scans it used a third more CPU per page, 2.27 s against 1.69). Pages are split into
one batch per core; each batch is one single-threaded ``tesseract`` process
(``OMP_THREAD_LIMIT=1``: with two OpenMP threads one page took 15 CPU seconds instead of 2 on
this loaded 2-core machine) reading a list of page images, so its language models load once per
batch, not once per page. Tesseract writes Arabic in logical order.

Limits: this runs inside the sandbox worker, whose ``RLIMIT_CPU`` does not cover its children,
so each ``tesseract`` gets its share of the CPU time the worker has left (a runaway batch dies of
SIGXCPU), and all of them are killed a few seconds before the sandbox's wall clock expires.
"""

from __future__ import annotations

import contextlib
import math
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from migralex.ingestion.parsers import result

# Render a page at its scan's own resolution within these bounds: upsampling a 200 dpi scan to
# 250 halved Tesseract's Arabic character errors (4.4% -> 2.0%, generated pages), and more than
# 300 dpi costs time without reading better.
MIN_DPI, MAX_DPI = 250, 300
# A poster-sized page is rendered at a lower resolution rather than exhaust the sandbox's memory
# (an A3 page at 300 dpi is 17 million pixels).
MAX_PIXELS = 20_000_000
# At most this many pages per tesseract process: bounds the page images waiting on disk and
# lets a free core take the next batch of a long document.
MAX_BATCH_PAGES = 8
# Seconds kept between the end of OCR and the sandbox's wall clock, to report instead of dying.
WALL_MARGIN = 5
_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")  # Tesseract wraps RTL lines in RLM ... LRM


def ocr_available(languages: str) -> tuple[bool, str]:
    if not shutil.which("tesseract"):
        return False, "OCR unavailable: tesseract is not installed (Debian package tesseract-ocr)"
    listed = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    have = set(listed.stdout.split())
    missing = [lang for lang in languages.split("+") if lang not in have]
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
    try:
        pages = len(pdf)
        with tempfile.TemporaryDirectory(prefix="migralex-ocr-") as tmp:
            texts, failure = _run_batches(pdf, languages, _batches(pages), Path(tmp), deadline)
    finally:
        pdf.close()
    if failure:
        return result(status="degraded", message=failure)
    text = "\n\n".join(t.strip() for t in texts).translate(_BIDI_MARKS)
    return result(
        text=text, message=f"OCR ({languages}, {pages} pages)", metadata={"ocr": languages}
    )


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _batches(pages: int) -> list[range]:
    """Consecutive pages in equal batches, one per core (more for long documents)."""
    if not pages:
        return []
    size = min(MAX_BATCH_PAGES, math.ceil(pages / _cores()))
    return [range(start, min(start + size, pages)) for start in range(0, pages, size)]


def _cpu_left() -> float | None:
    """CPU seconds this process may still use under its RLIMIT_CPU (None: unlimited)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY:
        return None
    own = resource.getrusage(resource.RUSAGE_SELF)
    return max(1.0, soft - own.ru_utime - own.ru_stime)


class _Batch:
    """One tesseract process reading the rendered images of ``pages``."""

    def __init__(self, pdf, pages: range, languages: str, tmp: Path, cpu_seconds: float | None):
        self.pages = pages
        listing = tmp / f"pages-{pages.start}.txt"
        self.output = tmp / f"text-{pages.start}"
        images, dpis = [], set()
        for index in pages:
            image, dpi = _render(pdf, index)
            path = tmp / f"page-{index}.tif"
            image.save(path, compression="packbits", dpi=(dpi, dpi))
            images.append(path)
            dpis.add(dpi)
        listing.write_text("".join(f"{path}\n" for path in images))
        self.images = images
        self.stderr = open(tmp / f"stderr-{pages.start}", "w+b")  # noqa: SIM115 - closed in text()
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": str(tmp)}
        command = ["tesseract", str(listing), str(self.output), "-l", languages, "--psm", "3"]
        if len(dpis) == 1:
            command += ["--dpi", str(dpis.pop())]
        self.process = subprocess.Popen(
            [*command, "txt"], stdout=subprocess.DEVNULL, stderr=self.stderr, env=env, cwd=tmp
        )
        if cpu_seconds is not None:
            # Set after the start, but RLIMIT_CPU counts the process's CPU time from its start.
            limit = math.ceil(cpu_seconds)
            with contextlib.suppress(ProcessLookupError):  # already gone: nothing to limit
                resource.prlimit(self.process.pid, resource.RLIMIT_CPU, (limit, limit + 1))

    def text(self) -> tuple[list[str], str]:
        """(one text per page, "") or ([], the reason it failed); the process has exited."""
        code = self.process.returncode
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        self.stderr.close()
        for path in self.images:  # a long document's pages do not pile up on disk
            path.unlink(missing_ok=True)
        if code == -signal.SIGXCPU:
            return [], "OCR stopped: CPU time limit reached"
        if code == -signal.SIGKILL:
            return [], "OCR stopped: tesseract killed (CPU or memory limit)"
        output = self.output.with_suffix(".txt")
        if code != 0 or not output.exists():
            return [], f"OCR failed (tesseract exit {code}): {(lines or ['?'])[-1][:200]}"
        # Tesseract ends every page with a form feed.
        return output.read_text("utf-8", "replace").split("\f")[: len(self.pages)], ""

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.stderr.close()


def _run_batches(
    pdf, languages: str, batches: list[range], tmp: Path, deadline: float
) -> tuple[list[str], str]:
    """Run the batches, as many at a time as there are cores, rendering the next batch while
    the others are read; (texts in page order, "") or ([], the reason OCR failed)."""
    cpu_left, cores = _cpu_left(), _cores()
    total = sum(len(b) for b in batches)
    waiting, running, texts = list(batches), [], {}
    try:
        while waiting or running:
            while waiting and len(running) < cores:
                pages = waiting.pop(0)
                share = None if cpu_left is None else cpu_left * len(pages) / total
                running.append(_Batch(pdf, pages, languages, tmp, share))
            for batch in [b for b in running if b.process.poll() is not None]:
                running.remove(batch)
                page_texts, failure = batch.text()
                if failure:
                    return [], failure
                texts.update(zip(batch.pages, page_texts, strict=False))
            if time.monotonic() > deadline:
                return [], "OCR stopped: wall-clock limit reached"
            if running:
                time.sleep(0.02)
    finally:
        for batch in running:
            batch.kill()
    return [texts.get(i, "") for i in range(total)], ""


def _render(pdf, index: int):
    """(grayscale image, dpi) of page ``index``, at its scan's resolution within bounds."""
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
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        page.close()
    return image, dpi
