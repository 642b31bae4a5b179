"""The synthetic benchmark corpus (bench/generate.py) parses back to what it was generated with."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from builders import load_generator

from indexer.model import SECTION_KINDS, Report
from indexer.parse import parse_text
from indexer.parse.metadata import parse_publisher

N = 200
SEED = 7
N_COPIES = 300
TABLE_CHECKS = ("requests.balance", "requests.total_row", "requests.row_sum", "review.sum")


generator = load_generator()


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


def test_no_two_reports_share_publisher_and_year(corpus) -> None:
    pairs = Counter((parsed.publisher, parsed.year) for _, parsed in corpus)
    assert not [pair for pair, count in pairs.items() if count > 1]


def test_no_two_titles_name_the_same_publisher_and_year() -> None:
    # Drawn freely, the first 1,000 reports of seed 7 hold 柳州市人民政府 2021 twice; titles parse fast.
    reports = list(generator.generate_reports(1000, SEED))
    pairs = Counter((parse_publisher(report.title, ""), report.year) for report in reports)
    assert not [pair for pair, count in pairs.items() if count > 1]


# ---------------------------------------------------------------- the copies corpus


@pytest.fixture(scope="module")
def copies() -> tuple[list[Any], list[Any], dict[str, Report]]:
    reports, plants = generator.generate_copies_corpus(N_COPIES, SEED)
    return reports, plants, {report.filename: parse_text(report.text, path=report.filename) for report in reports}


def test_copies_corpus_parses_with_all_six_sections(copies) -> None:
    reports, _, parsed = copies
    assert len(reports) == N_COPIES
    for report in reports:
        found = parsed[report.filename]
        assert (found.title, found.publisher, found.year) == (report.title, report.publisher, report.year)
        assert [section.kind for section in found.sections] == list(SECTION_KINDS), report.filename
    pairs = Counter((found.publisher, found.year) for found in parsed.values())
    assert not [pair for pair, count in pairs.items() if count > 1]


def test_copies_corpus_is_deterministic() -> None:
    first = generator.generate_copies_corpus(60, SEED)
    assert first == generator.generate_copies_corpus(60, SEED)
    assert [r.text for r in first[0]] != [r.text for r in generator.generate_copies_corpus(60, SEED + 1)[0]]


def test_planted_copies_relate_the_right_reports(copies) -> None:
    _, plants, parsed = copies
    copied = [plant for plant in plants if plant.copied]
    assert N_COPIES * 0.08 <= len(copied) <= N_COPIES * 0.1
    assert N_COPIES * 0.04 <= len(plants) - len(copied) <= N_COPIES * 0.05
    assert {plant.relation for plant in plants} == {"previous", "other"}
    assert {plant.section for plant in plants} == set(generator.PLANTED_KINDS)
    involved = [name for plant in plants for name in (plant.source, plant.target)]
    assert len(involved) == len(set(involved))  # one plant a report: no pair goes unrecorded
    for plant in plants:
        assert plant.source in parsed and plant.target in parsed, plant
        source, target = parsed[plant.source], parsed[plant.target]
        if plant.relation == "previous":
            assert source.publisher == target.publisher and source.year == target.year - 1, plant
        else:
            assert plant.relation == "other", plant
            assert source.publisher != target.publisher and source.year <= target.year, plant


def _sentences(report: Report, kind: str) -> set[str]:
    """The sentences of a section's prose paragraphs (table lines left out)."""
    section = next(section for section in report.sections if section.kind == kind)
    prose = [p.text for p in section.paragraphs if p.text.endswith("。") and "\t" not in p.text]
    return {sentence for paragraph in prose for sentence in re.findall(r"[^。]+。", paragraph)}


def test_unrelated_sections_share_only_template_sentences(copies) -> None:
    _, plants, parsed = copies
    planted = {(plant.section, plant.source): plant.target for plant in plants}
    planted |= {(plant.section, plant.target): plant.source for plant in plants}
    for kind in generator.PLANTED_KINDS:
        holders: dict[str, set[str]] = {}
        for name, report in parsed.items():
            for sentence in _sentences(report, kind):
                holders.setdefault(sentence, set()).add(name)
        for sentence, names in holders.items():
            if 1 < len(names) < N_COPIES // 20:  # more: a template sentence (every report's, or every year's)
                first, *others = sorted(names)
                assert others == [planted.get((kind, first))], (kind, sentence, names)


def test_write_copies_corpus(tmp_path: Path) -> None:
    generator.write_copies_corpus(40, SEED, tmp_path)
    reports, plants = generator.generate_copies_corpus(40, SEED)
    with (tmp_path / "copies_truth.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and tuple(rows[0]) == generator.COPIES_COLUMNS
    assert rows == [plant.truth_row() for plant in plants]
    with (tmp_path / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["file"] for row in csv.DictReader(handle)] == [report.filename for report in reports]
    for report in reports:
        assert (tmp_path / report.filename).read_text(encoding="utf-8") == report.text
