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


def test_answers_kept_for_the_ui_follow_every_change_of_the_store(tmp_path: Path) -> None:
    """The problem ranking and the indicator panel are kept between calls (the UI prepares them at
    start), and given anew once the store changes, whichever process changed it."""
    from indexer.ingest import ingest

    samples = sorted((ROOT / "data" / "reports").glob("*.txt"))
    db = tmp_path / "s.db"
    ingest(samples[:2], db=db, workers=1)
    library = Library(db)
    library.prepare()
    before = library.problems(None, None, examples=20)
    assert library.problems(None, None, examples=20) is before  # kept
    # kept for the store, not for the object: `nianbao ui` prepares through a Library of its own
    assert Library(db).problems(None, None, examples=20) is before
    ingest(samples[:1], db=tmp_path / "other.db", workers=1)
    assert Library(tmp_path / "other.db").problems(None, None, examples=20) != before  # another store's
    assert len(library.indicator_panel(cells=False)) == 2
    ingest(samples[2:], db=db, workers=1)  # another Library's connections write
    after = library.problems(None, None, examples=20)
    assert after is not before
    assert sum(r["reports"] for r in after) > sum(r["reports"] for r in before)
    assert len(library.indicator_panel(cells=False)) == len(samples)


def test_threads_read_through_connections_of_their_own(sample_db: Path) -> None:
    """The UI's sessions and its background preparation ask one Library from several threads at once;
    each reads through its own connection, and answers as one thread alone does."""
    import threading

    library = Library(sample_db)

    def questions() -> tuple:
        return (
            library.failing_checks(("requests.", "review.")),
            [r.uid for r in library.reports()],
            library.entity_names("document"),
        )

    alone = questions()
    seen: dict[str, object] = {}

    def ask(name: str) -> None:
        for _ in range(30):
            seen[name] = questions()
        seen[name + " connection"] = id(library.conn)

    threads = [threading.Thread(target=ask, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert seen["a"] == seen["b"] == alone
    assert len({seen["a connection"], seen["b connection"], id(library.conn)}) == 3
