"""Watched folder: every regular file under the folder is an item keyed by its relative path,
so an edited file becomes a new version of the same document. A file whose size and
modification time did not move is not even read."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from migralex.common.hashing import sha256_bytes
from migralex.sources.polling import Item, Poll, PollResult

MAX_FILES_PER_POLL = 500


class FolderNotAllowed(PermissionError):
    pass


def folder_roots() -> list[Path]:
    """Folders a watched-folder source may read: the data dir and MIGRALEX_WATCH_DIRS."""
    roots = [Path(settings.DATA_DIR)] + [Path(p) for p in settings.SOURCE_FOLDER_ROOTS]
    return [root.resolve() for root in roots]


def folder_check(path: str) -> Path:
    """The resolved folder if it lies under an allowed root, else :class:`FolderNotAllowed`:
    a source added through the UI must not be able to read ``/etc``."""
    folder = Path(path).expanduser().resolve()
    if not any(folder == root or folder.is_relative_to(root) for root in folder_roots()):
        raise FolderNotAllowed(f"folder {folder} is outside the data dir and MIGRALEX_WATCH_DIRS")
    return folder


def poll_folder(poll: Poll) -> PollResult:
    root = folder_check(poll.source.url)
    if not root.is_dir():
        raise FileNotFoundError(f"folder {root} does not exist")
    out = PollResult()
    max_bytes = settings.FETCH_MAX_BYTES
    for path in sorted(root.rglob("*")):
        if len(out.items) >= MAX_FILES_PER_POLL:
            out.notes.append("more files left for the next poll")
            break
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.is_symlink():
            continue  # hidden files, editors' temporary files, and links out of the folder
        if not path.is_file():
            continue
        stat = path.stat()
        signature = f"{stat.st_size}:{stat.st_mtime_ns}"
        key = rel.as_posix()
        if poll.signature_of(key) == signature:
            continue
        if stat.st_size > max_bytes:
            out.notes.append(f"{key}: {stat.st_size} bytes exceeds the size cap, skipped")
            continue
        data = path.read_bytes()
        content_hash = sha256_bytes(data)
        if not poll.is_new_or_changed(key, content_hash):
            # Touched but identical: remember the new signature so it is not read again.
            item = poll.known()[key]
            item.signature = signature
            item.save(update_fields=["signature"])
            continue
        out.items.append(Item(key, "", path.name, data, content_hash, signature))
    return out
