"""Hand-over points of the pipeline that later issues fill.

``AFTER_VERSION``: called with each new :class:`Version` once it is saved and indexed (alert
matching appends its percolator here). An exception in one hook is recorded on the document's
processing log and does not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable

from migralex.documents.models import Version

AFTER_VERSION: list[Callable[[Version], None]] = []
