"""``migralex manage reindex``: rebuild the search index from the database, with a progress bar;
``--check`` only repairs the drift (missing, stale or extra entries)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from migralex.search import services
from migralex.search.selectors import documents_to_index


class Command(BaseCommand):
    help = "Rebuild the search index from the database (the source of truth)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="repair only what differs instead of rebuilding"
        )
        parser.add_argument("--backend", choices=["tantivy", "postgres"], default=None)

    def handle(self, *args, check=False, backend=None, **options):
        engine = services.get_backend(backend)
        if check:
            report = services.index_check(repair=True, backend=engine)
            self.stdout.write(
                f"database {report.in_database}, index {report.in_index}: "
                f"{len(report.missing)} missing or stale, {len(report.extra)} extra"
                + (" (repaired)" if report.repaired else "")
            )
            return
        total = documents_to_index().count()
        with tqdm(total=total, unit="doc", disable=options.get("verbosity", 1) < 1) as bar:
            n = services.documents_reindex(progress=bar.update, backend=engine)
        self.stdout.write(f"indexed {n} documents ({engine.name})")
