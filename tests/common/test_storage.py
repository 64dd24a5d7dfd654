import os

import pytest

from migralex.common import storage
from migralex.common.hashing import sha256_bytes


def test_blob_put_is_content_addressed_and_idempotent():
    digest = storage.blob_put(b"dahir")
    assert digest == sha256_bytes(b"dahir")
    assert storage.blob_get(digest) == b"dahir"
    assert storage.blob_put(b"dahir") == digest
    path = storage.blob_path(digest)
    assert path.parent.parent.name == digest[:2]
    assert not os.access(path, os.W_OK) or os.getuid() == 0  # read-only (root ignores modes)


def test_failed_write_leaves_no_blob_and_no_temp_file(monkeypatch):
    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", boom)
    with pytest.raises(OSError, match="No space left"):
        storage.blob_put(b"never stored")
    digest = sha256_bytes(b"never stored")
    assert not storage.blob_exists(digest)
    assert list(storage.blob_path(digest).parent.iterdir()) == []
