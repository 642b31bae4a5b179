"""Problems and fixes against the gold, taxonomy categories, recurrence across years, clusters, CLI.

An extracted item matches a gold item when their texts, with whitespace removed, have a
difflib.SequenceMatcher ratio of at least 0.8 (the gold text is the item as printed, from its
enumerator up to the next one).
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.build import build_graph
from graph.problems import clusters, problem_ranking, recurrence, region_items
from indexer.extract.problems import extract_items, taxonomy
from indexer.ingest import ingest
from indexer.parse import parse_file
from indexer.store import connect

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.json"))
NIANBAO = Path(sys.executable).with_name("nianbao")

# The category every gold problem must get (hand-assigned from the item's text).
EXPECTED = {
    "000": ["content_incomplete", "policy_interpretation", "security_risk"],
    "001": ["content_incomplete", "oversight_weak", "staff_capacity", "platform_construction", "policy_interpretation"],
    "002": ["awareness_weak", "content_incomplete", "oversight_weak"],
    "003": ["staff_capacity", "policy_interpretation", "new_media_management"],
    "004": ["awareness_weak", "content_incomplete", "policy_interpretation"],
}


def _squeezed(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _matches(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, _squeezed(a), _squeezed(b)).ratio() >= 0.8


def _items(path: Path) -> tuple[dict, list]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    return gold, extract_items(parse_file(str(ROOT / "data" / "reports" / gold["file"])))


def test_items_recall_and_precision() -> None:
    gold_n = found_n = gold_hit = found_hit = 0
    for path in GOLD:
        gold, items = _items(path)
        for kind, key in (("problem", "problems"), ("fix", "fixes")):
            ours = [i.text for i in items if i.kind == kind]
            theirs = [g["text"] for g in gold[key]]
            gold_n += len(theirs)
            found_n += len(ours)
            gold_hit += sum(any(_matches(t, o) for o in ours) for t in theirs)
            found_hit += sum(any(_matches(t, o) for t in theirs) for o in ours)
    assert gold_hit / gold_n >= 0.9
    assert found_hit / found_n >= 0.9


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem[:3])
def test_every_gold_problem_gets_its_category(path: Path) -> None:
    gold, items = _items(path)
    problems = [i for i in items if i.kind == "problem"]
    for expected, g in zip(EXPECTED[path.stem[:3]], gold["problems"], strict=True):
        item = next(i for i in problems if _matches(g["text"], i.text))
        assert expected in {c["id"] for c in item.categories}, (g["text"], item.categories)
        assert all(c["matched"] and c["score"] >= 1 for c in item.categories)


def test_items_of_a_report_before_2019_with_problems_and_fixes_apart() -> None:
    from indexer.parse import parse_text

    text = (
        "某某县文广新局2013年度信息公开工作年度报告\n"
        "一、主动公开政府信息的情况\n2013年度主动公开信息5条。\n"
        "二、依申请公开政府信息情况\n2013年度没有收到申请。\n"
        "五、存在问题\n政府信息公开工作还存在宣传培训不足、工作人员业务不熟等问题。\n"
        "六、改进措施\n一是规范流程，建立长效机制。二是加强培训，提高业务水平。\n"
    )
    items = extract_items(parse_text(text))
    assert [i.kind for i in items] == ["problem", "fix", "fix"]
    assert items[1].text.startswith("一是规范流程")


def test_item_offsets_point_into_the_text() -> None:
    report = parse_file(str(ROOT / "data" / "reports" / GOLD[0].name.replace(".json", ".txt")))
    for item in extract_items(report):
        assert report.text[item.start : item.end] == item.text


@pytest.fixture(scope="module")
def db(sample_db: Path) -> Path:
    return sample_db


def test_policy_interpretation_is_reported_by_at_least_three_reports(db: Path) -> None:
    ranking = {r["category"]: r for r in problem_ranking(connect(db, readonly=True))}
    assert ranking["policy_interpretation"]["reports"] >= 3
    assert ranking["policy_interpretation"]["examples"] and ranking["policy_interpretation"]["fixes"]


def test_parse_json_emits_problems_and_fixes_in_the_gold_shape() -> None:
    out = subprocess.run(
        [str(NIANBAO), "parse", "--json", str(ROOT / "data" / "reports" / "003_8a3768d55a3234f1.txt")],
        capture_output=True,
        text=True,
        check=True,
    )
    model = json.loads(out.stdout)
    assert len(model["problems"]) == 3 and len(model["fixes"]) == 3
    assert {"summary", "text", "categories"} <= set(model["problems"][0])


YEAR_N = """盐池县人民政府2020年政府信息公开工作年度报告
一、总体情况
2020年，我县推进政务公开。
二、主动公开政府信息情况
无。
五、存在的主要问题及改进情况
一是政策解读形式单一，缺少图解和视频解读。二是政务新媒体管理不够规范，部分账号不更新。
下一步，我县将采取以下措施。（一）丰富政策解读形式，探索运用图解、视频、动漫等方式解读政策。（二）加强政务新媒体监管，建立备案制度。
六、其他需要报告的事项
无。
"""
YEAR_N1 = """盐池县人民政府2021年政府信息公开工作年度报告
一、总体情况
2021年，我县以图解、视频等方式开展政策解读46次，多元化解读成效明显。
二、主动公开政府信息情况
无。
五、存在的主要问题及改进情况
一是政策解读深度不够，形式仍较单一。二是工作人员更换频繁。
下一步，我县将加强培训。
六、其他需要报告的事项
无。
"""


def test_recurrence_across_two_years(tmp_path: Path) -> None:
    (tmp_path / "2020.txt").write_text(YEAR_N, encoding="utf-8")
    (tmp_path / "2021.txt").write_text(YEAR_N1, encoding="utf-8")
    db = tmp_path / "r.db"
    ingest([tmp_path], db=db, workers=1)
    conn = connect(db, readonly=True)
    pairs = recurrence(conn, "盐池县人民政府")
    assert [(p["year"], p["next_year"]) for p in pairs] == [(2020, 2021)]
    recurring = {r["category"] for r in pairs[0]["recurring_problems"]}
    assert "policy_interpretation" in recurring and "new_media_management" not in recurring
    done = {d["category"]: d for d in pairs[0]["fixes_reported_done"]}
    assert "richer_interpretation" in done and "46次" in done["richer_interpretation"]["reported_next_year"]
    ranking = {r["category"]: r for r in problem_ranking(conn)}
    assert ranking["policy_interpretation"]["recurrence"] == 1.0
    assert ranking["new_media_management"]["recurrence"] == 0.0
    by_year = region_items(conn, "盐池县")
    assert {i["year"] for i in by_year} == {2020, 2021}


def test_uncategorised_items_are_clustered(tmp_path: Path) -> None:
    odd = "三是档案数字化进度滞后，纸质档案扫描率低。"
    for year, county in ((2020, "盐池县"), (2021, "同心县"), (2021, "红寺堡区")):
        text = (
            YEAR_N.replace("盐池县", county)
            .replace("2020", str(year))
            .replace("部分账号不更新。", "部分账号不更新。" + odd)
        )
        (tmp_path / f"{county}{year}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "c.db"
    ingest([tmp_path], db=db, workers=1)
    found = clusters(connect(db, readonly=True))
    assert found and found[0]["size"] == 3 and found[0]["regions"] == 3
    assert any("档案" in t for t in found[0]["terms"])


def test_graph_has_problem_and_fix_nodes(db: Path) -> None:
    g = build_graph(connect(db, readonly=True))
    assert "problem:policy_interpretation" in g and g.nodes["problem:policy_interpretation"]["type"] == "problem"
    assert any(d["relation"] == "addressed_by" for _, _, d in g.out_edges("problem:policy_interpretation", data=True))
    assert any(d["relation"] == "reports_problem" for _, _, d in g.in_edges("problem:policy_interpretation", data=True))


def test_cli_problems(db: Path, tmp_path: Path) -> None:
    run = lambda *a: subprocess.run([str(NIANBAO), "problems", *a, "--db", str(db)], capture_output=True, text=True)  # noqa: E731
    out = run("--province", "宁夏回族自治区", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["regions"] >= 1
    assert "政策解读不足或形式单一" in run().stdout
    assert "问题" in run("--region", "盐池县").stdout
    csv_path = tmp_path / "p.csv"
    assert run("--csv", str(csv_path)).returncode == 0 and "policy_interpretation" in csv_path.read_text(
        encoding="utf-8-sig"
    )


def test_items_are_read_from_the_report_text_and_a_schema_13_store_is_upgraded(tmp_path: Path) -> None:
    (tmp_path / "2020.txt").write_text(YEAR_N, encoding="utf-8")
    (tmp_path / "2021.txt").write_text(YEAR_N1, encoding="utf-8")
    db = tmp_path / "r.db"
    ingest([tmp_path], db=db, workers=1)
    parsed = extract_items(parse_file(str(tmp_path / "2020.txt")))
    conn = connect(db, readonly=True)
    items_2020 = [i for i in region_items(conn, "盐池县") if i["year"] == 2020]
    assert [(i["kind"], i["text"]) for i in items_2020] == sorted(
        ((i.kind, i.text) for i in parsed), key=lambda kt: kt[0] != "problem"
    )
    labels = {c.id: c.label for c in taxonomy("problems")}
    first = next(i for i in parsed if i.kind == "problem")
    assert items_2020[0]["categories"] == [labels[c["id"]] for c in first.categories] != []
    answers = (region_items(conn, "盐池县"), recurrence(conn, "盐池县人民政府"), problem_ranking(conn))
    conn.close()

    old = sqlite3.connect(db)  # as schema 13 kept them: each item's text and its categories as JSON
    old.execute("ALTER TABLE items ADD COLUMN text TEXT NOT NULL DEFAULT ''")
    old.execute("ALTER TABLE items ADD COLUMN categories TEXT NOT NULL DEFAULT '[]'")
    old.execute('UPDATE items SET categories = \'[{"id": "x"}]\'')
    old.execute("UPDATE meta SET value = '13' WHERE key = 'schema'")
    old.commit()
    old.close()
    upgraded = connect(db, readonly=True)
    columns = {row[1] for row in upgraded.execute("PRAGMA table_info(items)")}
    assert columns == {"id", "report_id", "kind", "idx", "start", "end"}
    again = (region_items(upgraded, "盐池县"), recurrence(upgraded, "盐池县人民政府"), problem_ranking(upgraded))
    assert again == answers
