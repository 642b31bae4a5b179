"""One API under the CLI and the UI: the UI holds no SQL and no store access of its own, and the CLI's
answers are the library's (which the UI pages show)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.api import Library
from indexer.errors import NianbaoError
from indexer.search import SearchQuery

ROOT = Path(__file__).resolve().parents[1]
NIANBAO = Path(sys.executable).with_name("nianbao")


def test_the_ui_runs_no_sql_and_opens_no_store_itself() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"sqlite3|execute\(|indexer\.store", line)
    ]
    assert offending == []


def _cli(db: Path, *args: str) -> object:
    result = subprocess.run([str(NIANBAO), *args, "--db", str(db)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_cli_answers_as_the_library_does(sample_db: Path) -> None:
    library = Library(sample_db)
    assert _cli(sample_db, "cites", "政府信息公开条例", "--json") == json.loads(
        json.dumps(library.cites("政府信息公开条例").to_json(), ensure_ascii=False)
    )
    assert _cli(sample_db, "practice", "政府开放日", "--json") == json.loads(
        json.dumps(library.practice("政府开放日").to_json(), ensure_ascii=False)
    )
    assert _cli(sample_db, "reports", "--json") == [e.to_json() for e in library.reports()]
    assert _cli(sample_db, "problems", "--json") == json.loads(json.dumps(library.problems(), ensure_ascii=False))
    searched = _cli(sample_db, "search", "政务公开", "--json", "--limit", "100")
    answer = library.search(SearchQuery("政务公开", per_page=100))
    assert searched["total_reports"] == answer.total_reports
    assert [h["report_id"] for h in searched["hits"]] == [h.report_id for h in answer.hits]
    uid = library.reports()[0].uid
    assert _cli(sample_db, "show", uid, "--json") == library.report(uid).model


def test_an_unknown_report_or_backend_is_an_error() -> None:
    with pytest.raises(NianbaoError, match="NIANBAO_BACKEND"):
        Library(backend="solr")


def test_an_unknown_report_id_is_an_error(sample_db: Path) -> None:
    with pytest.raises(NianbaoError, match="没有编号为 nope 的报告"):
        Library(sample_db).report("nope")
