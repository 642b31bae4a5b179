"""Every number records where it was read: offsets in the normalized and the original text, the
original's line, and for PDFs the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import build_pdf

from indexer.parse import parse_file
from indexer.parse.cells import parse_number
from indexer.read import read_report

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "data" / "reports").glob("*.txt"))


def _numbers(report) -> dict[str, float]:  # noqa: ANN001
    out = {}
    for name, rows in (("proactive", report.proactive), ("review_litigation", report.review_litigation)):
        for row, cells in (rows or {}).items():
            out |= {f"{name}/{row}/{col}": v for col, v in cells.items()}
    for row, values in (report.requests or {}).items():
        from indexer.model import APPLICANT_COLUMNS

        out |= {f"requests/{row}/{col}": v for col, v in zip(APPLICANT_COLUMNS, values, strict=True)}
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_every_printed_cell_points_at_its_number_in_the_original(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    report = parse_file(str(sample))
    lines = original.split("\n")
    for key, v in _numbers(report).items():
        if v.value is None or v.derived:
            continue
        where = report.sources[key]
        printed = original[where["original_start"] : where["original_end"]]
        assert printed in lines[where["line"] - 1] or "\n" in printed
        if "\t" in printed:  # a row whose blank cell could stand in several places: the row is the passage
            continue
        got = parse_number(printed.replace(" ", ""))
        assert got is not None and (got[0] == v.value or got[0] / 10000 == v.value), (key, printed, v)


@pytest.mark.parametrize("sample", SAMPLES[:2], ids=lambda p: p.stem[:3])
def test_figures_of_the_prose_point_at_their_words(sample: Path) -> None:
    original = sample.read_text(encoding="utf-8")
    report = parse_file(str(sample))
    figures = {k: v for k, v in report.sources.items() if k.startswith("figure/")}
    assert len(figures) == len(report.narrative_figures) - ("收到申请" in report.narrative_figures)
    for key, where in figures.items():
        value = report.narrative_figures[key.removeprefix("figure/")]
        assert f"{value:g}".rstrip("0").rstrip(".") in original[where["original_start"] : where["original_end"]]


def test_a_pdf_cell_knows_its_page(tmp_path: Path) -> None:
    sample = SAMPLES[4]
    pdf = build_pdf(sample.read_text(encoding="utf-8"), tmp_path / "r.pdf")
    raw = read_report(pdf)
    assert len(raw.pages) >= 2 and raw.pages[0] == 0
    report = parse_file(str(pdf))
    pages = {where["page"] for where in report.sources.values()}
    assert None not in pages and len(pages) >= 2
    for key in ("proactive/行政许可/decisions", "requests/总计/总计"):
        where = report.sources[key]
        start = raw.pages[where["page"] - 1]
        end = raw.pages[where["page"]] if where["page"] < len(raw.pages) else len(raw.text)
        assert start <= where["original_start"] < end


def test_a_stored_model_reads_its_problems_and_fixes_from_the_text() -> None:
    """pack_model leaves out an item's text and summary where the text at its offsets gives them; an
    item whose text is not there keeps its own."""
    import json

    from indexer.extract.problems import extract_items
    from indexer.store.schema import pack_model, unpack_model, unzip

    report = parse_file(str(SAMPLES[0]))
    report.items = extract_items(report)
    model = report.to_json(mentions=False)
    assert model["problems"] and model["fixes"]
    model["fixes"].append({"summary": "另写", "text": "另写的一条", "start": 0, "end": 5, "categories": []})
    stored = pack_model(model, report.text)
    kept = json.loads(unzip(stored))
    assert all("text" not in item for item in kept["problems"] + kept["fixes"][:-1])
    assert kept["fixes"][-1]["text"] == "另写的一条"
    assert unpack_model(stored, report.text) == model
    assert json.dumps(unpack_model(stored, report.text), ensure_ascii=False) == json.dumps(model, ensure_ascii=False)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_the_store_keeps_every_source_exactly_in_its_packed_columns(sample: Path) -> None:
    """pack_model writes the sources as columns of gaps; unpack_model gives back every key and offset,
    also for a key outside the model's own cells and figures, a page, and a source without a line."""
    import json
    import zlib

    from indexer.store.schema import pack_model, unpack_model, unzip

    report = parse_file(str(sample))
    model = report.to_json(mentions=False)
    model["sources"]["extra/key"] = {
        "start": 5,
        "end": 9,
        "original_start": 7,
        "original_end": 12,
        "line": None,
        "page": 3,
    }
    stored = pack_model(model, report.text)
    assert unpack_model(stored, report.text) == model
    packed = json.loads(unzip(stored))["sources"]
    assert packed[1] == ["extra/key"]  # only the key the model does not name itself is written out
    assert len(stored) < len(zlib.compress(json.dumps(model, ensure_ascii=False).encode(), 6)) * 0.8
