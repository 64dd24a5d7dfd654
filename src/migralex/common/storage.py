"""Content-addressed storage of original files under ``ORIGINALS_DIR``.

A blob lives at ``originals/ab/cd/<sha256>``; it is written to a temporary file in the same
directory, flushed and renamed, so a crash or a full disk never leaves a half-written original
under its final name, and writing the same bytes twice is a no-op. Blobs are never modified.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings

from migralex.common.hashing import sha256_bytes


def blob_path(sha256: str) -> Path:
    return Path(settings.ORIGINALS_DIR) / sha256[:2] / sha256[2:4] / sha256


def blob_put(data: bytes) -> str:
    """Store ``data`` and return its SHA-256. Idempotent; atomic."""
    digest = sha256_bytes(data)
    path = blob_path(digest)
    if path.exists() and path.stat().st_size == len(data):
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o444)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return digest


def blob_get(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()


def blob_exists(sha256: str) -> bool:
    return blob_path(sha256).exists()
