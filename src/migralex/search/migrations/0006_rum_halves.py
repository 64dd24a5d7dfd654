"""The RUM index in two halves, one per parity of the document id (PostgreSQL with RUM only).

RUM scores every match of a ranked query before it returns the first row: at 100k documents
a query of three frequent words scores ~40k of them. Two partial indexes of half the rows each
let the backend rank both halves on two connections at once and keep the best of both (see
``PostgresBackend._page``); together they take the room of the one they replace."""

from django.db import migrations

WHOLE = "search_entry_vector_rum"
# As HALVES in backends/postgres.py: the queries repeat these predicates.
HALVES = {
    "search_entry_vector_rum_0": "(document_id & 1) = 0",
    "search_entry_vector_rum_1": "(document_id & 1) = 1",
}


def _has_rum_index(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
    return cursor.fetchone() is not None


def split(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _has_rum_index(cursor, WHOLE):
            return  # GIN fallback (no RUM extension): nothing to split
        for name, predicate in HALVES.items():
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON search_searchentry "
                f"USING rum (vector rum_tsvector_ops) WHERE {predicate}"
            )
        cursor.execute(f"DROP INDEX {WHOLE}")


def join(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _has_rum_index(cursor, next(iter(HALVES))):
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {WHOLE} ON search_searchentry "
            "USING rum (vector rum_tsvector_ops)"
        )
        for name in HALVES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_searchentry_concepts_of")]
    operations = [migrations.RunPython(split, join)]
