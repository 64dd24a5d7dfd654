"""Small feeds written for the tests (our own words)."""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Veille migrations</title><link>http://example.org/</link>
<language>fr</language>
{items}
</channel></rss>"""

ITEM = """<item><title>{title}</title><link>http://example.org/{n}</link><guid>urn:item:{n}</guid>
<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description>{body}</description></item>"""


def rss(*entries: tuple[int, str, str]) -> str:
    return RSS.format(items="\n".join(ITEM.format(n=n, title=t, body=b) for n, t, b in entries))
