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


@pytest.mark.parametrize(
    ("field", "short", "full"),
    [
        ("province", "宁夏", "宁夏回族自治区"),
        ("county", "盐池", "盐池县"),
        ("county", "西夏", "西夏区"),
        ("city", "固原", "固原市"),
    ],
)
def test_region_filters_take_short_names(sample_db: Path, field: str, short: str, full: str) -> None:
    library = Library(sample_db)
    by_full = library.search(SearchQuery(text="政务公开", **{field: full}))
    by_short = library.search(SearchQuery(text="政务公开", **{field: short}))
    assert by_full.total_reports > 0
    assert [h.report_id for h in by_short.hits] == [h.report_id for h in by_full.hits]
    assert library.region_name(short, field) == full


def test_similar_takes_a_short_name_and_an_ambiguous_one_lists_the_regions(sample_db: Path) -> None:
    library = Library(sample_db)
    assert library.similar("宁夏") == library.similar("宁夏回族自治区")
    assert library.region_name("鼓楼") == "鼓楼区"  # four units, one name: the filter matches all of them
    with pytest.raises(NianbaoError, match="could be several regions.*朝阳市.*朝阳县"):
        library.region_name("朝阳")  # 北京市朝阳区, 辽宁省朝阳市, 朝阳县 …
