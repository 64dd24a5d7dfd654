"""Offline demo sources for ``make run``: shipped files copied to a watched folder under the
data dir, so the watch cycle produces documents with no network. Drop a file into that folder
(or edit one) and the next poll picks it up."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from migralex.accounts.services import organisation_default
from migralex.sources.models import Source

DEMO_FILES = Path(__file__).resolve().parents[1] / "data" / "demo"


def demo_inbox() -> Path:
    return Path(settings.DATA_DIR) / "demo-inbox"


def demo_sources_install() -> int:
    """Create the demo folder source (once) and copy the shipped demo files that are missing."""
    inbox = demo_inbox()
    inbox.mkdir(parents=True, exist_ok=True)
    if DEMO_FILES.is_dir():
        for path in sorted(DEMO_FILES.iterdir()):
            if (
                path.is_file()
                and not path.name.startswith(".")
                and not (inbox / path.name).exists()
            ):
                shutil.copy2(path, inbox / path.name)
    Source.objects.get_or_create(
        kind=Source.Kind.FOLDER,
        url=str(inbox),
        defaults={
            "name": "Démo : dossier surveillé (hors ligne)",
            "interval_minutes": 1,
            "owner": organisation_default(),
            "country": "MA",
        },
    )
    return Source.objects.filter(url=str(inbox)).count()
