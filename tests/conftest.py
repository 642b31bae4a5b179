"""Fixtures shared by the test files."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indexer.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the five sample reports, built once; tests only read it."""
    path = tmp_path_factory.mktemp("samples") / "samples.db"
    assert ingest([ROOT / "data" / "reports"], db=path, workers=1).ingested == 5
    return path


@pytest.fixture
def app(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Streamlit app on the sample store, first page rendered."""
    monkeypatch.setenv("NIANBAO_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "ui" / "检索.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at
