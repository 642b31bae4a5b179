"""The parser against the hand-checked gold annotations of the five sample reports, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.model import APPLICANT_COLUMNS, Report
from indexer.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold"
GOLD = sorted(GOLD_DIR.glob("*.json"))

# Section headings as printed in the samples, and the kind each must get.
HEADING_KIND = {
    "总体情况": "overview",
    "主动公开政府信息情况": "proactive",
    "收到和处理政府信息公开申请情况": "applications",
    "政府信息公开行政复议、行政诉讼情况": "review_litigation",
    "存在的主要问题及改进情况": "problems",
    "其他需要报告的事项": "other",
    "其他需要报告的情况": "other",
}

# The gold's `consistency` rules, by sample, and the check id that must fail for each.
GOLD_RULE_TO_CHECK = {
    "新收 + 上年结转 = (七)总计 + 结转下年度": "requests.balance",
    "(七)总计 = sum of outcome rows (一)–(六)": "requests.total_row",
    "narrative vs table (applications)": "narrative.requests",
    "narrative internal (网络舆情)": "narrative.conflict",
    "行政复议: 总计 = 维持 + 纠正 + 其他 + 尚未审结": "review.sum",
    "narrative internal (建设项目公示)": "narrative.breakdown",
    "narrative internal (政策解读)": "narrative.conflict",
    "narrative breakdown vs stated total (主动公开)": "narrative.breakdown",
    "narrative percentage": "narrative.rate",
}


def _gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=GOLD, ids=lambda p: p.stem[:3])
def pair(request: pytest.FixtureRequest) -> tuple[dict, Report]:
    gold = _gold(request.param)
    return gold, parse_file(str(ROOT / "data" / "reports" / gold["file"]))


def test_there_are_five_gold_reports() -> None:
    assert len(GOLD) == 5


def test_metadata(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    assert report.title == gold["title"]
    assert report.publisher == gold["publisher"]
    assert report.year == gold["year"]
    assert report.template == gold["template"]


def test_region(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    assert report.region is not None
    got = {"province": report.region.province, "city": report.region.city, "county": report.region.county}
    assert got == gold["region"]


def test_level_is_county_for_county_governments(pair: tuple[dict, Report]) -> None:
    _, report = pair
    assert report.level == "county"


def test_sections_and_kinds(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    assert [s.heading for s in report.sections] == gold["sections"]
    assert [s.kind for s in report.sections] == [HEADING_KIND[h] for h in gold["sections"]]


def test_proactive_table_every_cell(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    assert report.proactive is not None
    for row, fields in gold["proactive"].items():
        for name, expected in fields.items():
            got = report.proactive[row][name]
            if expected is None:
                assert got.value is None, (row, name)
                assert got.reason, (row, name)
            else:
                assert got.value == expected, (row, name, got)


def _derivable(gold: dict, row: str, column: str) -> bool:
    return any(d["row"] == row and d["column"] in (column, None) for d in gold["derived_cells"])


def test_requests_table_every_cell(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    assert report.requests is not None
    assert list(report.requests) == list(gold["requests"]["rows"])
    assert gold["requests"]["columns"] == list(APPLICANT_COLUMNS)
    for row, expected_cells in gold["requests"]["rows"].items():
        got = report.requests[row]
        assert len(got) == 7
        for col, (cell, expected) in enumerate(zip(got, expected_cells, strict=True)):
            column = APPLICANT_COLUMNS[col]
            if expected is None:
                assert cell.value is None, (row, column)
            elif cell.value is None:
                assert _derivable(gold, row, column), (row, column, "must be read, not left empty")
                assert cell.reason
            else:
                assert cell.value == expected, (row, column, cell)


def test_derived_values_are_flagged(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    for d in report.derived_cells:
        assert d.basis
        assert (
            _derivable(gold, d.row, d.column)
            or d.column is None
            and any(g["row"] == d.row for g in gold["derived_cells"])
        ), d


def test_review_litigation_every_cell(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    for block, fields in gold["review_litigation"].items():
        for name, expected in fields.items():
            got = report.review_litigation[block][name].value if report.review_litigation else None
            assert got == expected, (block, name)


def test_narrative_figures_stated(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    values = list(report.narrative_figures.values())
    for label, expected in gold["narrative_figures"].items():
        assert expected in values, (label, expected)
    if "收到申请" in gold["narrative_figures"]:
        assert report.narrative_figures["收到申请"] == gold["narrative_figures"]["收到申请"]


def test_gold_inconsistencies_are_failing_checks(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    failing = {c.check for c in report.consistency if c.ok is False}
    for rule in gold["consistency"]:
        assert GOLD_RULE_TO_CHECK[rule["rule"]] in failing, rule


def test_consistent_tables_pass_their_checks(pair: tuple[dict, Report]) -> None:
    gold, report = pair
    named = {GOLD_RULE_TO_CHECK[r["rule"]] for r in gold["consistency"]}
    for check in report.consistency:
        if check.check.startswith(("requests.", "review.")) and check.check not in named:
            assert check.ok is not False, check


def test_required_check_ids_are_recorded(pair: tuple[dict, Report]) -> None:
    _, report = pair
    ids = {c.check for c in report.consistency}
    for required in (
        "requests.balance",
        "requests.total_row",
        "requests.row_sum",
        "review.sum",
        "narrative.requests",
        "sections.missing",
        "tables.missing",
    ):
        assert required in ids


def test_truncated_report_fails_completeness_checks() -> None:
    report = parse_file(str(ROOT / "data" / "reports" / "002_49933982007c6c7a.txt"))
    by_id = {c.check: c for c in report.consistency}
    assert by_id["sections.missing"].ok is False
    assert "四、复议诉讼" in by_id["sections.missing"].detail
    assert by_id["tables.missing"].ok is False
    assert by_id["requests.balance"].ok is None
    assert "未印出" in by_id["requests.balance"].detail
    assert report.warnings
