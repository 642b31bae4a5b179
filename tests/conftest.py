"""Fixtures shared by the test files."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the five sample reports, built once; tests only read it."""
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    assert ingest([ROOT / "data" / "reports"], db=path, workers=1).ingested == 5
    return path
