"""Indicators (README: 指标): per report on the samples against figures worked out by hand from the gold
tables, nulls for zero denominators and unproven cells, aggregates recomputed from sums, the ranking guard,
both templates, cross-year checks on generated series, and the exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from indexer.api import Library
from indexer.errors import NianbaoError
from indexer.indicators import DEFINITIONS, aggregate, ranking
from tests.builders import load_generator

NIANBAO = Path(sys.executable).with_name("nianbao")
generator = load_generator()

# uid prefixes of the samples (data/reports/00N_…): 000 盐池 2020, 001 中宁 2019, 002 原州 2019, 003 西夏 2020,
# 004 合水 2020 — found by publisher, so the test does not depend on how uids are made.
PUBLISHERS = {
    "盐池": "盐池县人民政府办公室",
    "中宁": "中宁县人民政府",
    "原州": "固原市原州区人民政府办公室",
    "西夏": "银川市西夏区人民政府",
    "合水": "合水县人民政府",
}

# Worked out by hand from ../gold (requests, review_litigation, proactive), not by the code under test.
HAND = {
    "中宁": {
        "收到申请": 5, "办结": 5, "予以公开": 4, "部分公开": 0, "不予处理": 1, "公开率": 0.8, "不予处理率": 0.2,
        "无法提供率": 0.0, "不予公开率": 0.0, "结转率": 0.0, "自然人申请占比": 0.6, "零申请": 0, "直接起诉": 1,
        "直接起诉纠错率": 0.0, "争议转化率": 0.2, "规范性文件.新制作": 2, "规范性文件.对外公开总数": 2,
        "规章.新制作": 0, "行政许可决定": 52772, "行政处罚决定": 23302,
    },
    "盐池": {"收到申请": 5, "办结": 0, "无法提供": 2, "结转率": 0.0, "自然人申请占比": 1.0, "零申请": 0,
             "规范性文件.新制作": 3, "行政许可决定": 0},
    "西夏": {
        "收到申请": 13, "办结": 13, "公开率": 11 / 13, "无法提供率": 2 / 13, "复议": 0, "争议转化率": 0.0,
        "规范性文件.对外公开总数": 5, "行政许可决定": 8404, "行政处罚决定": 524,
    },
    "合水": {
        "收到申请": 1, "办结": 1, "公开率": 0.0, "不予公开率": 1.0, "复议": 5, "复议纠正": 0, "复议纠错率": 0.0,
        "争议转化率": 5.0, "规范性文件.新制作": 8, "规范性文件.对外公开总数": 14, "行政许可决定": 2705,
        "行政处罚决定": 687,
    },
    "原州": {"收到申请": 0, "零申请": 1, "规范性文件.新制作": 2},
}  # fmt: skip
# Zero denominators: null, with the reason naming the denominator.
ZERO = {
    "盐池": {"公开率": "办结 is 0", "不予处理率": "办结 is 0"},
    "中宁": {"复议纠错率": "复议 is 0"},
    "西夏": {"复议纠错率": "复议 is 0", "直接起诉纠错率": "直接起诉 is 0"},
    "原州": {"自然人申请占比": "收到申请 is 0", "结转率": "收到申请 + 上年结转 is 0"},
}


@pytest.fixture(scope="module")
def panel(sample_db: Path) -> dict[str, object]:
    rows = Library(sample_db).indicator_panel()
    by_publisher = {r.publisher: r for r in rows}
    return {short: by_publisher[name] for short, name in PUBLISHERS.items()}


@pytest.mark.parametrize("short", sorted(HAND))
def test_indicators_equal_the_hand_figures(panel: dict, short: str) -> None:
    report = panel[short]
    for key, expected in HAND[short].items():
        got = report.figures[key]
        assert got.value == pytest.approx(expected), (short, key, got)


@pytest.mark.parametrize("short", sorted(ZERO))
def test_a_zero_denominator_is_null_with_its_reason(panel: dict, short: str) -> None:
    for key, reason in ZERO[short].items():
        figure = panel[short].figures[key]
        assert figure.value is None and figure.reason == reason, (short, key, figure)


def test_an_unprinted_block_makes_its_indicators_null_and_says_so(panel: dict) -> None:
    yanchi = panel["盐池"]  # its 行政复议 row is not printed (gold: None)
    assert yanchi.figures["复议"].value is None and "not proven" in yanchi.figures["复议"].reason
    assert yanchi.figures["复议纠错率"].value is None and "复议" in yanchi.figures["复议纠错率"].reason
    assert yanchi.figures["争议转化率"].value is None
    # the 2019 template prints no 收费金额 and no 2021 stock columns: null, with the reason
    assert panel["中宁"].figures["收费金额"].value is None and "2019" in panel["中宁"].figures["收费金额"].reason
    assert panel["中宁"].figures["规章.现行有效"].value is None


def test_a_report_whose_checks_fail_keeps_its_indicators_flagged(panel: dict) -> None:
    yanchi, zhongning, xixia = panel["盐池"], panel["中宁"], panel["西夏"]
    assert yanchi.flagged and yanchi.figures["不通过检查"].value >= 2  # balance and total row (gold)
    assert zhongning.flagged and zhongning.figures["公开率"].value == 0.8  # its 复议 row does not add up
    # 西夏's prose breakdown of 17400 条 fails, its tables add up: counted, not flagged
    assert not xixia.flagged and xixia.figures["不通过检查"].value == 1 and xixia.failing_table_checks == 0


def _recomputed(members: list, d) -> float | None:
    """A rate of a group straight from the panel: the sums of its parts over the reports that have them."""
    usable = [m for m in members if all(m.figures[k].value is not None for k in (*d.numerator, *d.denominator))]
    below = sum(m.figures[k].value for m in usable for k in d.denominator)
    above = sum(m.figures[k].value for m in usable for k in d.numerator)
    return above / below if usable and below else None


@pytest.mark.parametrize("by", [["province"], ["year"], ["province", "year"], ["level"]])
def test_aggregates_equal_a_recomputation_from_the_panel(sample_db: Path, by: list[str]) -> None:
    library = Library(sample_db)
    rows = library.indicator_panel()
    groups = library.indicators(by)
    assert sum(g.reports for g in groups) == len(rows) == 5
    for g in groups:
        members = [r for r in rows if all(getattr(r, k) == v for k, v in g.key.items())]
        assert sorted(g.report_ids) == sorted(m.uid for m in members)
        assert g.flagged == sum(m.flagged for m in members)
        for d in DEFINITIONS:
            if d.kind == "rate":
                assert g.figures[d.key].value == pytest.approx(_recomputed(members, d)), (g.key, d.key)
            else:
                known = [m.figures[d.key].value for m in members if m.figures[d.key].value is not None]
                assert g.figures[d.key].value == (sum(known) if known else None), (g.key, d.key)
                assert g.behind[d.key] == len(known)


def test_a_group_rate_is_the_rate_of_the_sums_not_a_mean_of_rates(sample_db: Path) -> None:
    library = Library(sample_db)
    (ningxia,) = [g for g in library.indicators(["province"]) if g.key["province"] == "宁夏回族自治区"]
    # 中宁 4/5, 西夏 11/13, 盐池 3/0 (its 办结 prints 0: flagged; 原州's is not proven): 18/18
    assert ningxia.figures["公开率"].value == pytest.approx(18 / 18) and ningxia.behind["公开率"] == 3
    assert ningxia.figures["收到申请"].value == 5 + 5 + 0 + 13 and ningxia.flagged == 2
    (clean_2020,) = library.indicators(exclude_flagged=True, year=2020)
    # 西夏 11/13 and 合水 0/1: 11/14, not the mean of 0.846 and 0
    assert clean_2020.figures["公开率"].value == pytest.approx(11 / 14) and clean_2020.reports == 2


def test_flagged_reports_can_be_left_out(sample_db: Path) -> None:
    library = Library(sample_db)
    everything = library.indicators()[0]
    clean = library.indicators(exclude_flagged=True)[0]
    assert everything.reports == 5 and everything.flagged >= 2  # 盐池 and 中宁 fail checks of their own
    assert clean.flagged == 0 and clean.reports == 5 - everything.flagged
    assert set(clean.report_ids) == {r.uid for r in library.indicator_panel() if not r.flagged}


def test_the_ranking_guard_leaves_small_groups_out(sample_db: Path) -> None:
    groups = Library(sample_db).indicators(["county"])
    ranked, left = ranking(groups, "收到申请", min_reports=5)
    assert ranked == [] and len(left) == len(groups) == 5  # one report a county
    ranked, left = ranking(groups, "公开率", min_reports=1)
    assert [g.key["county"] for g in ranked] == ["西夏区", "中宁县", "合水县"]  # 11/13 > 0.8 > 0
    assert {g.key["county"] for g in left} == {"盐池县", "原州区"}  # their 公开率 is null
    with pytest.raises(NianbaoError, match="unknown indicator"):
        ranking(groups, "透明度", 1)
    with pytest.raises(NianbaoError, match="cannot group by"):
        aggregate([], ["town"])


# ------------------------------------------------------------------ generated series: both templates


def _ingest(reports: list, folder: Path) -> Library:
    folder.mkdir(parents=True, exist_ok=True)
    for r in reports:
        (folder / f"{r.year}.txt").write_text(r.text, encoding="utf-8")
    library = Library(folder / "store.db")
    assert library.ingest([folder], workers=1).ingested == len(reports)
    return library


def _expected(tables: dict, template: str) -> dict[str, float | None]:
    """The indicators written out from the generator's tables, one formula each."""
    req, rev, pro = tables["requests"], tables["review"], tables["proactive"]
    outcomes = [k for k in req if k not in ("新收", "上年结转", "总计", "结转下年度")]
    done = req["总计"][6]

    def share(x: float, y: float) -> float | None:
        return x / y if y else None

    withheld = sum(req[k][6] for k in outcomes if k.startswith("不予公开."))
    out = {
        "收到申请": req["新收"][6],
        "办结": done,
        "公开率": share(req["予以公开"][6] + req["部分公开"][6], done),
        "不予公开率": share(withheld, done),
        "结转率": share(req["结转下年度"][6], req["新收"][6] + req["上年结转"][6]),
        "自然人申请占比": share(req["新收"][0], req["新收"][6]),
        "零申请": int(req["新收"][6] == 0),
        "复议纠错率": share(rev["复议"]["纠正"], rev["复议"]["总计"]),
        "争议转化率": share(sum(rev[b]["总计"] for b in rev), done),
        "行政处罚决定": pro["行政处罚"]["decisions"],
    }
    if template == "2021":
        out |= {
            "规章.现行有效": pro["规章"]["in_force"],
            "规范性文件.本年制发": pro["行政规范性文件"]["issued"],
            "规范性文件.本年废止": pro["行政规范性文件"]["repealed"],
            "收费金额": pro["行政事业性收费"]["amount_wan_yuan"],
            "规范性文件.新制作": None,
        }
    else:
        out |= {"规范性文件.新制作": pro["规范性文件"]["new_made"], "规章.现行有效": None, "收费金额": None}
    return out


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, Library]:
    reports = generator.generate_unit_series((2019, 2020, 2021, 2022, 2023), seed=3)
    return reports, _ingest(reports, tmp_path_factory.mktemp("series"))


def test_indicators_of_both_templates_equal_the_generated_tables(series: tuple) -> None:
    reports, library = series
    panel = {r.year: r for r in library.indicator_panel()}
    assert {panel[y].template for y in panel} == {"2019", "2021"}
    for report in reports:
        got = panel[report.year]
        assert not got.flagged
        for key, expected in _expected(report.tables, report.template).items():
            assert got.figures[key].value == pytest.approx(expected), (report.year, key, got.figures[key])


def test_an_intact_series_passes_every_cross_year_check(series: tuple) -> None:
    reports, library = series
    found = library.cross_year_checks()
    by_status = {s: [c for c in found if c.status == s] for s in ("ok", "failed", "not_evaluable")}
    assert by_status["failed"] == []
    assert len(by_status["ok"]) >= 4 * 7 + 5 + 2 * 2  # 上年结转 every year; 2019 items 2020; 2021 stock 2022–23
    reasons = {(c.year, c.check): c.detail for c in by_status["not_evaluable"]}
    assert reasons[(2019, "上一年报告")] == "本单位没有 2018 年的报告"
    assert "模板不同" in reasons[(2021, "主动公开表衔接")]  # 2019 template in 2020, 2021 template in 2021
    assert {c.previous_report_id for c in found if c.year == 2022} == {
        next(r.uid for r in library.indicator_panel() if r.year == 2021)
    }


@pytest.mark.parametrize(
    ("years", "kind", "check"),
    [
        ((2021, 2022, 2023), "carry_over", "上年结转 = 上年结转下年度 · 自然人"),
        ((2021, 2022, 2023), "stock", "行政规范性文件：上年现行有效 + 本年制发 − 本年废止 = 现行有效"),
        ((2019, 2020), "stock", "行政许可：上年项目数量 + 本年增/减 = 本年的上一年项目数量"),
    ],
)
def test_a_planted_break_is_found_with_both_numbers_and_both_reports(
    tmp_path: Path, years: tuple, kind: str, check: str
) -> None:
    broken = years[1]
    reports = generator.generate_unit_series(years, seed=11, break_year=broken, break_kind=kind)
    library = _ingest(reports, tmp_path)
    panel = {r.year: r for r in library.indicator_panel()}
    assert not any(r.flagged for r in panel.values())  # each report's tables add up on their own
    failed = [c for c in library.cross_year_checks() if c.status == "failed"]
    failed_checks = {c.check for c in failed}
    assert check in failed_checks and failed_checks <= {check, "上年结转 = 上年结转下年度 · 总计"}
    hit = next(c for c in failed if c.check == check)
    assert (hit.year, hit.report_id, hit.previous_report_id) == (broken, panel[broken].uid, panel[broken - 1].uid)
    assert hit.value - hit.expected == (2 if kind == "carry_over" else 3)
    assert f"{hit.value:g}" in hit.detail and f"{hit.expected:g}" in hit.detail


def test_cross_year_problems_recur_beside_this_years_section(series: tuple) -> None:
    reports, library = series
    found = library.cross_year(reports[0].publisher)
    assert [y["year"] for y in found["years"]] == [2019, 2020, 2021, 2022, 2023]
    pairs = found["problems"]
    assert [(p["year"], p["next_year"]) for p in pairs] == [(y, y + 1) for y in (2019, 2020, 2021, 2022)]
    for p in pairs:
        for item in p["recurring_problems"]:
            assert item["text"] and item["next_year_text"] and item["label"]


# ------------------------------------------------------------------ exports


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NIANBAO), *args], capture_output=True, text=True, timeout=300)


def test_the_panel_exports_open_and_round_trip(sample_db: Path, tmp_path: Path) -> None:
    listed = _cli("indicators", "--json", "--db", str(sample_db))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 5 and {"report_id", "region_code", "year", "公开率", "requests.新收.总计"} <= set(rows[0])
    xlsx, parquet, csv = tmp_path / "p.xlsx", tmp_path / "p.parquet", tmp_path / "p.csv"
    written = _cli("indicators", "--xlsx", str(xlsx), "--parquet", str(parquet), "--csv", str(csv), "--db",
                   str(sample_db))  # fmt: skip
    assert written.returncode == 0, written.stderr
    sheet = load_workbook(xlsx, read_only=True).active
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    from_parquet = pq.read_table(parquet).to_pylist()
    for got in (from_parquet, [dict(zip(header, v, strict=True)) for v in values]):
        assert len(got) == 5
        by_id = {r["report_id"]: r for r in got}
        for row in rows:
            back = by_id[row["report_id"]]
            for key, value in row.items():
                if value is None:
                    assert back[key] is None or back[key] != back[key], key  # None (or NaN in a float column)
                elif isinstance(value, float):
                    assert back[key] == pytest.approx(value), key
                else:
                    assert back[key] == value, key
    assert csv.read_bytes().startswith("\ufeffreport_id".encode())  # Excel opens it as UTF-8


def test_grouped_exports_carry_the_reports_behind_each_figure(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.parquet"
    result = _cli("indicators", "--by", "year", "--parquet", str(out), "--db", str(sample_db))
    assert result.returncode == 0, result.stderr
    rows = {r["year"]: r for r in pq.read_table(out).to_pylist()}
    assert rows[2019]["reports"] == 2 and rows[2020]["reports"] == 3
    assert rows[2020]["公开率"] == pytest.approx((3 + 11 + 0) / (0 + 13 + 1)) and rows[2020]["公开率.reports"] == 3
    assert rows[2020]["flagged"] == 1  # 盐池


def test_the_cli_lists_cross_year_checks_and_recurring_problems(tmp_path: Path) -> None:
    reports = generator.generate_unit_series((2021, 2022, 2023), seed=11, break_year=2022, break_kind="carry_over")
    library = _ingest(reports, tmp_path)
    result = _cli("checks", "--cross-year", "--failed", "--json", "--db", str(library.db))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {(c["year"], c["check"], c["value"] - c["expected"]) for c in answer["checks"]} == {
        (2022, "上年结转 = 上年结转下年度 · 自然人", 2),
        (2022, "上年结转 = 上年结转下年度 · 总计", 2),
    }
    assert [(p["year"], p["next_year"]) for p in answer["problems"]] == [(2021, 2022)]  # the failing year's pair
    text = _cli("checks", "--cross-year", "--db", str(library.db)).stdout
    assert "✗ " in text and "2021→2022 问题再现" in text and "不通过 2" in text


def test_the_readme_defines_every_indicator() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for d in DEFINITIONS:
        assert f"| {d.label} | `{d.key}` | {d.formula} | {d.null_when} |" in readme, d.key


def test_the_stored_figures_equal_the_figures_computed_from_the_cells(series: tuple, sample_db: Path) -> None:
    for library in (series[1], Library(sample_db)):
        slow = {r.uid: r for r in library.indicator_panel()}
        fast = library.indicator_panel(cells=False)
        assert {r.uid for r in fast} == set(slow)
        for r in fast:
            assert r.flagged == slow[r.uid].flagged and r.failing_checks == slow[r.uid].failing_checks
            assert {k: (f.value, f.reason) for k, f in r.figures.items()} == {
                k: (f.value, f.reason) for k, f in slow[r.uid].figures.items()
            }


def test_figures_stored_under_other_definitions_are_recomputed(tmp_path: Path, sample_db: Path) -> None:
    import shutil

    from indexer.store import connect, pack, unzip

    db = tmp_path / "s.db"
    shutil.copy(sample_db, db)
    conn = connect(db)
    stale = [
        (pack(unzip(f).replace('"收到申请":[5,', '"收到申请":[99,'), "figures"), rid)
        for rid, f in conn.execute("SELECT report_id, figures FROM report_cells")
    ]
    conn.executemany("UPDATE report_cells SET figures = ? WHERE report_id = ?", stale)
    assert sorted(Library(db).indicator_panel(cells=False)[i].figures["收到申请"].value for i in range(5))[-1] == 99
    conn.execute("UPDATE meta SET value = 'older' WHERE key = 'indicators'")
    conn.close()
    panel = Library(db).indicator_panel(cells=False)  # a read opens it once to recompute
    assert sorted(r.figures["收到申请"].value for r in panel) == [0, 1, 5, 5, 13]
