from tests.web.conftest import (  # noqa: F401 - shared fixtures
    analyst_client,
    contributor_client,
    corpus,
    ingest,
    reader_client,
    thesaurus,
)
