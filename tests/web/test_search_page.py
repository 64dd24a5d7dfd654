import csv
import io
import json

import pytest
from django.test import Client

from migralex.web.views_search import csv_safe

pytestmark = pytest.mark.django_db


def test_search_shows_highlighted_snippets_and_facets(corpus):
    html = Client().get("/fr/search/", {"q": "travailleurs"}).content.decode()
    assert "<mark>travailleurs</mark>" in html
    assert f'data-id="{corpus["fr"].pk}"' in html
    assert '<fieldset class="facet" data-facet="country">' in html
    assert 'name="country" value="MA" data-autosubmit' in html
    assert 'Maroc</span> <span class="n">(1)</span>' in html


def test_a_facet_filter_restricts_the_results(corpus):
    client = Client()
    all_docs = client.get("/en/search/").content.decode()
    for document in corpus.values():
        assert f'data-id="{document.pk}"' in all_docs
    only_tn = client.get("/en/search/", {"country": "TN"}).content.decode()
    assert f'data-id="{corpus["en"].pk}"' in only_tn
    assert f'data-id="{corpus["fr"].pk}"' not in only_tn
    assert 'name="country" value="TN" data-autosubmit checked' in only_tn


def test_arabic_search_in_the_arabic_interface(corpus):
    response = Client().get("/ar/search/", {"q": "العمال"})
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert f'data-id="{corpus["ar"].pk}"' in html
    assert 'class="snippet" dir="rtl"' in html


def test_bad_syntax_is_searched_as_words_with_a_notice(corpus):
    html = Client().get("/en/search/", {"q": '"travailleurs'}).content.decode()
    assert 'class="notice"' in html
    assert f'data-id="{corpus["fr"].pk}"' in html


def test_empty_results_and_first_visit_say_so(corpus):
    client = Client()
    assert "No document matches" in client.get("/en/search/", {"q": "zzzqqq"}).content.decode()
    assert "Type words in French" in client.get("/en/search/").content.decode()


def test_pagination_and_out_of_range_values(ingest):
    for i in range(23):
        ingest(f"Circulaire {i} sur les travailleurs migrants saisonniers numéro {i}", f"c{i}.txt")
    client = Client()
    first = client.get("/en/search/", {"q": "saisonniers"}).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/en/search/", {"q": "saisonniers", "page": "2"}).content.decode()
    assert second.count('class="hit"') == 3
    for bad in ("-4", "abc", "99999"):
        assert client.get("/en/search/", {"q": "saisonniers", "page": bad}).status_code == 200
    assert client.get("/en/search/", {"sort": "<script>"}).status_code == 200


def test_private_documents_are_not_found_by_anonymous_users(ingest):
    from tests.factories import OrganisationFactory

    secret = ingest("Note interne sur les travailleurs", "note.txt", owner=OrganisationFactory())
    secret.visibility = "organisation"
    secret.save()
    from migralex.search.services import document_index

    document_index(secret)
    html = Client().get("/en/search/", {"q": "interne"}).content.decode()
    assert f'data-id="{secret.pk}"' not in html


def test_csv_export_neutralises_formulas(ingest):
    ingest('=HYPERLINK("http://evil.example") travailleurs migrants', "evil.txt")
    response = Client().get("/en/search/export.csv", {"q": "travailleurs"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "title", "type"]
    titles = [row[1] for row in rows[1:]]
    assert titles and all(not t.startswith(("=", "+", "-", "@")) for t in titles)
    assert titles[0].startswith("'=HYPERLINK")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_safe_prefixes_every_formula_start(value):
    assert csv_safe(value).startswith("'")


def test_csv_safe_leaves_plain_text_alone():
    assert csv_safe("Loi 02-03") == "Loi 02-03"
    assert csv_safe("قانون") == "قانون"


def test_json_export(corpus):
    response = Client().get("/en/search/export.json", {"q": "travailleurs"})
    data = json.loads(response.content)
    assert data["count"] == 1
    assert data["results"][0]["document_id"] == corpus["fr"].pk
    assert "country" in data["facets"]


def test_save_this_search_posts_to_the_alerts_app(corpus, reader_client):
    import re

    from migralex.alerts.models import SavedSearch

    client, user = reader_client
    page = client.get("/en/search/", {"q": "travailleurs", "country": "MA"}).content.decode()
    form = page.split('class="save"', 1)[1].split("</form>", 1)[0]
    assert 'action="/en/alerts/new/"' in page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields.pop("csrfmiddlewaretoken", None)
    response = client.post("/en/alerts/new/", {**fields, "frequency": "weekly"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=user)
    assert (saved.query, saved.filters, saved.frequency) == (
        "travailleurs",
        {"country": "MA"},
        "weekly",
    )
    assert 'class="save"' not in Client().get("/en/search/", {"q": "x"}).content.decode()
