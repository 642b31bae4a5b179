"""Every format parses to the same model as the UTF-8 text it was built from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.model import Report
from indexer.parse import parse_file
from tests.builders import build_docx, build_html, build_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))


def _essentials(report: Report) -> dict:
    """What a researcher reads off a report: metadata, sections, every table cell, failing checks."""
    region = report.region
    return {
        "title": report.title,
        "publisher": report.publisher,
        "level": report.level,
        "year": report.year,
        "region": (region.province, region.city, region.county) if region else None,
        "template": report.template,
        "sections": [(s.kind, s.heading) for s in report.sections],
        "proactive": report.to_json()["proactive"],
        "requests": report.to_json()["requests"],
        "review_litigation": report.to_json()["review_litigation"],
        "failing": sorted({c.check for c in report.consistency if c.ok is False}),
    }


def _gbk_text(text: str, path: Path) -> Path:
    path.write_bytes(text.encode("gb18030"))
    return path


BUILDERS = {
    "docx": lambda text, d: build_docx(text, d / "r.docx"),
    "pdf": lambda text, d: build_pdf(text, d / "r.pdf"),
    "html-utf8": lambda text, d: build_html(text, d / "r.html"),
    "html-gbk": lambda text, d: build_html(text, d / "r.htm", encoding="gbk"),
    "txt-gbk": lambda text, d: _gbk_text(text, d / "r.txt"),
}


@pytest.mark.parametrize("fmt", list(BUILDERS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_format_parses_like_the_text(sample: Path, fmt: str, tmp_path: Path) -> None:
    expected = _essentials(parse_file(str(sample)))
    text = sample.read_text(encoding="utf-8")
    got = _essentials(parse_file(str(BUILDERS[fmt](text, tmp_path))))
    assert got == expected


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_tables_extracted_with_spaces_instead_of_tabs(sample: Path) -> None:
    # pdftotext and copy-paste give table cells separated by spaces; the numbers must come out the same.
    from indexer.parse import parse_text

    text = sample.read_text(encoding="utf-8")
    tabs, spaces = parse_text(text).to_json(), parse_text(re.sub(r"\t+", " ", text)).to_json()
    for key in ("title", "year", "sections", "proactive", "requests"):
        assert spaces[key] == tabs[key], key
    for block, cells in (spaces["review_litigation"] or {}).items():
        for name, value in cells.items():
            assert value is None or value == tabs["review_litigation"][block][name]  # blanks cannot be placed


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_tables_extracted_one_cell_per_line(sample: Path) -> None:
    # Word and some PDF tools put every cell on a line of its own, without tabs.
    from indexer.parse import parse_text

    text = sample.read_text(encoding="utf-8")
    cells = "\n".join(
        "\n".join(c.strip() for c in line.split("\t") if c.strip()) if "\t" in line else line
        for line in text.split("\n")
    )
    expected, got = parse_text(text).to_json(), parse_text(cells).to_json()
    for key in ("title", "year", "sections", "proactive", "requests"):
        assert got[key] == expected[key], key
