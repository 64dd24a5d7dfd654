"""Offline demo sources for ``make run``: no network, and a change the user can make happen.

Two sources, both polled every minute, read files copied under the data dir:

* ``var/demo-feed/veille-demo.rss`` — a feed (8 entries in French, Arabic and English written by
  the team), watched as a *feed*: entries are matched by GUID, so editing an entry's text and
  saving the file gives a new version of the same document at the next poll (≤ 1 minute).
* ``var/demo-inbox/`` — a watched folder with short legal notes (HTML, TXT); drop a file in it,
  or edit one, and the next poll ingests it.

We chose local files over a small HTTP server started by ``serve``: nothing to start or stop,
nothing listening on a port, works the same under ``serve`` and ``worker``, and the change is
made with any text editor. The feed still goes through the feed poller and change detection.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from migralex.accounts.services import organisation_default
from migralex.sources.models import Source

DEMO_FILES = Path(__file__).resolve().parents[1] / "data" / "demo"
DEMO_FEED_NAME = "veille-demo.rss"


def demo_inbox() -> Path:
    return Path(settings.DATA_DIR) / "demo-inbox"


def demo_feed_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-feed" / DEMO_FEED_NAME


def _copy_missing(src_dir: Path, dst_dir: Path) -> None:
    """Copy shipped files that are not there yet: a user's edits are never overwritten."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    if not src_dir.is_dir():
        return
    for path in sorted(src_dir.iterdir()):
        if path.is_file() and not path.name.startswith(".") and not (dst_dir / path.name).exists():
            shutil.copy2(path, dst_dir / path.name)


def demo_sources_install() -> int:
    """Create the demo sources (once) and copy the shipped demo files that are missing."""
    inbox = demo_inbox()
    _copy_missing(DEMO_FILES / "inbox", inbox)
    feed = demo_feed_path()
    _copy_missing(DEMO_FILES / "feed", feed.parent)
    owner = organisation_default()
    Source.objects.get_or_create(
        kind=Source.Kind.FOLDER,
        url=str(inbox.resolve()),
        defaults={
            "name": "Démo : dossier surveillé (hors ligne)",
            "interval_minutes": 1,
            "owner": owner,
        },
    )
    Source.objects.get_or_create(
        kind=Source.Kind.FEED,
        url=f"file://{feed.resolve()}",
        defaults={
            "name": "Démo : fil d'actualité (hors ligne, modifiable)",
            "interval_minutes": 1,
            "owner": owner,
        },
    )
    return Source.objects.filter(url__in=[str(inbox.resolve()), f"file://{feed.resolve()}"]).count()
