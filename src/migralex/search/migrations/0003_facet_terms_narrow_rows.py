"""Facet lexemes and narrow rows for the PostgreSQL search backend.

``facet_terms`` holds one lexeme per facet value of the document, so that ``ts_stat()`` counts
every facet of a result set in one C-level pass. Rows are kept narrow so that the scan of the
matching rows (count and facets) reads few pages: the vector and the payload go out of line
(``toast_tuple_target``), the small columns that filters and facets read stay in the row. The
text for snippets is no longer copied into the payload: it is read from the indexed version."""

import django.contrib.postgres.search
from django.db import migrations

# Never compressed nor moved out: each is at most a few hundred bytes and read for every match.
SMALL_COLUMNS = (
    "doc_type",
    "country",
    "status",
    "source",
    "themes",
    "groups",
    "langs",
    "access",
    "facet_terms",
)
FILL_FACET_TERMS = """
UPDATE search_searchentry SET payload = payload - 'text', facet_terms = array_to_tsvector(
    array_remove(ARRAY['all', 'type:' || nullif(doc_type, ''), 'country:' || nullif(country, ''),
        'status:' || nullif(status, ''), 'source:' || nullif(source, ''),
        CASE WHEN year > 0 THEN 'year:' || year END], NULL)
    || ARRAY(SELECT 'theme:' || v FROM jsonb_array_elements_text(themes) v)
    || ARRAY(SELECT 'group:' || v FROM jsonb_array_elements_text(groups) v)
    || ARRAY(SELECT 'lang:' || v FROM jsonb_array_elements_text(langs) v))
"""


def narrow_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE search_searchentry SET (toast_tuple_target = 128)")
        for column in SMALL_COLUMNS:
            cursor.execute(
                f"ALTER TABLE search_searchentry ALTER COLUMN {column} SET STORAGE PLAIN"
            )
        try:  # lz4 (PostgreSQL built with it, as Debian's is): the vector takes 7 % less room
            cursor.execute("SAVEPOINT lz4")
            cursor.execute("ALTER TABLE search_searchentry ALTER COLUMN vector SET COMPRESSION lz4")
            cursor.execute("RELEASE SAVEPOINT lz4")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT lz4")
        cursor.execute(FILL_FACET_TERMS)  # rewrites the rows: the new layout applies at once


class Migration(migrations.Migration):
    dependencies = [("search", "0002_vector_index")]
    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="facet_terms",
            field=django.contrib.postgres.search.SearchVectorField(default=""),
        ),
        migrations.RunPython(narrow_rows, migrations.RunPython.noop),
    ]
