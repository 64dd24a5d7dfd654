"""Web pages (snapshots, diffs, selection, ignore rules), listings, sitemaps and JSON APIs."""

from __future__ import annotations

import gzip
import json

import pytest

from migralex.sources.models import Snapshot, Source
from migralex.sources.polling import source_poll
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

PAGE = """<html><head><title>Circulaires</title></head><body>
<nav>Accueil | Contact</nav>
<div id="main"><h1>Circulaires sur le séjour</h1><ul>{items}</ul></div>
<footer>Mis à jour le {date} — {visits} visites</footer></body></html>"""


def page(items, date="01/11/2026", visits=10):
    lis = "".join(f"<li>{x}</li>" for x in items)
    return PAGE.format(items=lis, date=date, visits=visits)


def test_page_snapshot_then_noise_ignored_then_real_change_gives_diff(web, sink):
    source = SourceFactory(
        kind=Source.Kind.PAGE,
        url=web.url_for("/p"),
        config={"ignore_patterns": [r"Mis à jour le \S+", r"\d+ visites"]},
    )
    web.expect_oneshot_request("/p").respond_with_data(
        page(["Circulaire 1"]), content_type="text/html"
    )
    assert source_poll(source, sink=sink) == "changed"
    web.expect_oneshot_request("/p").respond_with_data(
        page(["Circulaire 1"], date="02/11/2026", visits=99), content_type="text/html"
    )
    assert source_poll(source, sink=sink) == "unchanged"
    web.expect_oneshot_request("/p").respond_with_data(
        page(["Circulaire 1", "Circulaire 2 sur les cartes de résidence"]), content_type="text/html"
    )
    assert source_poll(source, sink=sink) == "changed"
    snaps = list(Snapshot.objects.filter(source=source))
    assert len(snaps) == 2 and snaps[0].lines_added == 1 and snaps[0].lines_removed == 0
    assert "+Circulaire 2 sur les cartes de résidence" in snaps[0].diff
    assert sink.keys == [source.url, source.url]  # same document, new version


@pytest.mark.parametrize("selector", ["#main", "//div[@id='main']"])
def test_page_selection_by_css_or_xpath_ignores_changes_outside(web, sink, selector):
    source = SourceFactory(
        kind=Source.Kind.PAGE, url=web.url_for("/p"), config={"selector": selector}
    )
    web.expect_oneshot_request("/p").respond_with_data(page(["A"]), content_type="text/html")
    source_poll(source, sink=sink)
    assert b"<nav>" not in sink.items[0].data and b"Circulaires sur" in sink.items[0].data
    web.expect_oneshot_request("/p").respond_with_data(
        page(["A"]).replace("Contact", "Plan du site"), content_type="text/html"
    )
    assert source_poll(source, sink=sink) == "unchanged"


def test_page_selector_matching_nothing_is_a_readable_failure(web, sink):
    source = SourceFactory(
        kind=Source.Kind.PAGE, url=web.url_for("/p"), config={"selector": "#gone"}
    )
    web.expect_request("/p").respond_with_data(page(["A"]), content_type="text/html")
    assert source_poll(source, sink=sink) == "error"
    assert "matches nothing" in source.last_error


def test_page_served_as_pdf_is_refused(web, sink):
    source = SourceFactory(kind=Source.Kind.PAGE, url=web.url_for("/p"))
    web.expect_request("/p").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    assert source_poll(source, sink=sink) == "error" and "content type" in source.last_error


def test_listing_fetches_each_matching_document_once(web, sink):
    listing = (
        '<html><body><a href="/bo/BO_7214_Fr.pdf">BO 7214</a><a href="/about">x</a></body></html>'
    )
    web.expect_oneshot_request("/bo").respond_with_data(listing, content_type="text/html")
    web.expect_request("/bo/BO_7214_Fr.pdf").respond_with_data(
        b"%PDF-1.4 a", content_type="application/pdf"
    )
    web.expect_request("/bo/BO_7215_Fr.pdf").respond_with_data(
        b"%PDF-1.4 b", content_type="application/pdf"
    )
    source = SourceFactory(
        kind=Source.Kind.LISTING,
        url=web.url_for("/bo"),
        config={"link_pattern": r"BO_\d+_Fr\.pdf$"},
    )
    assert source_poll(source, sink=sink) == "changed"
    assert [i.name for i in sink.items] == ["BO_7214_Fr.pdf"]
    web.expect_oneshot_request("/bo").respond_with_data(
        listing.replace("</body>", '<a href="/bo/BO_7215_Fr.pdf">BO 7215</a></body>'),
        content_type="text/html",
    )
    sink.clear()
    assert source_poll(source, sink=sink) == "changed"
    assert [i.name for i in sink.items] == ["BO_7215_Fr.pdf"]


def test_sitemap_refetches_only_urls_whose_lastmod_moved(web, sink):
    def sitemap(lastmod_b):
        return gzip.compress(
            f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{web.url_for("/a")}</loc><lastmod>2026-01-01</lastmod></url>
<url><loc>{web.url_for("/b")}</loc><lastmod>{lastmod_b}</lastmod></url></urlset>""".encode()
        )

    web.expect_request("/a").respond_with_data(
        "<html><body>A</body></html>", content_type="text/html"
    )
    web.expect_oneshot_request("/b").respond_with_data(
        "<html><body>B1</body></html>", content_type="text/html"
    )
    web.expect_oneshot_request("/sitemap.xml.gz").respond_with_data(sitemap("2026-01-01"))
    source = SourceFactory(kind=Source.Kind.SITEMAP, url=web.url_for("/sitemap.xml.gz"))
    source_poll(source, sink=sink)
    assert len(sink.items) == 2
    sink.clear()
    web.expect_oneshot_request("/b").respond_with_data(
        "<html><body>B2</body></html>", content_type="text/html"
    )
    web.expect_oneshot_request("/sitemap.xml.gz").respond_with_data(sitemap("2026-02-01"))
    source_poll(source, sink=sink)
    assert [i.key for i in sink.items] == [web.url_for("/b")]


def test_sitemap_with_entity_expansion_is_refused_without_expanding(web, sink):
    bomb = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<urlset><url><loc>&b;</loc></url></urlset>"""
    web.expect_request("/s.xml").respond_with_data(bomb, content_type="application/xml")
    source = SourceFactory(kind=Source.Kind.SITEMAP, url=web.url_for("/s.xml"))
    source_poll(source, sink=sink)
    assert sink.items == []


def test_json_api_with_field_mapping(web, sink):
    payload = {
        "data": {
            "results": [
                {
                    "ref": "eg-82-2016",
                    "name": "Law No. 82 of 2016",
                    "body": "Smuggling of migrants.",
                    "link": "http://example.org/eg82",
                    "when": "2016-10-17T12:00:00Z",
                },
                {"ref": "ly-19-2010", "name": "Law No. 19 of 2010", "body": "Illegal migration."},
            ]
        }
    }
    web.expect_oneshot_request("/api").respond_with_json(payload)
    source = SourceFactory(
        kind=Source.Kind.JSON_API,
        url=web.url_for("/api"),
        config={
            "mapping": {
                "items": "data.results",
                "id": "ref",
                "title": "name",
                "text": "body",
                "url": "link",
                "date": "when",
            }
        },
    )
    assert source_poll(source, sink=sink) == "changed"
    assert sink.keys == ["eg-82-2016", "ly-19-2010"]
    assert b"Smuggling of migrants." in sink.items[0].data
    payload["data"]["results"][1]["body"] = "Illegal migration; article 11."
    web.expect_oneshot_request("/api").respond_with_json(payload)
    sink.clear()
    source_poll(source, sink=sink)
    assert sink.keys == ["ly-19-2010"]


def test_json_api_wrong_shape_is_a_recorded_failure(web, sink):
    web.expect_request("/api").respond_with_data(
        json.dumps({"x": 1}), content_type="application/json"
    )
    source = SourceFactory(
        kind=Source.Kind.JSON_API,
        url=web.url_for("/api"),
        config={"mapping": {"items": "data.results"}},
    )
    assert source_poll(source, sink=sink) == "error" and "no list" in source.last_error


def test_robots_txt_disallow_is_honoured_unless_overridden(httpserver, sink):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n"
    )
    httpserver.expect_request("/private/feed").respond_with_data(
        "<rss version='2.0'><channel/></rss>"
    )
    source = SourceFactory(kind=Source.Kind.FEED, url=httpserver.url_for("/private/feed"))
    assert source_poll(source, sink=sink) == "error" and "robots.txt" in source.last_error
    source.ignore_robots = True
    assert source_poll(source, sink=sink) in ("changed", "unchanged")
    assert source.consecutive_failures == 0
