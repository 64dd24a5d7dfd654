"""Parser registry: one parser per detected kind (see ``ingestion.detect``).

Contract of a parser: ``parse(data: bytes, options: dict) -> dict`` with only plain, picklable
values (it runs in the sandbox subprocess and its result crosses a pipe):

* ``status``: ``"ok"`` or ``"degraded"`` (something was kept, the parse was partial);
* ``message``: one readable line (why it is degraded, what was found);
* ``title``, ``text`` (raw extracted text, not yet normalised), ``html`` (sanitised, for
  display), ``metadata`` (JSON-able dict), ``pages`` (PDF pages or 0);
* ``entries``: ``None``, or for a feed one dict per entry (``title``, ``text``, ``html``,
  ``link``, ``guid``, ``metadata``): each becomes its own document;
* ``attachments``: members or attachments ingested as their own inputs
  (``{"name", "data"}``), children of the document when there is one (e-mail);
* ``needs_ocr``: a PDF whose text layer is missing or garbled;
* ``item_id``: an identity found inside the input (JSON record id, e-mail Message-ID).

A parser refuses by raising :class:`Rejected` (a rule: encrypted, zip bomb, unsupported) and
fails by raising anything else (corrupt input); the sandbox turns both into outcomes.
Parsers never fetch anything and never touch the database: they see bytes only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


class Rejected(Exception):
    """Refused by a rule (type not supported, too big, zip bomb, encrypted without password)."""


def result(**values) -> dict:
    base = {
        "status": "ok",
        "message": "",
        "title": "",
        "text": "",
        "html": "",
        "metadata": {},
        "pages": 0,
        "entries": None,
        "attachments": [],
        "needs_ocr": False,
        "item_id": "",
    }
    base.update(values)
    return base


# kind -> "module:function"; imported lazily so a broken optional library only breaks its kind.
REGISTRY: dict[str, str] = {
    "html": "migralex.ingestion.parsers.markup:parse_html",
    "feed": "migralex.ingestion.parsers.feeds:parse_feed",
    "xml": "migralex.ingestion.parsers.markup:parse_xml",
    "pdf": "migralex.ingestion.parsers.pdf:parse_pdf",
    "ocr": "migralex.ingestion.parsers.pdf:ocr_pdf",
    "docx": "migralex.ingestion.parsers.office:parse_docx",
    "odt": "migralex.ingestion.parsers.office:parse_odt",
    "zip": "migralex.ingestion.parsers.containers:parse_zip",
    "eml": "migralex.ingestion.parsers.containers:parse_eml",
    "json-records": "migralex.ingestion.parsers.plain:parse_json_records",
    "text": "migralex.ingestion.parsers.plain:parse_text",
}

# Imported once by the sandbox's fork server so each parse forks a warm process.
PRELOAD = [
    *sorted({target.split(":")[0] for target in REGISTRY.values()}),
    "migralex.ingestion.prepare",
    "migralex.ingestion.parsers.warm",
]


def parser_for(kind: str) -> Callable[[bytes, dict], dict]:
    """The parser of a detected kind, or of an explicit ``"module:function"`` target (plugins
    and the sandbox's own failure tests name their parser that way)."""
    if ":" in kind:
        target = kind
    else:
        try:
            target = REGISTRY[kind]
        except KeyError:
            raise Rejected(f"type not supported ({kind})") from None
    module_name, func_name = target.split(":")
    return getattr(importlib.import_module(module_name), func_name)
