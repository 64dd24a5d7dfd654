"""Which thesaurus the concept lexemes of a row's vector come from (PostgreSQL backend).

Rows indexed before have none (""): the drift check sees them as stale and reindexes them with
their concepts (``PostgresBackend.versions``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0004_terms_gin")]
    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="concepts_of",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
    ]
