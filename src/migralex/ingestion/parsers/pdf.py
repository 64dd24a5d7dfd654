"""PDF: the text layer with pdfium; OCR (``parsers.ocr``, Tesseract) when that layer is
missing, too short or garbled; Arabic lines extracted in visual order put back in logical order."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from migralex.ingestion.parsers import Rejected, result

# The registry's "ocr" kind and its callers name OCR here, beside the text layer it replaces.
from migralex.ingestion.parsers.ocr import ocr_available, ocr_pdf  # noqa: F401

# A page with fewer letters than this is a scan (or a cover); a document whose pages average
# less needs OCR.
MIN_CHARS_PER_PAGE = 25
# Share of unreadable characters (private-use glyph codes, U+FFFD, controls) above which the
# text layer is garbage (a font without a Unicode map).
MAX_GARBLED_SHARE = 0.3

_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
_GARBLED = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")
_LTR_RUN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:[.,:/%-][0-9A-Za-z\u00c0-\u024f]+)*")
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def parse_pdf(data: bytes, options: dict) -> dict:
    import pypdfium2 as pdfium

    password = options.get("password") or None
    repaired = ""
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Rejected("encrypted PDF and no password given") from exc
        fixed = _qpdf_repair(data, int(options.get("wall_seconds", 60)))
        if fixed is None:
            raise ValueError(f"corrupt PDF: {exc}") from exc
        try:
            pdf = pdfium.PdfDocument(fixed, password=password)
        except pdfium.PdfiumError:
            raise ValueError(f"corrupt PDF: {exc} (qpdf repair did not help)") from exc
        repaired = f"damaged PDF repaired with qpdf ({exc})"
    try:
        pages = len(pdf)
        texts, broken = [], []
        for index in range(pages):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError:
                broken.append(index + 1)  # one damaged page does not lose the others
                continue
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        if pages and len(broken) == pages:
            raise ValueError(f"corrupt PDF: none of its {pages} pages can be read")
        if broken:
            shown = ", ".join(map(str, broken[:10])) + ("…" if len(broken) > 10 else "")
            repaired = "; ".join(p for p in (repaired, f"unreadable pages skipped: {shown}") if p)
        metadata = {k.lower(): str(v)[:500] for k, v in pdf.get_metadata_dict().items() if v}
    finally:
        pdf.close()
    text = "\n\n".join(t.replace("\r\n", "\n").replace("\r", "\n") for t in texts)
    text, reversed_lines = fix_visual_order(text)
    metadata.update({"pages": pages, "encrypted": bool(password)})
    if reversed_lines:
        metadata["visual_order_lines_fixed"] = reversed_lines
    needs_ocr, why = text_layer_unusable(text, pages)
    if repaired:
        metadata["repaired"] = True
    return result(
        status="degraded" if needs_ocr or repaired else "ok",
        message="; ".join(m for m in (repaired, why) if m),
        title=metadata.get("title", ""),
        text=text,
        metadata=metadata,
        pages=pages,
        needs_ocr=needs_ocr,
    )


def _qpdf_repair(data: bytes, wall_seconds: int) -> bytes | None:
    """A damaged PDF (broken cross-reference table) rebuilt by qpdf, or None."""
    if not shutil.which("qpdf"):
        return None
    with tempfile.TemporaryDirectory(prefix="migralex-qpdf-") as tmp:
        source, target = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                ["qpdf", "--no-warn", str(source), str(target)],
                capture_output=True,
                timeout=max(5, wall_seconds // 3),
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        # qpdf exits 3 when it succeeded with warnings (the repair itself).
        if done.returncode in (0, 3) and target.exists():
            return target.read_bytes()
    return None


def text_layer_unusable(text: str, pages: int) -> tuple[bool, str]:
    letters = sum(ch.isalpha() for ch in text)
    if pages and letters / pages < MIN_CHARS_PER_PAGE:
        return True, f"text layer too short ({letters} letters on {pages} pages)"
    garbled = len(_GARBLED.findall(text))
    visible = max(1, sum(not ch.isspace() for ch in text))
    if garbled / visible > MAX_GARBLED_SHARE:
        return True, f"text layer garbled ({garbled} unreadable of {visible} characters)"
    return False, ""


def fix_visual_order(text: str) -> tuple[str, int]:
    """Put Arabic lines extracted in visual (right-to-left drawn, left-to-right read) order
    back in logical order. Evidence is the definite article: in logical order Arabic words
    start with ``ال``; reversed, they end with ``لا``. Decided per document so a few odd words
    do not flip lines; returns the text and the number of lines reversed."""
    words = _ARABIC_WORD.findall(text)
    if len(words) < 5:
        return text, 0
    # Teh marbuta and alef maqsura only end words: at a word's start they betray reversal too.
    logical = sum(1 for w in words if len(w) > 3 and w.startswith("ال")) + sum(
        1 for w in words if len(w) > 1 and w[-1] in "ةى"
    )
    visual = sum(1 for w in words if len(w) > 3 and w.endswith("لا")) + sum(
        1 for w in words if len(w) > 1 and w[0] in "ةى"
    )
    if visual < 3 or visual <= 2 * logical:
        return text, 0
    lines = text.split("\n")
    fixed = 0
    for i, line in enumerate(lines):
        if _ARABIC_WORD.search(line):
            flipped = line[::-1].translate(_MIRROR)
            # Digits and Latin words keep their left-to-right order inside the Arabic line.
            lines[i] = _LTR_RUN.sub(lambda m: m.group(0)[::-1], flipped)
            fixed += 1
    return "\n".join(lines), fixed
