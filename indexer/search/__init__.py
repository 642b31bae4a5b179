"""Search over the ingested reports: one API for the CLI and the UI, whatever the backend."""

from __future__ import annotations

from pathlib import Path

from indexer.search.base import SearchBackend, SearchQuery, SearchResult
from indexer.search.sqlite import SqliteBackend

__all__ = ["SearchBackend", "SearchQuery", "SearchResult", "SqliteBackend", "open_backend"]


def open_backend(db: str | Path | None = None) -> SearchBackend:
    """The configured search backend (the embedded SQLite store by default)."""
    return SqliteBackend(db)
