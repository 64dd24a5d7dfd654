"""The percolator returns exactly what running each saved search against the index returns."""

from __future__ import annotations

import random

import pytest

from migralex.alerts.percolator import Compiled, DocFacts, Percolator, compile_query
from migralex.search.query import parse
from migralex.search.selectors import index_record_for
from migralex.search.services import documents_index_many, search
from tests.alerts.conftest import make_document
from tests.factories import UserFactory

# Texts written for these tests (trilingual, with the Arabic PDF glitch form and plurals).
_FR_TEXT = (
    "travailleurs domestiques migrants contrat de travail salaire minimum inspection "
    "asile réfugiés protection internationale carte de séjour regroupement familial "
    "traite des êtres humains victimes assistance nationalité marocaine étrangers"
)
_EN_TEXT = (
    "domestic workers migrant employment contract minimum wage labour inspection "
    "asylum seekers refugee status residence permit family reunification "
    "trafficking in persons victims protection nationality foreigners"
)
_AR_TEXT = (
    "العمال المنزليين المهاجرين عقد الشغل الأجر الأدنى مفتشية اللجوء اللاجئين بطاقة الإقامة "
    "التجمع العائلي الاتجار بالبشر الضحايا الجنسية المغربية األجانب الأجانب"
)
FR, EN, AR = _FR_TEXT.split(), _EN_TEXT.split(), _AR_TEXT.split()
WORDS = {"fr": FR, "en": EN, "ar": AR}
THEME_IDS = ["domestic-work", "asylum-refugees", "human-trafficking", "nationality"]


def _corpus(rng: random.Random, n: int):
    docs = []
    for _ in range(n):
        lang = rng.choice(["fr", "en", "ar"])
        words = WORDS[lang]
        title = " ".join(rng.sample(words, 4))
        text = " ".join(rng.choice(words) for _ in range(rng.randint(15, 40)))
        docs.append(
            make_document(
                title,
                text,
                lang=lang,
                country=rng.choice(["MA", "TN", "EG", "INT"]),
                doc_type=rng.choice(["law", "decree", "report"]),
                year=rng.choice([2003, 2016, 2020, None]),
                themes=tuple(rng.sample(THEME_IDS, rng.randint(0, 2))),
            )[0]
        )
    return docs


def _queries(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        words = WORDS[rng.choice(["fr", "en", "ar"])]
        w = rng.sample(words, 3)
        form = rng.randrange(10)
        q = {
            0: w[0],
            1: f"{w[0]} {w[1]}",
            2: f"{w[0]} OR {w[1]}",
            3: f'"{w[0]} {w[1]}"',
            4: f"{w[0][:4]}*",
            5: f"{w[0]} -{w[1]}",
            6: f"{w[0]} country:{rng.choice(['MA', 'TN'])}",
            7: f"theme:{rng.choice(THEME_IDS)}",
            8: f"{w[0]} year:2010..2020 type:law",
            9: f"{w[0]} group:labour OR {w[2]}",
        }[form]
        out.append(q)
    # Thesaurus expansion (cross-lingual) and a few fixed forms.
    out += ["travail domestique", "domestic work", "العمل المنزلي", "lang:ar", "-asile"]
    return out


@pytest.mark.django_db
def test_percolator_matches_exactly_what_search_returns(themes):
    rng = random.Random(7)
    docs = _corpus(rng, 60)
    documents_index_many([d.pk for d in docs])
    admin = UserFactory(is_superuser=True)
    queries = _queries(rng, 200)
    for expand in (True, False):
        percolator = Percolator(
            compile_query(i, parse(q), expand=expand) for i, q in enumerate(queries)
        )
        matched: dict[int, set[int]] = {i: set() for i in range(len(queries))}
        for doc in docs:
            keys, errors = percolator.match(DocFacts.from_record(index_record_for(doc)))
            assert errors == []
            for key in keys:
                matched[key].add(doc.pk)
        compared = nonempty = 0
        for i, q in enumerate(queries):
            results = search(q, user=admin, per_page=100, expand=expand, facets=False)
            expected = set() if results.notice else {h.document_id for h in results.results}
            assert results.count <= 100
            assert matched[i] == expected, (q, expand)
            compared += 1
            nonempty += bool(expected)
        assert compared == len(queries)
        assert nonempty > len(queries) // 3  # the comparison is not vacuous


def test_a_failing_search_never_blocks_the_others():
    good = compile_query("good", parse("asile"))
    # A corrupt year range (a string bound): comparing it raises while matching.
    bad = Compiled("bad", groups=good.groups, excluded=[], filters={}, years=("x", None))
    percolator = Percolator([bad, good])
    doc = DocFacts.from_text("Loi sur l'asile", "", "fr", year=2020)
    keys, errors = percolator.match(doc)
    assert "good" in keys
    assert [key for key, _ in errors] == ["bad"]


def test_filter_only_and_phrase_and_prefix():
    percolator = Percolator(
        [
            compile_query("ma", parse("country:MA")),
            compile_query("phrase", parse('"travail domestique"')),
            compile_query("prefix", parse("réfug*")),
            compile_query("never", parse("country:TN")),
        ]
    )
    doc = DocFacts.from_text(
        "Loi", "Le travail domestique des réfugiés", "fr", country="MA", type="law"
    )
    keys, _ = percolator.match(doc)
    assert sorted(keys) == ["ma", "phrase", "prefix"]
    other = DocFacts.from_text("Loi", "domestique le travail", "fr", country="EG")
    assert percolator.match(other)[0] == []
