"""Search over the ingested reports: one API for the CLI and the UI, whatever the backend."""

from __future__ import annotations

import os
from pathlib import Path

from indexer.errors import NianbaoError
from indexer.search.base import SearchBackend, SearchQuery, SearchResult
from indexer.search.sqlite import SqliteBackend

__all__ = ["SearchBackend", "SearchQuery", "SearchResult", "SqliteBackend", "open_backend"]


def open_backend(db: str | Path | None = None, backend: str | None = None) -> SearchBackend:
    """The configured search backend: NIANBAO_BACKEND=sqlite (default, the embedded store) or elasticsearch."""
    name = (backend or os.environ.get("NIANBAO_BACKEND") or "sqlite").lower()
    if name == "elasticsearch":
        from indexer.search.elastic import ElasticBackend

        return ElasticBackend()
    if name != "sqlite":
        raise NianbaoError(f"unknown backend '{name}': NIANBAO_BACKEND is sqlite or elasticsearch")
    return SqliteBackend(db)
