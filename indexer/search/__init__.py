"""Search over the ingested reports: one API for the CLI and the UI, whatever the backend."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from indexer.errors import NianbaoError
from indexer.search.base import SearchBackend, SearchQuery, SearchResult

__all__ = ["SearchBackend", "SearchQuery", "SearchResult", "SqliteBackend", "open_backend"]


def open_backend(db: str | Path | None = None, backend: str | None = None) -> SearchBackend:
    """The configured search backend: NIANBAO_BACKEND=sqlite (default: the store and its embedded index)
    or elasticsearch."""
    name = (backend or os.environ.get("NIANBAO_BACKEND") or "sqlite").lower()
    if name == "elasticsearch":
        from indexer.search.elastic import ElasticBackend

        return ElasticBackend()
    if name != "sqlite":
        raise NianbaoError(f"unknown backend '{name}': NIANBAO_BACKEND is sqlite or elasticsearch")
    from indexer.search.sqlite import SqliteBackend

    return SqliteBackend(db)


def __getattr__(name: str) -> Any:
    if name == "SqliteBackend":  # imported when asked for: the store imports this package's index module
        from indexer.search.sqlite import SqliteBackend

        return SqliteBackend
    raise AttributeError(name)
