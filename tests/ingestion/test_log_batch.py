"""An ingestion run's processing-log entries are written in one INSERT when the run ends
(documents.services.processing_log_batched), whatever happened, each run's own."""

import pytest

from migralex.documents.choices import StageStatus
from migralex.documents.models import ProcessingLogEntry
from migralex.documents.services import (
    processing_log_attach,
    processing_log_batched,
    processing_log_record,
)
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db
OK = StageStatus.OK


def logged():
    return list(ProcessingLogEntry.objects.values_list("run_id", "stage", "document_id"))


def test_entries_are_written_when_the_batch_ends_even_on_failure():
    with pytest.raises(RuntimeError), processing_log_batched():
        processing_log_record("r1", "store", OK)
        processing_log_record("r1", "detect", OK)
        assert logged() == []
        raise RuntimeError("parser bug")
    assert logged() == [("r1", "store", None), ("r1", "detect", None)]


def test_a_nested_batch_writes_its_own_entries_when_it_ends():
    with processing_log_batched():
        processing_log_record("outer", "store", OK)
        with processing_log_batched():
            processing_log_record("inner", "store", OK)
        assert logged() == [("inner", "store", None)]
        processing_log_record("outer", "save", OK)
    assert [run for run, _, _ in logged()] == ["inner", "outer", "outer"]


@pytest.mark.parametrize("batched", [True, False])
def test_attach_points_the_run_s_earlier_entries_at_its_document(batched):
    document = DocumentFactory()
    if batched:
        with processing_log_batched():
            processing_log_record("r1", "store", OK)
            processing_log_record("r2", "store", OK)
            processing_log_attach("r1", document)
    else:
        processing_log_record("r1", "store", OK)
        processing_log_record("r2", "store", OK)
        processing_log_attach("r1", document)
    assert logged() == [("r1", "store", document.pk), ("r2", "store", None)]
