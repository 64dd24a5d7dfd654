"""``migralex bench alerts --queries N --docs M``: saved-search matching throughput.

Builds N saved searches of every form the query language has (words, AND, OR, phrases,
prefixes, exclusions, facet and year filters, filter-only follows of a theme or a country) and M
new documents in French, English and Arabic with a Zipf-like word distribution, then times, per
document, what the ingestion hook does: analyse the document into index terms (the search
analyser) and percolate it against every saved search. One thread, timed in CPU seconds of
that thread (the machine is shared): the figures are per core. ``docs_per_s`` is the matching
of analysed documents; ``docs_per_s_with_analysis`` counts the analysis in too.

The texts are generated here (a fixed seed), so the figure is reproducible and no corpus is
needed."""

from __future__ import annotations

import random
import resource
import statistics
import time

from migralex.alerts.percolator import DocFacts, Percolator, compile_query
from migralex.search.query import parse

# A few real legal words per language (so stemming and folding do real work) plus generated
# ones for a realistic vocabulary size.
_SEED_WORDS = {
    "fr": "loi décret travailleurs domestiques migrants étrangers asile réfugiés séjour carte "
    "nationalité traite êtres humains victimes protection contrat salaire inspection "
    "regroupement familial frontière retour réadmission accord convention ratification",
    "en": "law decree workers domestic migrants foreigners asylum refugees residence permit "
    "nationality trafficking persons victims protection contract wage inspection family "
    "reunification border return readmission agreement convention ratification",
    "ar": "قانون مرسوم العمال المنزليين المهاجرين الأجانب اللجوء اللاجئين الإقامة بطاقة الجنسية "
    "الاتجار بالبشر الضحايا الحماية عقد الأجر التفتيش التجمع العائلي الحدود العودة اتفاقية",
}
_SYLLABLES = {
    "fr": ["ma", "ri", "to", "le", "que", "ment", "tion", "pa", "de", "ver", "son", "cha"],
    "en": ["ing", "er", "ta", "lo", "mi", "ness", "con", "pro", "ver", "sta", "ble", "ter"],
    "ar": ["مس", "تح", "قا", "لي", "عم", "نو", "رب", "سل", "كت", "ين", "ات", "ية"],
}
COUNTRIES = ["MA", "TN", "LY", "EG", "INT", "FR", "ES", "IT"]
TYPES = ["law", "decree", "order", "circular", "report", "news", "court-decision"]


def _taxonomy() -> dict[str, str]:
    """theme id -> group, from the team's thesaurus (the real 34 leaf themes)."""
    from migralex.knowledge.reference_data import read_toml

    return {t["id"]: t["group"] for t in read_toml("thesaurus/themes.toml")["theme"]}


def add_arguments(parser) -> None:
    parser.add_argument("--queries", type=int, default=10_000, help="saved searches")
    parser.add_argument("--docs", type=int, default=1_000, help="new documents to match")
    parser.add_argument("--words", type=int, default=300, help="words per document text")
    parser.add_argument("--seed", type=int, default=1)


def _vocabulary(rng: random.Random, lang: str, size: int) -> list[str]:
    words = dict.fromkeys(_SEED_WORDS[lang].split())
    syllables = _SYLLABLES[lang]
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 5)))
        words.setdefault(word)
    return list(words)


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(n)]


class Corpus:
    def __init__(self, seed: int, vocabulary_size: int = 20_000):
        self.rng = random.Random(seed)
        self.groups = _taxonomy()
        self.themes = sorted(self.groups)
        self.vocab = {lang: _vocabulary(self.rng, lang, vocabulary_size) for lang in _SEED_WORDS}
        self.cum = {lang: _cumulative(_zipf_weights(len(v))) for lang, v in self.vocab.items()}

    def words(self, lang: str, k: int) -> list[str]:
        return self.rng.choices(self.vocab[lang], cum_weights=self.cum[lang], k=k)

    def query_word(self, lang: str) -> str:
        # Saved searches name content words: not the hundred most frequent ones, which are
        # function words in real text.
        vocab = self.vocab[lang]
        return vocab[self.rng.randrange(min(100, len(vocab) // 2), len(vocab))]

    def query(self) -> str:
        rng = self.rng
        lang = rng.choice(["fr", "fr", "en", "ar"])
        a, b, c = (self.query_word(lang) for _ in range(3))
        form = rng.randrange(12)
        return [
            a,
            f"{a} {b}",
            f"{a} OR {b}",
            f'"{a} {b}"',
            f"{a[:4]}*",
            f"{a} -{b}",
            f"{a} country:{rng.choice(COUNTRIES)}",
            f"theme:{rng.choice(self.themes)}",
            f"{a} {b} year:2015..2025 type:{rng.choice(TYPES)}",
            f"{a} OR {b} {c}",
            f"country:{rng.choice(COUNTRIES)} type:{rng.choice(TYPES)}",
            f"{a} group:{self.groups[rng.choice(self.themes)]}",
        ][form]

    def document(self, n_words: int) -> tuple[str, str, str, dict]:
        rng = self.rng
        lang = rng.choice(["fr", "fr", "en", "ar"])
        themes = rng.sample(self.themes, rng.randint(0, 3))
        facets = {
            "type": [rng.choice(TYPES)],
            "country": [rng.choice(COUNTRIES)],
            "theme": themes,
            "group": sorted({self.groups[t] for t in themes}),
            "lang": [lang],
        }
        title = " ".join(self.words(lang, 10))
        return title, " ".join(self.words(lang, n_words)), lang, facets


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def run(args) -> dict:
    corpus = Corpus(args.seed)
    queries = [corpus.query() for _ in range(args.queries)]
    docs = [corpus.document(args.words) for _ in range(args.docs)]
    clock = time.process_time  # CPU time of this one thread: the machine may be shared
    started = clock()
    percolator = Percolator(compile_query(i, parse(q)) for i, q in enumerate(queries))
    build_s = clock() - started
    match_times, analysis_times, matches = [], [], 0
    for title, text, lang, facets in docs:
        t0 = clock()
        facts = DocFacts.from_text(title, text, lang, year=2020, **facets)
        t1 = clock()
        keys, _ = percolator.match(facts)
        t2 = clock()
        analysis_times.append(t1 - t0)
        match_times.append(t2 - t1)
        matches += len(keys)
    match_s, analysis_s = sum(match_times), sum(analysis_times)
    return {
        "queries": args.queries,
        "docs": args.docs,
        # Matching analysed documents: the hook's work once the indexer has the terms.
        "docs_per_s": round(args.docs / max(match_s, 1e-9), 1),
        "matches": matches,
        "p95_ms_per_doc": round(_p95(match_times) * 1000, 3),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # The same with the document's analysis into terms counted in (search's analyser).
        "docs_per_s_with_analysis": round(args.docs / max(match_s + analysis_s, 1e-9), 1),
        "distinct_searches": len(percolator.items),
        "build_s": round(build_s, 2),
    }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]
