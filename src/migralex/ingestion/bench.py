"""``migralex bench ingest``: end-to-end ingestion throughput (store -> indexed) and memory.

Runs on a scratch database (Django's test-database machinery: a throw-away SQLite file, or a
``test_`` PostgreSQL database when DATABASE_URL says so) and a scratch data dir, so the
figures never touch the real store. Inputs are generated (HTML pages, text PDFs, a scanned
PDF of French, Arabic and English pages: see ``scangen``) plus, with ``--real``, the PDFs of
``../shared/corpora/pdf/sample-files``.

The HTML figure is ``ingest_path`` over a folder of generated pages, as ``migralex ingest
FOLDER`` runs (index commits batched, the next file parsed while the current one is finished;
``--no-look-ahead`` to compare), with the wall-clock ms per document of each stage and the CPU
per document of the ingesting process and of the parser workers: on a shared machine the
wall-clock figures follow the load average, printed too; the CPU figures much less. PDFs go
through ``ingest_bytes`` one after the other inside ``indexing_deferred``.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from migralex.ingestion.pdfgen import text_pdf

_WORDS = [
    "travailleurs",
    "migrants",
    "séjour",
    "carte",
    "résidence",
    "regroupement",
    "familial",
    "asile",
    "réfugiés",
    "protection",
    "sociale",
    "contrat",
    "emploi",
    "frontière",
    "visa",
    "nationalité",
    "enfants",
    "mineurs",
    "recours",
    "tribunal",
    "administratif",
    "décret",
    "circulaire",
    "article",
    "dispositions",
    "ministère",
    "étrangers",
]
_AR_WORDS = [
    "العمال",
    "المهاجرين",
    "الإقامة",
    "بطاقة",
    "اللجوء",
    "الحماية",
    "الاجتماعية",
    "الجنسية",
    "الأطفال",
]


def add_arguments(parser) -> None:
    parser.add_argument("--html", type=int, default=200, help="generated HTML pages")
    parser.add_argument("--pdfs", type=int, default=20, help="generated text PDFs")
    parser.add_argument("--pages", type=int, default=10, help="pages per generated PDF")
    parser.add_argument(
        "--ocr-pages", type=int, default=3, help="pages of the scanned PDF (0: skip)"
    )
    parser.add_argument(
        "--real", action="store_true", help="also the real PDFs of ../shared/corpora/pdf"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-look-ahead",
        action="store_true",
        help="ingest_path parses each file only when it reaches it, none ahead (for comparison)",
    )


def _paragraph(rng: random.Random, words: int = 80) -> str:
    pool = _WORDS if rng.random() < 0.7 else _AR_WORDS
    return " ".join(rng.choice(pool) for _ in range(words)) + "."


def html_page(rng: random.Random, i: int) -> bytes:
    body = "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(rng.randint(4, 12)))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Texte {i}</title></head>"
        f"<body><nav><a href='/'>Accueil</a></nav><article><h1>Texte {i}</h1>{body}</article>"
        "<footer>Pied de page</footer></body></html>"
    ).encode()


def _make_pdf(rng: random.Random, pages: int) -> bytes:
    """A text PDF with Helvetica pages of generated French (WinAnsi) lines."""
    return text_pdf(
        [[" ".join(rng.choice(_WORDS) for _ in range(10)) for _ in range(45)] for _ in range(pages)]
    )


def _timed(inputs: list[tuple[str, bytes]]) -> tuple[float, dict, float]:
    """(seconds, outcome counts, 0) for ingesting ``inputs`` one after the other."""
    from migralex.ingestion.services import ingest_bytes
    from migralex.ingestion.units import indexing_deferred

    statuses: dict[str, int] = {}
    started = time.perf_counter()
    with indexing_deferred():  # as a folder run does; the final index commit is timed too
        for name, data in inputs:
            outcome = ingest_bytes(data, name=name)[0]
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return time.perf_counter() - started, statuses, 0.0


def _timed_folder(folder: Path) -> tuple[float, dict]:
    """(seconds, outcome counts) for ``ingest_path(folder)``: what ``migralex ingest FOLDER``
    does (files in sorted order, index commits batched by indexing_deferred, final commit
    included)."""
    from migralex.ingestion.services import ingest_path

    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for outcome in ingest_path(folder):
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return time.perf_counter() - started, statuses


_STAGES = {
    "migralex.ingestion.services": ("stage_store", "stage_detect", "stage_extract"),
    "migralex.ingestion.units": (
        "stage_normalise",
        "stage_deduplicate",
        "stage_language",
        "stage_save",
        "stage_analyse",
        "stage_index",
        "stage_hand_over",
    ),
}


@contextmanager
def _stage_clock(totals: dict[str, float]) -> Iterator[None]:
    """Wall-clock time spent in each pipeline stage (perf_counter around the stage functions
    where the pipeline calls them), so the bench says where a document's time goes."""
    import importlib

    saved = []
    for module_name, names in _STAGES.items():
        module = importlib.import_module(module_name)
        for name in names:
            original = getattr(module, name)

            def timed(*a, _original=original, _name=name.removeprefix("stage_"), **kw):
                started = time.perf_counter()
                try:
                    return _original(*a, **kw)
                finally:
                    totals[_name] = totals.get(_name, 0.0) + time.perf_counter() - started

            saved.append((module, name, original))
            setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def run(args) -> dict:
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    rng = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="migralex-bench-ingest-"))
    settings.DATA_DIR = scratch
    settings.ORIGINALS_DIR = scratch / "originals"
    settings.INDEX_DIR = scratch / "index"
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(scratch / "bench.sqlite3")
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        return _measure(args, rng)
    finally:
        teardown_databases(old_config, verbosity=0)
        shutil.rmtree(scratch, ignore_errors=True)  # originals, index, generated pages


def _measure(args, rng: random.Random) -> dict:
    from django.conf import settings

    from migralex.ingestion import sandbox, services

    figures: dict = {}
    peaks: list[float] = []
    cpu: list[float] = []
    # Every parse, direct or started ahead (ingest_path), is collected by PendingParse._collect.
    original_collect = sandbox.PendingParse._collect

    def watched(self):
        out = original_collect(self)
        peaks.append(out.get("sandbox", {}).get("max_rss_mb", 0.0))
        cpu.append(out.get("sandbox", {}).get("cpu_seconds", 0.0))
        return out

    sandbox.PendingParse._collect = watched
    try:
        _timed([("warm-up.html", html_page(rng, -1))])  # fork server start, imports
        folder = Path(settings.DATA_DIR) / "html-pages"
        folder.mkdir()
        for i in range(args.html):
            (folder / f"page-{i:05d}.html").write_bytes(html_page(rng, i))
        stages: dict[str, float] = {}
        load = os.getloadavg()[0]
        if args.no_look_ahead:
            services.LOOK_AHEAD = 0
        parse_cpu = sum(cpu)
        own = resource.getrusage(resource.RUSAGE_SELF)
        with _stage_clock(stages):
            seconds, statuses = _timed_folder(folder)
        after = resource.getrusage(resource.RUSAGE_SELF)
        main_cpu = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
        figures["html_look_ahead"] = services.LOOK_AHEAD
        figures["html_mode"] = "ingest_path over a folder of generated pages, batched index"
        figures["html_documents"] = args.html
        figures["html_documents_per_s"] = round(args.html / max(seconds, 1e-9), 1)
        figures["html_outcomes"] = statuses
        figures["html_ms_per_document_by_stage"] = {
            name: round(total * 1000 / max(args.html, 1), 1) for name, total in stages.items()
        }
        # CPU figures do not depend on the other processes of the machine, wall-clock ones do.
        figures["html_cpu_ms_per_document"] = {
            "ingesting_process": round(main_cpu * 1000 / max(args.html, 1), 1),
            "parser_workers": round((sum(cpu) - parse_cpu) * 1000 / max(args.html, 1), 1),
        }
        figures["load_average_1min_at_start"] = round(load, 2)
        pdfs = [(f"doc-{i}.pdf", _make_pdf(rng, args.pages)) for i in range(args.pdfs)]
        seconds, statuses, _ = _timed(pdfs)
        total_pages = args.pdfs * args.pages
        figures["text_pdf_pages"] = total_pages
        figures["text_pdf_pages_per_s"] = round(total_pages / max(seconds, 1e-9), 1)
        figures["text_pdf_outcomes"] = statuses
        if args.real:
            _real_pdfs(figures)
        if args.ocr_pages:
            _ocr(figures, rng, args.ocr_pages, cpu)
    finally:
        sandbox.PendingParse._collect = original_collect
    figures["parser_peak_rss_mb"] = max(peaks or [0.0])
    figures["worker_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    return figures


def _ocr(figures: dict, rng: random.Random, pages: int, cpu: list[float]) -> None:
    """A generated scanned PDF (French, Arabic and English paragraphs) ingested end to end:
    pages/s, CPU per page of its parses (the parser worker, whose threads run Tesseract) and the
    character error rate of the stored text against the text drawn on the pages."""
    from migralex.documents.models import Version
    from migralex.ingestion.parsers.ocr import ocr_available
    from migralex.ingestion.scangen import character_error_rate, scanned_pdf
    from migralex.ingestion.services import ingest_bytes
    from migralex.ingestion.units import indexing_deferred

    ok, why = ocr_available("ara+fra+eng")
    if not ok:
        figures["ocr"] = why
        return
    data, texts = scanned_pdf(rng, pages)
    parsed_before = len(cpu)
    started = time.perf_counter()
    with indexing_deferred():  # as _timed does
        outcome = ingest_bytes(data, name="scan.pdf")[0]
    seconds = time.perf_counter() - started
    figures["ocr_pages"] = pages
    figures["ocr_pages_per_s"] = round(pages / seconds, 2)
    figures["ocr_cpu_seconds_per_page"] = round(sum(cpu[parsed_before:]) / pages, 2)
    figures["ocr_outcomes"] = {outcome.status: 1}
    version = Version.objects.filter(document_id__in=outcome.documents).order_by("-id").first()
    if version is not None:
        error_rate = character_error_rate(version.raw_text, "\n".join(texts))
        figures["ocr_character_error_rate"] = round(error_rate, 4)


def _real_pdfs(figures: dict) -> None:
    import json

    from migralex.ingestion.services import ingest_bytes

    default = Path(__file__).resolve().parents[3].parent / "shared" / "corpora"
    root = Path(os.environ.get("MIGRALEX_CORPORA") or default) / "pdf" / "sample-files"
    if not root.is_dir():
        figures["real_pdf"] = f"corpus not found at {root}"
        return
    listing = {e["path"]: e for e in json.loads((root / "files.json").read_text())["data"]}
    inputs = [
        (str(root / path), (root / path).read_bytes())
        for path, entry in sorted(listing.items())
        if (root / path).exists() and not entry.get("encrypted")
    ]
    pages = sum(listing[str(Path(p).relative_to(root))]["pages"] for p, _ in inputs)
    started = time.perf_counter()
    statuses: dict[str, int] = {}
    for name, data in inputs:
        outcome = ingest_bytes(data, name=name)[0]
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    seconds = time.perf_counter() - started
    figures["real_pdf_files"] = len(inputs)
    figures["real_pdf_pages"] = pages
    figures["real_pdf_pages_per_s"] = round(pages / max(seconds, 1e-9), 1)
    figures["real_pdf_outcomes"] = statuses
