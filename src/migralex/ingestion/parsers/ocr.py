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
* Pages mixing Arabic with Latin-script languages are read line by line (``_LineReader``):
  Tesseract's layout analysis once, with no model, then each line with one engine per script
  (``ara``, ``fra+eng``), in the script its shapes suggest (the dots of Arabic letters), read
  again with the other only when unsure. Every line is read once (240 readings for 240 lines
  on 8 generated pages of another seed than the bench's), instead of Tesseract's retries with
  each language (343 for 244), and a Latin line never goes through the costlier Arabic model
  (48-pixel lines, ~1.4 times a Latin reading). ``migralex bench ingest --ocr-pages 8``, old
  and new code alternated on a loaded machine (load 8-15), 7 runs each: 1.57-1.74 (median
  1.63) -> 1.24-1.61 (median 1.32) CPU-s a page, -19%; characters wrong 0.29% -> 0.05% (a row
  of dots under an Arabic line no longer reads as a line of its own); parser peak 320 -> 292-319
  MB. With the column-aware layout and crops a quarter of a line higher (below): 1.36 and 1.28
  against 1.61 for the old code (load 5-9), characters wrong 0.02%, parser peak 290 MB. On a
  quiet machine: 1.26-1.28 CPU-s a page, 1.36-1.41 pages/s on two cores (8 pages); with 32
  pages, so that the worker's first document weighs less, 1.16 against 1.49 for the old code,
  1.63 against 1.27 pages/s (0.82 a core), characters wrong 0.02% against 0.17%.
  Lines are cropped upright, so a page whose long lines drift by a third of a line's height
  (about 1 degree) is first straightened by the slope of Tesseract's baselines: without it,
  2 and 3 degrees of skew made 1.3% and 16% of the characters wrong (the one-pass page
  reading: 0.15% and 0.2%), with it 0-0.03% up to 5 degrees, at the cost of a second layout
  analysis on such pages. The layout analysis finds columns and pictures as the page reading
  does (a photograph read as lines came out as junk). With no language model it orders columns
  left to right; the page reading with ``ara`` orders them right to left (Tesseract reflects
  the page for its column finder when the language is written right to left). So when text
  blocks stand side by side and more of the page's lines look Arabic than Latin (the script
  guess, made for each line anyway), the layout is analysed again on the page mirrored left to
  right and the boxes mapped back: an Arabic two-column page comes out right column first, a
  French or English one left column first. That second analysis costs ~0.18 CPU-s on such
  pages only (generated two-column A4 pages at 250 dpi: 0.8-1.0 CPU-s a page); single-column
  pages do not take it (none of 20 generated bench-like pages did).
  Single-script language lists keep the one-pass page reading.
* The engines live in the parser worker, one per core reading pages in parallel threads
  (Tesseract releases the GIL), and are kept for the next document while the worker lives: no
  model loading per batch, no page image written to disk and read back. Inside the worker the
  sandbox's limits cover Tesseract directly: its CPU and memory count against the worker's
  ``RLIMIT_CPU`` and ``RLIMIT_AS``, a crash kills the worker (an outcome on that file only),
  and recognition is given the time left before the wall clock, so that running out of time
  is a degraded outcome rather than a killed worker.

What remains (8 generated pages, 2,015 characters a page, one engine warm, loaded machine:
1.08 CPU-s a page in the reading thread; the bench's figure adds rendering, 0.06 s a page,
and the worker's first document, loading models and imports, ~0.17 s a page over 8 pages):
the line readings take 0.87 s (0.43 ms a character, one reading each, nothing left to drop),
layout analysis 0.16 s, the script guess 0.05 s. perf samples of that process: the LSTM's
forward pass ~51% of the CPU, the int8 matrix products (``matrixDotVector``) only ~10% of it
all - the rest is Tesseract's scalar per-time-step code (gates, copies between layers) -,
PNG encoding and decoding of each line image inside Tesseract (its ``ImageData`` keeps line
images as PNG) ~11%, layout and binarisation ~20%, beam search 3%. The int8 products already
use AVX2 (``IntSimdMatrix::intSimdMatrix`` is the AVX2 one on this CPU; the ``dotproduct``
variable does not change it through the API, and 5.5 has no AVX-512/VNNI integer path): the
portable C++ product instead cost 1.84-2.21 against 1.53-1.60 CPU-s a page, so a product twice
as fast as AVX2's would save ~5%. 1 page per second per core on these dense mixed pages would
need a faster recogniser than Tesseract's published models (or changes inside Tesseract).

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

from migralex.common.text import ARABIC_RE
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
# Tesseract's codes of languages written in Arabic script: on pages that mix them with others,
# each line is read with the model of its own script (``_LineReader``).
ARABIC_SCRIPT = frozenset({"ara", "fas", "urd", "pus", "snd", "uig", "script/Arabic"})
# Pixels around a line's box in its crop (Tesseract pads its own line images by 4), and above
# and below it at least this share of the box's height: the layout analysis leaves the dots
# under Arabic letters out of the line's box (with 4 pixels, 0.11% of the characters came out
# wrong, "ي" read "ى"; with a quarter 0.01%, and the line's text smaller for the recogniser:
# ~8% less CPU, generated pages).
LINE_MARGIN = 4
LINE_MARGIN_OF_HEIGHT = 0.25
# A page is straightened when a long line drifts by this share of the usual line's height.
SKEW_DRIFT = 1 / 3
# A paragraph starts where a line's middle stands this many times the page's usual line step
# below the previous line's (paragraphs are set apart by a wider gap).
PARAGRAPH_STEP = 1.25
# A line reading this sure of itself (Tesseract's mean word confidence) in the script guessed is
# kept without trying the other script. On generated pages right readings scored 90 or more,
# readings with the other script's model 67 at most.
ACCEPTED_CONFIDENCE = 75
# Connected components smaller than this share of a line's height count as specks (the dots of
# Arabic letters); the line looks Arabic from ARABIC_SPECKS of its components being specks,
# Latin up to LATIN_SPECKS, and in between the previous line's script is tried first.
SPECK_SHARE_OF_HEIGHT = 0.25
ARABIC_SPECKS, LATIN_SPECKS = 0.3, 0.2
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
    """Tesseract with its models loaded; used by one thread at a time. Languages of one script
    read the page in one go; Arabic-script languages mixed with others read it line by line
    (see ``_LineReader``)."""

    def __init__(self, languages: str):
        groups = _script_groups(languages)
        if len(groups) > 1:
            self.api, self.lines = None, _LineReader(groups)
        else:
            self.api, self.lines = _tesseract(languages), None

    def read(self, image, dpi: int, deadline: float) -> str | None:
        """The page's text, or None when the deadline came first."""
        if self.lines is not None:
            return self.lines.read(image, dpi, deadline)
        if not _recognize(self.api, image, dpi, deadline):
            return None
        return self.api.GetUTF8Text()

    def close(self) -> None:
        if self.lines is not None:
            self.lines.close()
        else:
            self.api.End()


def _tesseract(languages: str, line_only: bool = False):
    import tesserocr

    api = tesserocr.PyTessBaseAPI(
        path=f"{tessdata()}/", lang=languages, oem=tesserocr.OEM.LSTM_ONLY
    )
    for name, value in SETTINGS.items():
        api.SetVariable(name, value)
    if line_only:  # the image is one text line: no layout analysis
        api.SetPageSegMode(tesserocr.PSM.RAW_LINE)
    return api


def _set_image(api, image, dpi: int) -> bytes:
    """Give Tesseract the grayscale ``image``'s pixels as they are; returns them, to be kept
    alive while Tesseract reads them (it does not own the buffer)."""
    pixels = image.tobytes()
    api.SetImageBytes(pixels, image.width, image.height, 1, image.width)
    api.SetSourceResolution(dpi)
    return pixels


def _recognize(api, image, dpi: int, deadline: float) -> bool:
    """Recognise ``image``; False when the deadline came first."""
    pixels = _set_image(api, image, dpi)
    milliseconds = int((deadline - time.monotonic()) * 1000)
    done = milliseconds > 0 and api.Recognize(timeout=milliseconds)
    del pixels  # kept alive until recognised
    return done


def _script_groups(languages: str) -> list[str]:
    """``languages`` split by script: the Arabic-script ones first, then the others
    (``ara+fra+eng`` -> ``["ara", "fra+eng"]``); one group when they share a script."""
    names = languages.split("+")
    arabic = [name for name in names if name in ARABIC_SCRIPT]
    others = [name for name in names if name not in ARABIC_SCRIPT]
    return ["+".join(group) for group in (arabic, others) if group]


def _is_arabic(text: str) -> bool:
    """Whether most letters of ``text`` are Arabic."""
    letters = [c for c in text if c.isalpha()]
    return len(ARABIC_RE.findall("".join(letters))) * 2 > len(letters)


class _LineReader:
    """A page of mixed scripts read line by line, each line once with the model of its script.

    Tesseract given ``ara+fra+eng`` reads each line with the previous line's language and, when
    one word reads badly, again with each other language: 343 readings for 244 lines on the
    bench's pages, and the Arabic model (48-pixel lines) costs ~1.4 times a Latin one per line.
    Here the layout is analysed once (no model), and each line is read with one engine per
    script: first with the script its shapes suggest (``_looks_arabic``, else the previous
    line's), again with the other only when the first reading is unsure or comes out in the
    other script; the more confident reading is kept."""

    def __init__(self, groups: list[str]):
        import tesserocr

        self.layout = tesserocr.PyTessBaseAPI(path=f"{tessdata()}/", init=False)
        self.layout.InitForAnalysePage()
        # as the page reading does: columns, pictures (Tesseract's default treats the page
        # as one block of text, and read photos as lines of junk)
        self.layout.SetPageSegMode(tesserocr.PSM.AUTO)
        for name, value in SETTINGS.items():
            self.layout.SetVariable(name, value)
        self.engines = {_is_arabic_group(group): _tesseract(group, True) for group in groups}

    def read(self, image, dpi: int, deadline: float) -> str | None:
        from PIL import Image

        found, skew, columns = _text_lines(self.layout, image, dpi)
        if skew:  # straighten the page, then find its lines again
            image = image.rotate(
                skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255
            )
            found, _, columns = _text_lines(self.layout, image, dpi)
        crops = [image.crop(box) for box, _ in found]
        guesses = [_looks_arabic(crop) for crop in crops]
        if columns and guesses.count(True) > guesses.count(False):
            # an Arabic page's columns read right to left: analysed again mirrored, as
            # Tesseract's page reading does for a right-to-left language
            found, _, _ = _text_lines(self.layout, image, dpi, mirrored=True)
            crops = [image.crop(box) for box, _ in found]
            guesses = [_looks_arabic(crop) for crop in crops]
        lines, arabic = [], False
        for (_, starts_paragraph), crop, guess in zip(found, crops, guesses, strict=True):
            first = arabic if guess is None else guess
            reading = self._read(first, crop, dpi, deadline)
            if reading is None:
                return None
            text, confidence = reading
            if confidence < ACCEPTED_CONFIDENCE or (
                bool(text.strip()) and _is_arabic(text) != first
            ):
                other = self._read(not first, crop, dpi, deadline)
                if other is None:
                    return None
                if other[1] > confidence:
                    text, confidence, first = *other, not first
            if lines and (starts_paragraph or first != arabic):  # a new script, a new paragraph
                lines.append("")
            arabic = first
            lines.append(text.strip())
        return "\n".join(lines) + "\n" if lines else ""

    def _read(self, arabic: bool, crop, dpi: int, deadline: float) -> tuple[str, int] | None:
        api = self.engines[arabic]
        if not _recognize(api, crop, dpi, deadline):
            return None
        return api.GetUTF8Text(), api.MeanTextConf()

    def close(self) -> None:
        self.layout.End()
        for api in self.engines.values():
            api.End()


def _is_arabic_group(group: str) -> bool:
    return group.split("+")[0] in ARABIC_SCRIPT


def _text_lines(layout, image, dpi: int, mirrored: bool = False) -> tuple[list, float, bool]:
    """([(box to crop, with a margin; whether a paragraph starts there)] of the page's text
    lines in reading order (see ``_arrange``), degrees to rotate the page by to straighten
    them or 0, whether text blocks stand side by side).

    With no language model Tesseract orders columns left to right. ``mirrored`` analyses the
    page flipped left to right and maps the boxes back: columns come right to left, which is
    how Tesseract's own page reading finds the columns of a right-to-left language (it
    reflects the page for its column finder).

    A line is cropped by its upright box: on a skewed page the box of a long line also holds
    pieces of its neighbours (at 2 degrees 1.3% of the characters came out wrong, at 3 degrees
    16%; Tesseract's own page reading straightens lines). The skew is read from the baselines
    Tesseract found; the page is worth straightening once a long line drifts by a third of the
    usual line's height across its width (about 1 degree for 12-point type on A4)."""
    from PIL import Image
    from tesserocr import PT, RIL

    pictures = {PT.FLOWING_IMAGE, PT.HEADING_IMAGE, PT.PULLOUT_IMAGE, PT.HORZ_LINE, PT.VERT_LINE}
    analysed = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if mirrored else image
    pixels = _set_image(layout, analysed, dpi)
    iterator = layout.AnalyseLayout()
    found, slopes, blocks = [], [], []
    while iterator is not None:
        box = iterator.BoundingBox(RIL.TEXTLINE)
        baseline = iterator.Baseline(RIL.TEXTLINE)
        if iterator.BlockType() in pictures:  # pictures and rules: nothing to read
            box = baseline = None
        if box is not None:
            starts_block = iterator.IsAtBeginningOf(RIL.BLOCK)
            if starts_block:
                blocks.append(iterator.BoundingBox(RIL.BLOCK))
            found.append((box, starts_block))
        if baseline is not None:
            (x0, y0), (x1, y1) = baseline
            slopes.append((x1 - x0, math.degrees(math.atan2(y1 - y0, x1 - x0))))
        if not iterator.Next(RIL.TEXTLINE):
            break
    del pixels  # kept alive until analysed
    if mirrored:  # boxes back on the page as it is; slopes turn the other way
        found = [((image.width - x1, y0, image.width - x0, y1), s) for (x0, y0, x1, y1), s in found]
        slopes = [(width, -slope) for width, slope in slopes]
    side_by_side = any(_side_by_side(a, b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])
    return _arrange(found, image), _skew(slopes, [box for box, _ in found]), side_by_side


def _side_by_side(a, b) -> bool:
    """Whether boxes ``a`` and ``b`` share rows of the page but no column of it."""
    return a[1] < b[3] and b[1] < a[3] and (a[2] <= b[0] or b[2] <= a[0])


def _skew(slopes: list[tuple[int, float]], boxes: list) -> float:
    """Degrees to rotate the page by to straighten its lines, from their (width, baseline
    slope in degrees); 0 when they are straight enough to be cropped as they are."""
    widest = max((width for width, _ in slopes), default=0)
    long = sorted(slope for width, slope in slopes if width * 3 >= widest)
    if not long or not boxes:
        return 0.0
    slope = long[len(long) // 2]
    height = sorted(box[3] - box[1] for box in boxes)[len(boxes) // 2]
    drift = widest * abs(math.tan(math.radians(slope)))
    return slope if drift > SKEW_DRIFT * height else 0.0


def _arrange(found: list, image) -> list[tuple[tuple[int, int, int, int], bool]]:
    """``found``'s (line box, starts a block) as (box to crop, starts a paragraph).

    Without recognition Tesseract finds no paragraphs: one starts with a block, or where a line
    stands further below the previous one than lines usually do. A line whose box lies within
    another's crop is left out: Tesseract sometimes makes a row of the dots under an Arabic
    line, which that line's crop already holds (read again, it came out as a second line)."""
    found = [
        (box, starts_block)
        for box, starts_block in found
        if not any(
            _area(other) > _area(box) and _inside(box, _padded(other, image)) >= 0.8
            for other, _ in found
        )
    ]
    middles = [(box[1] + box[3]) / 2 for box, _ in found]
    steps = [below - above for above, below in zip(middles, middles[1:], strict=False)]
    usual = sorted(steps)[len(steps) // 2] if steps else 0
    return [
        (_padded(box, image), starts_block or (i > 0 and steps[i - 1] > PARAGRAPH_STEP * usual))
        for i, (box, starts_block) in enumerate(found)
    ]


def _padded(box, image) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    above_below = max(LINE_MARGIN, round(LINE_MARGIN_OF_HEIGHT * (y1 - y0)))
    return (
        max(0, x0 - LINE_MARGIN),
        max(0, y0 - above_below),
        min(image.width, x1 + LINE_MARGIN),
        min(image.height, y1 + above_below),
    )


def _area(box) -> int:
    return max(0, box[2] - box[0]) * max(0, box[3] - box[1])


def _inside(box, outer) -> float:
    """The share of ``box``'s area that lies within ``outer``."""
    overlap = (
        max(box[0], outer[0]),
        max(box[1], outer[1]),
        min(box[2], outer[2]),
        min(box[3], outer[3]),
    )
    return _area(overlap) / max(1, _area(box))


def _looks_arabic(crop) -> bool | None:
    """Whether a line image shows Arabic script, judged from its shapes; None when unsure.

    Arabic letters are joined and carry dots above and below them, which come out as separate
    small specks: on generated pages a half or more of an Arabic line's connected components are
    smaller than a quarter of the line's height, against at most a fifth on French and English
    lines (accents, i dots, punctuation). The reading that follows checks the guess."""
    import numpy as np
    from scipy import ndimage

    pixels = np.asarray(crop, dtype=np.int16)
    ink = pixels < (int(pixels.min()) + int(pixels.max())) // 2
    labels, count = ndimage.label(ink)
    if count < 4:
        return None
    limit = SPECK_SHARE_OF_HEIGHT * ink.shape[0]
    specks = sum(
        1
        for rows, columns in ndimage.find_objects(labels)
        if max(rows.stop - rows.start, columns.stop - columns.start) < limit
    )
    share = specks / count
    if share >= ARABIC_SPECKS:
        return True
    if share <= LATIN_SPECKS:
        return False
    return None


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
