"""``migralex bench web``: latency of the pages under concurrent clients, on a large store.

What it does, each step in its own process so the benchmark never touches the user's data:

1. ``generate`` (a subprocess, ``python -m migralex.web.bench generate``): a fresh SQLite store
   under a scratch data dir, migrated, with the thesaurus and N synthetic trilingual documents
   (about 1 KB of text each, Zipfian vocabulary, metadata spread over countries, types, themes)
   written with ``bulk_create``, then indexed by the real search service.
2. ``migralex serve --no-worker`` on a free loopback port (waitress, the production server).
3. C client threads (default 20), each with its own keep-alive connection, request a mix of
   search pages (1-3 words, some with facet filters, pages 1-3), document pages and dashboards
   in French, Arabic and English for a fixed time, and every latency is recorded.

Printed figures: requests/s, p50/p95/p99/max latency overall and per page kind, errors, and
the set-up times (generation, indexing, first dashboard count).
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

LANGS = ["ar"] * 4 + ["fr"] * 4 + ["en"] * 2
COUNTRIES = ["MA"] * 4 + ["TN"] * 2 + ["EG"] * 2 + ["LY", "INT"]
TYPES = ["law", "decree", "dahir", "order", "circular", "report", "news", "policy"]
SYLLABLES = {
    "fr": ["ra", "mi", "tion", "gra", "loi", "tra", "vail", "sé", "jour", "dé", "cret", "ar"],
    "en": ["mi", "gra", "tion", "work", "er", "law", "right", "sta", "tus", "bor", "der"],
    "ar": ["ال", "مه", "جر", "قا", "نو", "ن", "عم", "ل", "حق", "وق", "إق", "ام", "ة"],
}
MIX = (("search", 0.5), ("document", 0.3), ("dashboard", 0.2))


def add_arguments(parser) -> None:
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the store")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured duration")
    parser.add_argument("--threads", type=int, default=8, help="web server threads")
    parser.add_argument("--data-dir", help="reuse this scratch data dir (kept afterwards)")
    parser.add_argument("--seed", type=int, default=5)


# --- generation (runs in a subprocess with its own data dir) --------------------------------


def _vocabulary(rng: random.Random) -> dict[str, list[str]]:
    from migralex.common.text import tokenize
    from migralex.knowledge.reference_data import read_toml

    vocab: dict[str, list[str]] = {lang: [] for lang in SYLLABLES}
    for theme in read_toml("thesaurus/themes.toml")["theme"]:
        for lang in vocab:
            for text in [theme["label"].get(lang, ""), *theme.get("keywords", {}).get(lang, [])]:
                vocab[lang].extend(w for w in tokenize(text) if len(w) > 2)
    for lang, syllables in SYLLABLES.items():
        made = {
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(8000)
        }
        vocab[lang] = list(dict.fromkeys(vocab[lang])) + sorted(made)
    return vocab


def _zipf_words(rng: random.Random, words: list[str], n: int) -> list[str]:
    # Rank r drawn with probability ~ 1/r (a Pareto draw is a fast stand-in for Zipf).
    return [words[min(int(rng.paretovariate(1.0)) - 1, len(words) - 1)] for _ in range(n)]


def generate(n: int, seed: int) -> dict:
    """Fill the (fresh) store with ``n`` documents and index them; return timings."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from migralex.accounts.services import organisation_default
    from migralex.documents.models import Document, DocumentTheme, Theme, Version
    from migralex.documents.services import content_hash_of
    from migralex.knowledge.reference_data import LoadReport, thesaurus_load
    from migralex.search.services import documents_reindex
    from migralex.web import counts

    call_command("migrate", verbosity=0)
    thesaurus_load(LoadReport())
    owner = organisation_default()
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    themes = list(Theme.objects.values_list("id", flat=True))
    started = time.monotonic()
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        with transaction.atomic():
            docs = []
            texts = []
            for _ in range(size):
                lang = rng.choice(LANGS)
                words = vocab[lang]
                title = " ".join(_zipf_words(rng, words, 8))
                texts.append(
                    (lang, " ".join(_zipf_words(rng, words, 160 if lang == "ar" else 200)))
                )
                docs.append(
                    Document(
                        title=title,
                        doc_type=rng.choice(TYPES),
                        country=rng.choice(COUNTRIES),
                        language=lang,
                        languages=[lang],
                        relevant=rng.random() < 0.7,
                        owner=owner,
                    )
                )
            docs = Document.objects.bulk_create(docs)
            versions = Version.objects.bulk_create(
                Version(
                    document=doc,
                    number=1,
                    raw_text=text,
                    normalized_text=text,
                    content_hash=content_hash_of(text),
                    language=lang,
                )
                for doc, (lang, text) in zip(docs, texts, strict=True)
            )
            for doc, version in zip(docs, versions, strict=True):
                doc.current_version_id = version.pk
            Document.objects.bulk_update(docs, ["current_version"])
            DocumentTheme.objects.bulk_create(
                DocumentTheme(document=doc, theme_id=t, score=0.8, assigned_by="rules")
                for doc in docs
                for t in rng.sample(themes, rng.choice([0, 1, 1, 2, 3]))
            )
    generated = time.monotonic() - started
    started = time.monotonic()
    indexed = documents_reindex()
    index_s = time.monotonic() - started
    started = time.monotonic()
    counts.counts_refresh("public")
    counts_ms = (time.monotonic() - started) * 1000
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "docs": n,
        "indexed": indexed,
        "generate_s": round(generated, 1),
        "index_s": round(index_s, 1),
        "counts_refresh_ms": round(counts_ms, 1),
        "max_id": Document.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }


# --- load (runs in the calling process) --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_up(port: int, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer in time")


def _paths(rng: random.Random, vocab: dict[str, list[str]], max_id: int):
    """An endless mix of page requests as (kind, path)."""
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    from urllib.parse import urlencode

    while True:
        kind = rng.choices(kinds, weights)[0]
        lang = rng.choice(["fr", "ar", "en"])
        if kind == "search":
            words = _zipf_words(rng, vocab[rng.choice(LANGS)][:3000], rng.randint(1, 3))
            params = [("q", " ".join(words))]
            if rng.random() < 0.3:
                params.append(("country", rng.choice(COUNTRIES)))
            if rng.random() < 0.2:
                params.append(("type", rng.choice(TYPES)))
            if rng.random() < 0.2:
                params.append(("page", str(rng.randint(2, 3))))
            yield kind, f"/{lang}/search/?{urlencode(params)}"
        elif kind == "document":
            yield kind, f"/{lang}/documents/{rng.randint(1, max_id)}/"
        else:
            yield kind, f"/{lang}/"


def _client(port, paths, stop_at, results, errors, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    local: list[tuple[str, float]] = []
    local_errors: list[str] = []
    for kind, path in paths:
        if time.monotonic() >= stop_at:
            break
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                local_errors.append(f"{response.status} {path}")
            local.append((kind, elapsed))
        except (OSError, http.client.HTTPException) as exc:
            local_errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    with lock:
        results.extend(local)
        errors.extend(local_errors)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _ms(value: float) -> float:
    return round(value * 1000, 1)


def run(args) -> dict:
    from migralex.cli import CommandError

    keep = bool(args.data_dir)
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="migralex-bench-web-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "MIGRALEX_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "migralex.config.settings.dev",
        "MIGRALEX_LOG_LEVEL": "WARNING",
        "MIGRALEX_TASKS_IMMEDIATE": "true",
    }
    env.pop("DATABASE_URL", None)  # the figure is for the embedded SQLite store
    env.pop("REDIS_URL", None)
    server = None
    try:
        setup = _generate_in_subprocess(env, args)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "migralex.cli",
                "serve",
                "--no-init",
                "--no-worker",
                "--port",
                str(port),
                "--threads",
                str(args.threads),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_up(port, server)
        figures = _load(port, args, setup["max_id"])
    except RuntimeError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return {**{k: v for k, v in setup.items() if k != "max_id"}, **figures}


def _generate_in_subprocess(env: dict, args) -> dict:
    import json

    marker = Path(env["MIGRALEX_DATA_DIR"]) / "bench-web.json"
    if marker.exists():
        setup = json.loads(marker.read_text())
        if setup.get("docs") == args.docs:
            return setup  # a kept data dir already holds this store
    done = subprocess.run(
        [sys.executable, "-m", "migralex.web.bench", "generate", str(args.docs), str(args.seed)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"generation failed: {done.stderr.strip().splitlines()[-1:]}")
    setup = json.loads(done.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps(setup))
    return setup


def _load(port: int, args, max_id: int) -> dict:
    rng = random.Random(args.seed)
    vocab = _vocabulary(random.Random(args.seed))
    # Warm-up: one request of each kind, so the first dashboard count is not measured.
    for _kind, path in list(zip(range(6), _paths(rng, vocab, max_id), strict=False)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path[1])
        conn.getresponse().read()
        conn.close()
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    started = time.monotonic()
    stop_at = started + args.seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(
                port,
                _paths(random.Random(args.seed + i), vocab, max_id),
                stop_at,
                results,
                errors,
                lock,
            ),
        )
        for i in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = [t for _, t in results]
    out = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "requests_per_s": round(len(results) / elapsed, 1),
        "errors": len(errors),
        "p50_ms": _ms(_percentile(latencies, 50)),
        "p95_ms": _ms(_percentile(latencies, 95)),
        "p99_ms": _ms(_percentile(latencies, 99)),
        "max_ms": _ms(max(latencies, default=0.0)),
    }
    for kind, _weight in MIX:
        values = [t for k, t in results if k == kind]
        out[f"{kind}_p95_ms"] = _ms(_percentile(values, 95))
        out[f"{kind}_requests"] = len(values)
    if errors:
        out["first_errors"] = errors[:5]
    return out


if __name__ == "__main__" and sys.argv[1:2] == ["generate"]:
    import json

    import django

    django.setup()
    print(json.dumps(generate(int(sys.argv[2]), int(sys.argv[3]))))
