"""``migralex bench search``: indexing speed, index size and query latency through the search
service, on a generated trilingual corpus.

The corpus: N documents of about 3 KB, 45 % Arabic, 40 % French, 15 % English; words drawn
from a Zipfian distribution over a vocabulary made of the thesaurus' real words (so the
cross-lingual expansion fires as in real use) and generated words; metadata spread over
countries, types, themes, years, sources and visibilities. Documents go straight to a scratch
index (tantivy: a temporary directory; PostgreSQL: a scratch table, with a scratch table of the
texts standing in for the versions, filled before the timed indexing) through the same record
and analysis code as the real index; the database's document tables are not touched.

Queries: 1 to 3 words, a quarter with a field filter, every one through ``services.search``
(parsing, expansion, top 20 with snippets). ``p50_ms``/``p95_ms`` without facets,
``p95_facets_ms`` with the eight facets (the full search page); the same in CPU time of this
process (``*_cpu_ms``) and the load average at the end, because the machine is shared.

``--keep DIR`` keeps the index and its build figures; ``--reuse DIR`` then times only the
queries on it (generating and indexing a million documents takes minutes). ``rss_mb`` is the
peak of the process: without ``--reuse`` it includes the generated corpus, held in memory so
that generation is not timed (8.2 GB at 1M documents, against 1 GB for searching alone).
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

# Django-dependent modules are imported inside functions: ``migralex bench --help`` loads this
# module before Django is set up.

COUNTRIES = ["MA"] * 4 + ["TN"] * 2 + ["EG"] * 2 + ["LY", "INT", "INT", "FR", "ES"]
TYPES = [
    "law",
    "decree",
    "order",
    "circular",
    "dahir",
    "report",
    "news",
    "news",
    "court-decision",
    "international-convention",
    "bilateral-agreement",
    "policy",
]
STATUSES = ["in-force", "in-force", "amended", "repealed", "unknown", "n/a"]
LANGS = ["ar"] * 9 + ["fr"] * 8 + ["en"] * 3
SYLLABLES = {
    "fr": [
        "ba",
        "be",
        "bi",
        "bo",
        "bu",
        "ca",
        "ce",
        "ci",
        "co",
        "da",
        "de",
        "di",
        "do",
        "fa",
        "fe",
        "fi",
        "la",
        "le",
        "li",
        "lo",
        "ma",
        "me",
        "mi",
        "mo",
        "na",
        "ne",
        "ni",
        "no",
        "pa",
        "pe",
        "pi",
        "po",
        "ra",
        "re",
        "ri",
        "ro",
        "sa",
        "se",
        "si",
        "so",
        "ta",
        "te",
        "ti",
        "to",
        "va",
        "ve",
        "vi",
        "ment",
        "tion",
        "eur",
        "ais",
    ],
    "en": [
        "ba",
        "be",
        "bi",
        "bo",
        "ca",
        "co",
        "da",
        "de",
        "di",
        "fa",
        "fo",
        "ga",
        "ha",
        "he",
        "hi",
        "la",
        "le",
        "li",
        "lo",
        "ma",
        "me",
        "mi",
        "na",
        "ne",
        "no",
        "pa",
        "pe",
        "ra",
        "re",
        "ri",
        "sa",
        "se",
        "si",
        "ta",
        "te",
        "ti",
        "wa",
        "we",
        "wi",
        "ing",
        "ed",
        "er",
        "ly",
        "tion",
        "ness",
    ],
    "ar": [
        "ب",
        "ت",
        "ث",
        "ج",
        "ح",
        "خ",
        "د",
        "ر",
        "ز",
        "س",
        "ش",
        "ص",
        "ط",
        "ع",
        "غ",
        "ف",
        "ق",
        "ك",
        "ل",
        "م",
        "ن",
        "ه",
        "و",
        "ي",
        "ا",
    ],
}


def add_arguments(parser) -> None:
    parser.add_argument("--docs", type=int, default=10_000, help="documents to generate")
    parser.add_argument("--queries", type=int, default=400, help="queries to time (>= 200)")
    parser.add_argument("--backend", choices=["tantivy", "postgres"], default="tantivy")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the index (tantivy: built in DIR; postgres: the scratch tables) for --reuse",
    )
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="time only the queries, on the index kept in DIR by --keep (same --docs, --seed)",
    )


def _vocabulary(rng: random.Random) -> dict[str, list[str]]:
    from migralex.common.text import tokenize
    from migralex.knowledge.reference_data import read_toml

    vocab: dict[str, list[str]] = {lang: [] for lang in SYLLABLES}
    try:
        themes = read_toml("thesaurus/themes.toml").get("theme", [])
    except OSError:
        themes = []
    for theme in themes:
        for lang in vocab:
            for text in [theme["label"].get(lang, ""), *theme.get("keywords", {}).get(lang, [])]:
                vocab[lang].extend(w for w in tokenize(text) if len(w) > 1)
    for lang, syllables in SYLLABLES.items():
        real = list(dict.fromkeys(vocab[lang]))
        rng.shuffle(real)
        made: set[str] = set()
        while len(made) < 30_000:
            made.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))))
        # Real words take the frequent ranks, the generated tail makes the Zipf vocabulary.
        vocab[lang] = real + sorted(made)
    return vocab


def _zipf_cdf(n: int, s: float = 1.05) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return np.cumsum(weights) / weights.sum()


def _records(n: int, seed: int):
    from migralex.search.analysis import text_terms
    from migralex.search.plan import ANONYMOUS, SIGNED_IN, IndexRecord

    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    cdfs = {lang: _zipf_cdf(len(words)) for lang, words in vocab.items()}
    theme_ids = [t for t in _theme_groups()]
    for i in range(1, n + 1):
        lang = rng.choice(LANGS)
        words = vocab[lang]
        count = 280 if lang == "ar" else 430  # about 3 KB of UTF-8 either way
        idx = np.searchsorted(cdfs[lang], nprng.random(count))
        text = " ".join(words[j] for j in idx)
        title = " ".join(words[j] for j in np.searchsorted(cdfs[lang], nprng.random(8)))
        themes = sorted(set(rng.sample(theme_ids, rng.choice([0, 1, 1, 2, 3]))))
        year = rng.randint(1990, 2025)
        title_terms = text_terms(title, lang)
        access = ["org:1"]
        if rng.random() < 0.9:
            access += [ANONYMOUS, SIGNED_IN]
        yield IndexRecord(
            id=i,
            version_id=i,
            title=title,
            text=text,
            language=lang,
            title_terms=title_terms,
            body_terms=[],  # computed in the timed indexing loop
            facets={
                "type": [rng.choice(TYPES)],
                "country": [rng.choice(COUNTRIES)],
                "theme": themes,
                "group": sorted({_theme_groups()[t] for t in themes}),
                "lang": [lang],
                "source": [str(rng.randint(1, 40))],
                "status": [rng.choice(STATUSES)],
            },
            year=year,
            date_ord=year * 10000 + rng.randint(1, 12) * 100 + rng.randint(1, 28),
            access=access,
            payload={
                "id": i,
                "title": title,
                "titles": {},
                "doc_type": "law",
                "country": "MA",
                "language": lang,
                "date": f"{year}-01-01",
                "themes": themes,
                "text": text,
            },
        )


_GROUPS: dict[str, str] = {}


def _theme_groups() -> dict[str, str]:
    if not _GROUPS:
        from migralex.knowledge.reference_data import read_toml

        try:
            for theme in read_toml("thesaurus/themes.toml").get("theme", []):
                _GROUPS[theme["id"]] = theme["group"]
        except OSError:
            _GROUPS.update({"domestic-work": "labour", "asylum-refugees": "asylum"})
    return _GROUPS


def _queries(n: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    vocab = _vocabulary(random.Random(seed))
    out = []
    for i in range(n):
        lang = rng.choice(LANGS)
        # Mid-frequency ranks: the words people search for (neither "de" nor hapaxes).
        words = [
            vocab[lang][min(int(rng.paretovariate(0.6) * 3), 5000)]
            for _ in range(rng.randint(1, 3))
        ]
        q = " ".join(words)
        if i % 4 == 1:
            q += " " + rng.choice(
                ["country:MA", "type:law", "year:2010..2020", "lang:ar", "theme:domestic-work"]
            )
        out.append(q)
    return out


def _percentile(values: list[float], p: float) -> float:
    return round(float(np.percentile(np.array(values), p)), 2)


def run(args) -> dict:
    from migralex.cli import CommandError

    if args.docs < 1 or args.queries < 1:
        raise CommandError("--docs and --queries must be positive")
    if args.reuse:
        return _rerun(args)
    scratch = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="migralex-bench-"))
    backend = _scratch_backend(args.backend, scratch)
    try:
        built = _build(backend, args)
        if args.keep:
            scratch.mkdir(parents=True, exist_ok=True)
            (scratch / BUILD_FILE).write_text(json.dumps(built))
        return _figures(backend, args, built)
    finally:
        if args.backend == "postgres" and not args.keep:
            _drop_scratch_table()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


# The build figures of a kept index, so that --reuse reports them without rebuilding.
BUILD_FILE = "bench-build.json"


def _rerun(args) -> dict:
    from migralex.cli import CommandError
    from migralex.search.backends.tantivy_backend import TantivyBackend

    scratch = Path(args.reuse)
    try:
        built = json.loads((scratch / BUILD_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise CommandError(f"no index kept by --keep in {scratch}: {exc}") from None
    kept = (built.get("backend", "tantivy"), built["docs"], built["seed"])
    if kept != (args.backend, args.docs, args.seed):
        raise CommandError(
            f"{scratch} holds a {kept[0]} index of --docs {kept[1]} --seed {kept[2]}"
        )
    if args.backend == "postgres":
        return _figures(_kept_postgres_backend(), args, built)
    return _figures(TantivyBackend(scratch / "index"), args, built)


def _build(backend, args) -> dict:
    """Generate the corpus, index it; the indexing figures."""
    from migralex.search.analysis import text_terms

    records = list(_records(args.docs, args.seed))  # generation is not indexing: done first
    if backend.name == "postgres":
        _store_texts(records)
    text_bytes = sum(len(r.text.encode()) + len(r.title.encode()) for r in records)

    # What is timed is the indexing path proper: analysis of the text into terms and the write.
    def analysed():
        for r in records:
            r.body_terms = r.title_terms + text_terms(r.text, r.language, cleaned=True)
            yield r
            r.body_terms = []  # the index has them; keep memory flat

    started, started_cpu = time.perf_counter(), time.process_time()
    backend.index(analysed(), bulk=True, replace=False)
    index_s = time.perf_counter() - started
    return {
        "backend": backend.name,
        "docs": args.docs,
        "seed": args.seed,
        "index_docs_per_s": round(args.docs / index_s),
        "index_cpu_s": round(time.process_time() - started_cpu, 1),
        "text_bytes": text_bytes,
    }


def _figures(backend, args, built: dict) -> dict:
    """Time the queries; all the figures."""
    from migralex.search import services

    queries = _queries(max(args.queries, 200), args.seed)
    for q in queries[:20]:  # warm the caches, as a running server has them
        services.search(q, backend=backend)
    plain: list[float] = []
    faceted: list[float] = []
    plain_cpu: list[float] = []
    faceted_cpu: list[float] = []
    for q in queries:
        for facets, wall, cpu in ((False, plain, plain_cpu), (True, faceted, faceted_cpu)):
            t0, c0 = time.perf_counter(), time.process_time()
            services.search(q, backend=backend, facets=facets)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    size = backend.size_bytes()
    text_bytes = built["text_bytes"]
    return {
        "engine": backend.name
        + ("+rum" if args.backend == "postgres" and backend.has_rum() else ""),
        "docs": args.docs,
        "index_docs_per_s": built["index_docs_per_s"],
        "index_mb": round(size / 1e6, 1),
        "text_mb": round(text_bytes / 1e6, 1),
        "index_to_text": round(size / text_bytes, 2),
        "queries": len(queries),
        "p50_ms": _percentile(plain, 50),
        "p95_ms": _percentile(plain, 95),
        "p50_facets_ms": _percentile(faceted, 50),
        "p95_facets_ms": _percentile(faceted, 95),
        # Peak of this process: with --reuse, the searching process only; otherwise it
        # includes the generated corpus, held in memory so that generation is not timed.
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        # The machine is shared: wall-clock figures depend on the load. The CPU time of this
        # process (all its threads; not the PostgreSQL server's) says what the work costs.
        "index_cpu_s": built["index_cpu_s"],
        "p50_cpu_ms": _percentile(plain_cpu, 50),
        "p95_cpu_ms": _percentile(plain_cpu, 95),
        "p95_facets_cpu_ms": _percentile(faceted_cpu, 95),
        "load_avg": _load_average(),
    }


def _load_average() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


BENCH_TABLE = "bench_searchentry"
# Stands in for documents_version: the PostgreSQL backend reads snippet text from the versions.
BENCH_TEXT_TABLE = "bench_searchtext"
SCRATCH_TABLES = (BENCH_TABLE, BENCH_TEXT_TABLE)


def _scratch_backend(name: str, scratch: Path):
    if name == "tantivy":
        from migralex.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(scratch / "index")
    from django.db import connection

    from migralex.cli import CommandError

    if connection.vendor != "postgresql":
        raise CommandError("--backend postgres needs DATABASE_URL pointing at PostgreSQL")
    with connection.cursor() as cursor:
        _drop_scratch_tables(cursor)
        # INCLUDING ALL: indexes, column storage and compression as in the real table; its
        # storage parameters (toast_tuple_target) are copied too, LIKE does not.
        cursor.execute(f"CREATE TABLE {BENCH_TABLE} (LIKE search_searchentry INCLUDING ALL)")
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'search_searchentry'::regclass")
        options = cursor.fetchone()[0]
        if options:
            cursor.execute(f"ALTER TABLE {BENCH_TABLE} SET ({', '.join(options)})")
        cursor.execute(
            f"CREATE TABLE {BENCH_TEXT_TABLE} (id bigint PRIMARY KEY, normalized_text text)"
        )
    return _kept_postgres_backend()


def _kept_postgres_backend():
    """The backend on the scratch tables (made by _scratch_backend, or kept by --keep)."""

    from migralex.search.backends.postgres import PostgresBackend

    # The RUM indexes that LIKE … INCLUDING INDEXES copied are found on the table by the backend.
    return PostgresBackend(table=BENCH_TABLE, text_table=BENCH_TEXT_TABLE)


def _store_texts(records) -> None:
    """The versions' texts, as the document store holds them before anything is indexed."""
    from django.db import connection

    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {BENCH_TEXT_TABLE} (id, normalized_text) FROM STDIN") as copy:
            for r in records:
                copy.write_row((r.version_id, r.text))
        cursor.execute(f"ANALYZE {BENCH_TEXT_TABLE}")


def _drop_scratch_tables(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(SCRATCH_TABLES)}")


def _drop_scratch_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        _drop_scratch_tables(cursor)
