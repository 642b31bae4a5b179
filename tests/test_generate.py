"""The synthetic benchmark corpus (bench/generate.py) parses back to what it was generated with."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from indexer.model import Report
from indexer.parse import parse_text

N = 200
SEED = 7
TABLE_CHECKS = ("requests.balance", "requests.total_row", "requests.row_sum", "review.sum")


def _load_generator() -> ModuleType:
    # bench/ holds scripts, not a package: load the module from its file.
    path = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


@pytest.fixture(scope="module")
def corpus() -> list[tuple[Any, Report]]:
    return [(report, parse_text(report.text, path=report.filename)) for report in generator.generate_reports(N, SEED)]


def _table_checks(parsed: Report) -> dict[str, list[bool | None]]:
    out: dict[str, list[bool | None]] = {}
    for check in parsed.consistency:
        if check.check in TABLE_CHECKS:
            out.setdefault(check.check, []).append(check.ok)
    return out


def _plain(rows: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]] | None:
    return None if rows is None else {row: {k: v.value for k, v in cells.items()} for row, cells in rows.items()}


def test_every_report_parses_to_its_manifest(corpus) -> None:
    for generated, parsed in corpus:
        row = generated.manifest_row()
        where = f"{generated.filename} {row['title']}"
        assert parsed.title == row["title"], where
        assert parsed.year == row["year"], where
        assert parsed.template == row["template"], where
        assert parsed.region is not None and parsed.region.province == row["province"], where


def test_clean_reports_pass_the_table_checks_and_print_the_generated_values(corpus) -> None:
    clean = [(g, p) for g, p in corpus if g.tables is not None and not g.injected]
    assert len(clean) >= N * 0.8
    for generated, parsed in clean:
        checks = _table_checks(parsed)
        for name in TABLE_CHECKS:
            details = [c.detail for c in parsed.consistency if c.check == name]
            assert checks.get(name) and all(ok is True for ok in checks[name]), (generated.filename, name, details)
        assert parsed.requests is not None, generated.filename
        requests = {row: [cell.value for cell in cells] for row, cells in parsed.requests.items()}
        assert requests == generated.tables["requests"], generated.filename
        assert _plain(parsed.proactive) == generated.tables["proactive"], generated.filename
        assert _plain(parsed.review_litigation) == generated.tables["review"], generated.filename


def test_injected_inconsistencies_fail_a_table_check(corpus) -> None:
    injected = [(g, p) for g, p in corpus if g.injected in generator.INCONSISTENCIES]
    assert injected
    for generated, parsed in injected:
        failing = [name for name, oks in _table_checks(parsed).items() if False in oks]
        assert failing, (generated.filename, generated.injected)


def test_free_form_reports_have_no_tables(corpus) -> None:
    for generated, parsed in corpus:
        if generated.template == "other":
            assert generated.tables is None and generated.year < 2019
            assert parsed.requests is None and parsed.proactive is None


def test_same_seed_same_corpus() -> None:
    first = list(generator.generate(40, SEED))
    assert first == list(generator.generate(40, SEED))
    assert first != list(generator.generate(40, SEED + 1))
    # A longer corpus starts with the shorter one: benchmarks at 10k and 100k share their first 10k reports.
    assert first[:25] == list(generator.generate(25, SEED))


def test_variety(corpus) -> None:
    generated = [g for g, _ in corpus]
    assert len({g.province for g in generated}) >= 20
    assert len({g.year for g in generated}) >= 6
    assert {"2019", "2021"} <= {g.template for g in generated}
    assert len({g.publisher for g in generated}) >= N // 6
    assert any(g.publisher.endswith(("局", "厅", "委员会")) for g in generated)
    assert any(g.publisher.endswith(("镇人民政府", "乡人民政府")) for g in generated)
    assert any(g.injected == generator.DROPPED_CELL for g in generated)
    assert len({g.text for g in generated}) == len(generated)


def test_write_corpus(tmp_path: Path) -> None:
    generator.write_corpus(30, SEED, tmp_path)
    with (tmp_path / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == generator.MANIFEST_COLUMNS
    expected = list(generator.generate(30, SEED))
    assert [row["file"] for row in rows] == [name for name, _ in expected]
    assert all(name.startswith("000/") for name, _ in expected)
    for name, text in expected:
        assert (tmp_path / name).read_text(encoding="utf-8") == text
