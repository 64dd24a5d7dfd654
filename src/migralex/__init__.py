"""Migralex: legal watch on migrants rights."""

__version__ = "0.1.0"
