"""Index the search vector: RUM where the extension is installed (ranked top-k straight from the
index), plain GIN otherwise; jsonb GIN indexes for the multi-valued filters. PostgreSQL only."""

from django.db import migrations

RUM_INDEX = "search_entry_vector_rum"
GIN_INDEX = "search_entry_vector_gin"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        has_rum = cursor.fetchone() is not None
        if has_rum:
            try:
                cursor.execute("SAVEPOINT rum_ext")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
                cursor.execute("RELEASE SAVEPOINT rum_ext")
            except Exception:  # no privilege to create it: fall back to GIN
                cursor.execute("ROLLBACK TO SAVEPOINT rum_ext")
                has_rum = False
        if has_rum:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON search_searchentry "
                "USING rum (vector rum_tsvector_ops)"
            )
        else:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON search_searchentry USING gin (vector)"
            )
        for column in ("themes", "groups", "langs", "access"):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS search_entry_{column}_gin ON search_searchentry "
                f"USING gin ({column} jsonb_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in (RUM_INDEX, GIN_INDEX) + tuple(
            f"search_entry_{c}_gin" for c in ("themes", "groups", "langs", "access")
        ):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
