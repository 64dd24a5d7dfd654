import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from migralex.documents import services
from migralex.documents.choices import AssignmentSource
from migralex.web import counts
from migralex.web.charts import bar_chart
from migralex.web.models import DashboardCounts
from tests.factories import DocumentFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _recounts(queries) -> int:
    """How many of ``queries`` were the expensive count by theme."""
    return sum("documents_documenttheme" in q["sql"] and "GROUP BY" in q["sql"] for q in queries)


def test_counts_are_stored_and_not_recomputed_on_each_view(thesaurus):
    DocumentFactory(country="MA")
    client = Client()
    client.get("/fr/")
    assert DashboardCounts.objects.get(audience="public").data["total"] == 1
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fr/")
    assert response.status_code == 200
    assert _recounts(queries.captured_queries) == 0


def test_a_change_is_counted_after_the_minimum_interval(thesaurus):
    DocumentFactory(country="MA")
    client = Client()
    client.get("/fr/")
    DocumentFactory(country="TN")
    # Within the interval the previous counts are served…
    assert b'data-country="TN"' not in client.get("/fr/").content
    # …after it, the changed fingerprint makes the next view recount.
    DashboardCounts.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=1))
    assert b'data-country="TN"' in client.get("/fr/").content


def test_an_unchanged_store_is_checked_once_per_interval_not_at_every_view(thesaurus):
    DocumentFactory()
    counts.counts_refresh("public")
    DashboardCounts.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=1))
    fingerprints = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert counts.counts_for(None)["total"] == 1
        fingerprints.append(sum('MAX("' in q["sql"] for q in queries.captured_queries))
    assert fingerprints == [3, 0, 0]


def test_a_request_does_not_recount_while_another_one_does(thesaurus):
    DocumentFactory()
    counts.counts_refresh("public")
    DocumentFactory()
    DashboardCounts.objects.update(
        computed_at=timezone.now() - dt.timedelta(minutes=1),
        refreshing_until=timezone.now() + dt.timedelta(seconds=30),
    )
    assert counts.counts_for(None)["total"] == 1  # the previous counts, not a second recount


def test_invalidate_and_periodic_refresh(thesaurus):
    counts.counts_refresh("public")
    document = DocumentFactory(country="EG")
    counts.dashboard_counts_invalidate()
    assert counts.counts_for(None)["by_country"] == [["EG", 1]]
    document.delete()  # a deletion leaves the fingerprint as it was: the periodic job sees it
    assert counts.dashboard_counts_refresh_all() == 1
    assert DashboardCounts.objects.get(audience="public").data["total"] == 0


def test_audiences_see_their_own_counts(thesaurus):
    user = UserFactory()
    DocumentFactory(country="LY", visibility="organisation", owner=user.organisation)
    DocumentFactory(country="MA")
    assert counts.audience_of(user) == f"org:{user.organisation_id}"
    assert counts.counts_for(user)["total"] == 2
    assert counts.counts_for(None)["total"] == 1


def test_week_month_group_and_source_health(thesaurus):
    old = DocumentFactory()
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=20))
    new = DocumentFactory()
    services.document_set_themes(new, [("domestic-work", 0.9)], AssignmentSource.RULES)
    SourceFactory(consecutive_failures=3, name="Bulletin officiel")
    html = Client().get("/en/").content.decode()
    assert '<span class="big" data-count="week">1</span>' in html
    assert '<span class="big" data-count="month">2</span>' in html
    assert "Bulletin officiel" in html and "3 failures in a row" in html
    assert DashboardCounts.objects.get(audience="public").data["by_group"] == {"labour": 1}


def test_charts_are_inline_svg_and_mirrored_in_arabic(thesaurus):
    DocumentFactory(country="MA")
    html = Client().get("/ar/").content.decode()
    assert '<svg class="chart" role="img"' in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    ltr = bar_chart([("Maroc", 4), ("Tunisie", 2)], title="t")
    rtl = bar_chart([("Maroc", 4), ("Tunisie", 2)], title="t", rtl=True)
    assert 'text-anchor="start">Maroc' in ltr
    assert 'text-anchor="end">Maroc' in rtl
    assert "&lt;b&gt;" in bar_chart([("<b>", 1)], title="x")
