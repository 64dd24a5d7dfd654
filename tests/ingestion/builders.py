"""Small files the tests build themselves (PDF, office, e-mail, archives): no third-party text."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

from migralex.ingestion.pdfgen import text_pdf

SAMPLES = Path(__file__).parent / "samples"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid text PDF (Helvetica, WinAnsi): one list of lines per page."""
    return text_pdf(pages)


LAW_LINES = [
    "Article 1. Les travailleurs migrants et les membres de leur famille",
    "beneficient de l'egalite de traitement en matiere de remuneration,",
    "de conditions de travail et de securite sociale avec les nationaux.",
    "Article 2. Toute personne etrangere residant regulierement peut",
    "demander le regroupement familial apres une annee de sejour.",
]


def make_scanned_pdf(lines: list[str]) -> bytes:
    """An image-only PDF (no text layer): what a scanner gives, for the OCR path."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((120, 150 + i * 70), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200.0)
    return out.getvalue()


def make_docx(title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(heading: str, paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_eml(subject: str, body: str, attachments: list[tuple[str, bytes, str]]) -> bytes:
    message = EmailMessage()
    message["From"] = "veille@example.org"
    message["To"] = "analyste@example.org"
    message["Subject"] = subject
    message["Message-ID"] = "<test-1@example.org>"
    message["Date"] = "Mon, 06 Jan 2025 10:00:00 +0000"
    message.set_content(body)
    for name, data, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def make_zip(members: dict[str, bytes]) -> bytes:
    """Always the same bytes for the same members: a fixed member date (writestr would stamp
    the current time, and a test building the archive twice got another one when a second
    boundary fell in between)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_zip_bomb(inflated_mb: int = 8) -> bytes:
    return make_zip({"zeros.txt": b"\0" * (inflated_mb * 1024 * 1024)})
