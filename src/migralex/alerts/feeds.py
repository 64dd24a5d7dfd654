"""The Atom feed of a saved search: its hits, newest first, readable by any feed reader.

The URL carries the alert's unguessable feed token (feed readers cannot sign in). Entry ids are
tag URIs of the hit's document *version*, so an entry never changes id and a new version of a
law is a new entry; ``updated`` is when the version was matched."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from migralex.alerts import selectors
from migralex.alerts.rendering import hit_card, reader_language, site_url

FEED_ENTRIES = 50


class SavedSearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, token: str):
        saved = selectors.saved_search_by_feed_token(token)
        if saved is None:
            raise Http404("no such feed")
        self.lang = reader_language(getattr(saved.user, "language", None))
        return saved

    def title(self, obj) -> str:
        return f"Migralex — {obj.name}"

    def link(self, obj) -> str:
        return site_url(f"/{self.lang}/alerts/{obj.pk}/")

    def feed_guid(self, obj) -> str:
        return f"tag:migralex,2025:alert/{obj.pk}"

    def subtitle(self, obj) -> str:
        return obj.query or obj.name

    def items(self, obj):
        return selectors.hits_of(obj)[:FEED_ENTRIES]

    def item_title(self, item) -> str:
        return item.document.title_in(self.lang)

    def item_description(self, item) -> str:
        card = hit_card(item.document, item.version, self.lang)
        facts = " · ".join(str(x) for x in (card.doc_type, card.date, card.country) if x)
        return f"{facts}\n{card.snippet}" if facts else card.snippet

    def item_link(self, item) -> str:
        return hit_card(item.document, item.version, self.lang).url

    def item_guid(self, item) -> str:
        return f"tag:migralex,2025:document/{item.document.uid}/version/{item.version.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [link.theme_id for link in item.document.theme_links.all()]
