"""`nianbao parse`: the summary, the JSON model, and one clear line for every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import build_scanned_pdf

ROOT = Path(__file__).resolve().parents[1]
NIANBAO = Path(sys.executable).with_name("nianbao")
SAMPLE = ROOT / "data" / "reports" / "000_26dfd29bd5682613.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NIANBAO), *args], capture_output=True, text=True, timeout=120)


def test_parse_summary_names_tables_and_failing_checks() -> None:
    result = run("parse", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "盐池县人民政府办公室2020年政府信息公开年度报告" in out
    assert "宁夏回族自治区 / 吴忠市 / 盐池县" in out
    assert "requests.balance" in out and "requests.total_row" in out
    assert "予以公开" in out


def test_parse_json_has_the_gold_keys() -> None:
    result = run("parse", "--json", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    for key in (
        "title",
        "publisher",
        "region",
        "year",
        "template",
        "sections",
        "proactive",
        "requests",
        "review_litigation",
        "narrative_figures",
        "consistency",
        "derived_cells",
        "level",
    ):
        assert key in model
    assert model["requests"]["rows"]["新收"] == [5, 0, 0, 0, 0, 0, 5]
    assert model["review_litigation"]["复议"]["总计"] is None
    assert {"check", "ok", "detail"} <= set(model["consistency"][0])


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp / "empty.txt"
    empty.write_bytes(b"")
    garbage = tmp / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 64)
    story = tmp / "story.txt"
    story.write_text("今天天气很好，我们去公园散步。春天来了，花开了。" * 30, encoding="utf-8")
    big = tmp / "big.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    unknown = tmp / "report.xyz"
    unknown.write_text("政府信息公开工作年度报告", encoding="utf-8")
    scanned = build_scanned_pdf(tmp / "scanned.pdf")
    return {
        "empty": (empty, "empty"),
        "garbage": (garbage, "binary"),
        "not a report": (story, "not a government information disclosure annual report"),
        "50 MB": (big, "MB"),
        "unknown extension": (unknown, "unsupported file type"),
        "scanned pdf": (scanned, "the PDF has no text layer and its pages were read by OCR (tesseract"),
        "missing": (tmp / "nope.txt", "not found"),
    }


@pytest.mark.parametrize(
    "case", ["empty", "garbage", "not a report", "50 MB", "unknown extension", "scanned pdf", "missing"]
)
def test_bad_input_is_one_clear_line(case: str, tmp_path: Path) -> None:
    path, words = _bad_inputs(tmp_path)[case]
    result = run("parse", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert words in lines[0]


def test_truncated_report_is_not_an_error(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").split("二、主动公开政府信息情况")[0]
    cut = tmp_path / "cut.txt"
    cut.write_text(text, encoding="utf-8")
    result = run("parse", "--json", str(cut))
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    failing = {c["check"] for c in model["consistency"] if c["ok"] is False}
    assert {"sections.missing", "tables.missing"} <= failing
    assert model["warnings"]
    assert model["title"] == "盐池县人民政府办公室2020年政府信息公开年度报告"


def test_search_all_exports_every_hit_not_one_page(sample_db: Path) -> None:
    page = json.loads(run("search", "--json", "--limit", "2", "--db", str(sample_db)).stdout)
    every = json.loads(run("search", "--json", "--all", "--limit", "2", "--db", str(sample_db)).stdout)
    assert page["total_reports"] == every["total_reports"] == 5
    assert len(page["hits"]) == 2 and len({h["report_id"] for h in every["hits"]}) == 5
