"""Scanned-like PDFs generated for the OCR benchmark and tests, with the text they show.

Each page is what an office scanner gives for a bilingual legal text: an A4 grayscale image at
200 dpi, 12-point type, paragraphs in French, Arabic (shaped and drawn right to left, so the
page needs Pillow with libraqm) or English, slightly skewed and blurred. The known text lets the
benchmark report the OCR's character error rate next to its speed.
"""

from __future__ import annotations

import io
import random

import numpy as np

SCAN_DPI = 200
# Words drawn at random into paragraphs, one language per paragraph.
_VOCABULARY = {
    "fr": "les travailleurs migrants et les membres de leur famille ont droit au séjour à la "
    "carte de résidence au regroupement familial à la protection sociale et au recours devant le "
    "tribunal administratif selon le décret relatif à l'entrée des étrangers au Maroc",
    "en": "all migrant workers and members of their families shall enjoy equality of treatment "
    "with nationals in respect of remuneration social security access to justice and the right "
    "to leave any state including their state of origin under this convention",
    "ar": "يحدد هذا القانون شروط دخول وإقامة الأجانب بالمملكة المغربية ويضمن حماية حقوق العمال "
    "المهاجرين وأفراد أسرهم في الشغل والضمان الاجتماعي والتقاضي أمام المحاكم الإدارية "
    "وفقا للاتفاقية الدولية المتعلقة بالهجرة واللجوء",
}
_FONTS = {
    "latin": ("DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    "arabic": ("NotoNaskhArabic-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"),
}  # fmt: skip


def scanned_pdf(rng: random.Random, pages: int) -> tuple[bytes, list[str]]:
    """(an image-only PDF of ``pages`` pages, the text of each page, one line per drawn line)."""
    from PIL import features

    arabic = features.check("raqm")  # without it Arabic would be drawn unshaped: leave it out
    images, texts = [], []
    for _ in range(pages):
        image, lines = _page(rng, arabic)
        images.append(image)
        texts.append("\n".join(lines))
    out = io.BytesIO()
    images[0].save(
        out, format="PDF", resolution=float(SCAN_DPI), save_all=True, append_images=images[1:]
    )
    return out.getvalue(), texts


def _font(script: str, size: int):
    from PIL import ImageFont

    for name in _FONTS[script]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _page(rng: random.Random, arabic: bool):
    from PIL import Image, ImageDraw, ImageFilter

    width, height = int(8.27 * SCAN_DPI), int(11.69 * SCAN_DPI)
    size = round(12 / 72 * SCAN_DPI)
    margin, leading = SCAN_DPI, round(size * 1.6)
    fonts = {script: _font(script, size) for script in _FONTS}
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    languages = ["fr", "en", "ar"] if arabic else ["fr", "en"]
    lines, y = [], margin
    while y + leading * 3 < height - margin:
        language = rng.choice(languages)
        rtl = language == "ar"
        font = fonts["arabic" if rtl else "latin"]
        pool = _VOCABULARY[language].split()
        words = [rng.choice(pool) for _ in range(rng.randint(15, 45))]
        for line in _wrap(draw, words, font, width - 2 * margin, rtl):
            if y + leading > height - margin:
                break
            if rtl:  # right-aligned, as Arabic is set
                x = width - margin - draw.textlength(line, font=font, direction="rtl")
                draw.text((x, y), line, fill=0, font=font, direction="rtl")
            else:
                draw.text((margin, y), line, fill=0, font=font)
            lines.append(line)
            y += leading
        y += leading // 2  # paragraph spacing
    image = image.rotate(rng.uniform(-0.5, 0.5), resample=Image.Resampling.BILINEAR, fillcolor=255)
    return image.filter(ImageFilter.GaussianBlur(0.6)), lines


def _wrap(draw, words: list[str], font, width: int, rtl: bool) -> list[str]:
    direction = "rtl" if rtl else None
    lines, current = [], []
    for word in words:
        candidate = " ".join([*current, word])
        if current and draw.textlength(candidate, font=font, direction=direction) > width:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    return [*lines, " ".join(current)] if current else lines


def character_error_rate(found: str, expected: str) -> float:
    """Edit distance between the two texts' lines (whitespace collapsed, blank lines and
    direction marks dropped) over the expected length: 0 is perfect."""
    found_text, expected_text = _lines(found), _lines(expected)
    return _levenshtein(found_text, expected_text) / max(1, len(expected_text))


def _lines(text: str) -> str:
    text = text.replace("\u200e", "").replace("\u200f", "")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _levenshtein(a: str, b: str) -> int:
    """Row by row, vectorised: the insertion chain along a row is a running minimum."""
    if not a or not b:
        return max(len(a), len(b))
    target = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, char in enumerate(a, start=1):
        substitute = row[:-1] + (target != ord(char))
        best = np.empty_like(row)
        best[0] = i
        best[1:] = np.minimum(row[1:] + 1, substitute)
        row = np.minimum.accumulate(best - steps) + steps
    return int(row[-1])
