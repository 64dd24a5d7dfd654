"""``migralex bench analyze``: analysis throughput on 3 KB texts and a 300-page law.

Texts: by default the team's development set, each text repeated and cut to the target size
(our own wording, so nothing third-party is stored); with ``--corpus DIR`` the real Arabic
texts of ``../shared/corpora/adala/seed`` (read at run time, never copied). One process, one
core: the analyser is single-threaded. The 300-page law is built by concatenating texts with
article headings until it reaches ``--pages`` × 3,000 characters; its peak Python memory is
measured with tracemalloc and the process's peak RSS is reported.
"""

from __future__ import annotations

import json
import resource
import time
import tracemalloc
from pathlib import Path

from migralex.analysis.pipeline import analyse_text
from migralex.analysis.training import devset_examples

PAGE_CHARS = 3000


def add_arguments(parser) -> None:
    parser.add_argument("--docs", type=int, default=500, help="number of 3 KB texts (500)")
    parser.add_argument("--size", type=int, default=3000, help="characters per text (3000)")
    parser.add_argument("--pages", type=int, default=300, help="pages of the long law (300)")
    parser.add_argument("--corpus", type=Path, help="adala seed folder to draw texts from")


def _texts(corpus: Path | None) -> list[tuple[str, str]]:
    if corpus:
        texts = []
        for path in sorted(corpus.glob("*.json"))[:2000]:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            body = "\n".join(p.get("content", "") for p in data.get("provisions", []))
            if len(body) > 500:
                texts.append((data.get("title", ""), body))
        if texts:
            return texts
    return [(e["title"], e["text"]) for e in devset_examples()]


def _sized(text: str, size: int) -> str:
    repeated = (text + "\n") * (size // max(1, len(text)) + 1)
    return repeated[:size]


def run(args) -> dict:
    texts = _texts(args.corpus)
    docs = [
        (title, _sized(body, args.size))
        for title, body in (texts[i % len(texts)] for i in range(args.docs))
    ]
    analyse_text(docs[0][1], docs[0][0])  # load models and caches once, as a worker would
    started = time.perf_counter()
    for title, body in docs:
        analyse_text(body, title)
    elapsed = time.perf_counter() - started

    parts, length, article = [], 0, 1
    while length < args.pages * PAGE_CHARS:
        for _, body in texts:
            chunk = f"Article {article}\n{body}\n"
            parts.append(chunk)
            length += len(chunk)
            article += 1
            if length >= args.pages * PAGE_CHARS:
                break
    law = "".join(parts)
    tracemalloc.start()
    started = time.perf_counter()
    result = analyse_text(law, "Loi n° 99-99 relative à l'essai de charge")
    law_seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "source": str(args.corpus) if args.corpus else "devset",
        "docs": args.docs,
        "chars_per_doc": args.size,
        "docs_per_second": round(args.docs / elapsed, 1),
        "ms_per_doc": round(elapsed * 1000 / args.docs, 2),
        "long_law_chars": len(law),
        "long_law_pages": args.pages,
        "long_law_seconds": round(law_seconds, 2),
        "long_law_peak_python_mb": round(peak / 1e6, 1),
        "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "long_law_references": len(result["references"]),
    }
