"""Degraded copies of the samples and of the synthetic corpus parse like the clean originals.

The degradations are bench/degrade.py's: Markdown conversions, pages flattened by crawlers and OCR'd
text. Each degraded parse is compared with the clean parse: metadata, sections, table cells (none
may be invented) and problem and fix items. Scanned PDFs are in test_ocr.py.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from indexer.model import APPLICANT_COLUMNS
from indexer.normalize import normalize
from indexer.parse import flat, parse_text
from indexer.parse.cells import parse_number
from indexer.parse.flat import Count, Run, Signed, runs, splits
from indexer.parse.sections import _heading, parse_sections
from indexer.parse.tables import PROACTIVE_2019, parse_proactive, parse_requests, parse_review
from indexer.read import read_report
from indexer.read.plain import grid_tables_as_rows

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
KINDS = ("markdown", "markdown from HTML", "flattened", "flattened, spaced", "ocr", "markdown, OCR'd")
N_GENERATED = 60


def _load_degrade() -> ModuleType:
    if "bench_degrade" in sys.modules:
        return sys.modules["bench_degrade"]
    spec = importlib.util.spec_from_file_location("bench_degrade", ROOT / "bench" / "degrade.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


degrade = _load_degrade()


def _agreement(text: str, kind: str, seed: int):  # noqa: ANN202 - bench_degrade.Agreement
    clean = degrade.parse_with_items(text, "clean")
    return degrade.compare(clean, degrade.parse_with_items(degrade.KINDS[kind](text, seed), "degraded"))


def _unproven_reasons(text: str, kind: str, seed: int) -> list[str]:
    clean = parse_text(text)
    got = parse_text(degrade.KINDS[kind](text, seed))
    reasons = []
    for (table, row, col), value in degrade.cells(clean).items():
        if value is None or degrade.cells(got).get((table, row, col)) is not None:
            continue
        if table == "requests":
            reasons.append(got.requests[row][APPLICANT_COLUMNS.index(col)].reason or "")
        else:
            rows = got.proactive if table == "proactive" else got.review_litigation
            reasons.append(rows[row][col].reason or "")
    return reasons


@pytest.mark.parametrize("kind", ["markdown", "markdown from HTML", "ocr", "markdown, OCR'd"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_markdown_and_ocr_copies_of_the_samples_parse_as_the_originals(sample: Path, kind: str) -> None:
    a = _agreement(sample.read_text(encoding="utf-8"), kind, seed=11)
    assert sum(a.metadata.values()) == a.metadata_total, a.misses
    assert a.sections == a.sections_total, a.misses
    assert a.invented == 0, a.misses
    # 97 %: sample 001 is itself an OCR'd table (a stray ordinal 4 before a label) that a label row split
    # from its numbers turns into an eighth number
    assert a.cells >= 0.97 * a.cells_total, a.misses
    assert a.items == a.items_total, a.misses


@pytest.mark.parametrize("kind", ["flattened", "flattened, spaced"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_flattened_samples_keep_metadata_sections_and_invent_no_cell(sample: Path, kind: str) -> None:
    text = sample.read_text(encoding="utf-8")
    a = _agreement(text, kind, seed=11)
    assert sum(a.metadata.values()) == a.metadata_total, a.misses
    assert a.sections == a.sections_total, a.misses
    assert a.invented == 0, a.misses
    assert a.items >= 0.9 * a.items_total, a.misses
    # Every cell not recovered is None because the glued digits cannot be split with certainty, or
    # because a blank cell's place was lost with the layout.
    for reason in _unproven_reasons(text, kind, seed=11):
        assert "with no separator" in reason or "which cells are blank cannot be told" in reason, reason


@pytest.mark.parametrize("kind", KINDS)
def test_degraded_synthetic_corpus(kind: str) -> None:
    generator = degrade_generator()
    total = degrade.Agreement()
    for i, report in enumerate(generator.generate_reports(N_GENERATED, 7)):
        total.add(_agreement(report.text, kind, seed=100 + i))
    assert total.invented == 0, [m for m in total.misses if m.startswith("invented")]
    assert total.sections >= 0.99 * total.sections_total  # a dropped heading of a report without tables is lost
    assert total.items >= 0.95 * total.items_total
    if kind.startswith("flattened"):
        # Glued digits split only where the identities leave one way, and a row printing fewer numbers
        # than cells (a blank among them) only where its total places the blank: most cells, not all.
        assert total.cells >= 0.93 * total.cells_total
        assert sum(total.metadata.values()) == total.metadata_total, total.misses
    else:
        assert total.cells >= 0.99 * total.cells_total
        # A misread place name is matched only when one unit fits it (城子河区 read as 域子河区 could be
        # 太子河区 or 茄子河区 too, and its reports name no province or city): not every report.
        assert sum(total.metadata.values()) >= 0.93 * total.metadata_total, total.misses


@pytest.mark.parametrize("kind", list(degrade.MORE_KINDS))
def test_more_defects_of_other_tools(kind: str) -> None:
    """One cell a line, cells a space apart, HTML entities, letter-spacing, thousands separators, missed
    column borders, wrapped labels, other heading numbers, a saved page's furniture, pandoc's grid tables:
    on the samples and a generated corpus, what the clean parse finds, nothing invented."""
    make = degrade.MORE_KINDS[kind]
    total = degrade.Agreement()
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    texts += [r.text for r in degrade_generator().generate_reports(30, 7)]
    for i, text in enumerate(texts):
        clean = degrade.parse_with_items(text, "clean")
        total.add(degrade.compare(clean, degrade.parse_with_items(make(text, 100 + i), "degraded")))
    assert total.invented == 0, [m for m in total.misses if m.startswith("invented")]
    assert sum(total.metadata.values()) == total.metadata_total, total.misses
    assert total.sections == total.sections_total, total.misses
    assert total.items == total.items_total, total.misses
    # Only where a row printed fewer numbers than cells and the layout that placed its blanks is gone
    # (sample 000's litigation row, 10 numbers under 15 columns) is a cell left None.
    assert total.cells + total.undecided == total.cells_total, total.misses


def degrade_generator() -> ModuleType:
    from builders import load_generator

    return load_generator()


# ---------------------------------------------------------------- Markdown


def test_pipe_tables_become_tab_rows_that_map_back_to_the_original() -> None:
    original = (
        "标题\n| 信息内容 | 本年<br>新制作数量 |\n|---|---|\n| 规章 | 0 |\n| --- | --- |\n|  |  | 5 |\n"
        "正文 a|b 不是表格"
    )
    norm = normalize(original)
    assert norm.text.split("\n")[1:4] == ["信息内容\t本年新制作数量", "规章\t0", "\t\t5"]
    assert norm.text.endswith("正文a|b不是表格")
    at = norm.text.index("规章")
    assert norm.original_text(at, at + 2) == "规章"
    five = norm.text.index("5")
    assert norm.original_text(five, five + 1) == "5"


def test_pipe_tables_without_outer_pipes_become_tab_rows() -> None:
    original = (
        "标题\n\n信息内容 | 本年制发件数 | 本年废止件数 \n---|---|---\n规章 | 0 | 0\n | 3 | 1\n行政许可 | 5 | \n"
        "第二十条第（五）项\n---\n信息内容 | 本年处理决定数量\n行政许可 | 7\n\n正文"
    )
    norm = normalize(original)
    assert norm.text.split("\n")[2:9] == [
        "信息内容\t本年制发件数\t本年废止件数",
        "规章\t0\t0",
        "\t3\t1",
        "行政许可\t5\t",
        "第二十条第（五）项",
        "---",
        "信息内容\t本年处理决定数量",
    ]
    three = norm.text.index("3")
    assert norm.original_text(three, three + 1) == "3"
    seven = norm.text.index("7")
    assert norm.original_text(seven, seven + 1) == "7"
    # One line with a pipe in a sentence, and prose after an edged table, are not rows.
    assert normalize("见网站 a|b 栏目。").text == "见网站a|b栏目。"


def test_a_row_split_over_two_lines_keeps_its_cells_in_column_order() -> None:
    # A converter put the label on a line of its own; one number stayed beside it, under its column.
    region = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t\t\t42\n\t11\t0\t\n"
    rows, _, _ = parse_proactive(region, "2021")
    assert {k: v.value for k, v in rows["行政规范性文件"].items()} == {"issued": 11, "repealed": 0, "in_force": 42}
    assert region[slice(*rows["行政规范性文件"]["in_force"].span)] == "42"
    # lines that are two rows, or already in column order, are read as printed
    region = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t3\n\t\t1\t5\n"
    rows, _, _ = parse_proactive(region, "2021")
    assert {k: v.value for k, v in rows["行政规范性文件"].items()} == {"issued": 3, "repealed": 1, "in_force": 5}


@pytest.mark.parametrize(
    "content",
    [
        "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
        "行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n0\t0\t0\t0\t0",
    ],
)
def test_a_review_section_whose_heading_was_lost_is_found(content: str) -> None:
    text = (
        "一、总体情况\n\n本年度工作扎实。\n\n三、收到和处理政府信息公开申请情况\n\n本列数据的勾稽关系\t1\t2\n\n"
        f"{content}\n\n五、存在的主要问题及改进情况\n\n一是公开内容不够全面。"
    )
    sections = parse_sections(text)
    assert [s.kind for s in sections] == ["overview", "applications", "review_litigation", "problems"]
    review = sections[2]
    assert text[review.start : review.end].strip() == content
    # a section that names 行政复议 in passing, with its own heading found, is not split
    text = text.replace(content, "四、政府信息公开行政复议、行政诉讼情况\n\n" + content)
    assert [s.heading for s in parse_sections(text)][2] == "政府信息公开行政复议、行政诉讼情况"


def test_an_applications_section_of_prose_whose_heading_was_lost_is_found() -> None:
    text = (
        "一、概述\n\n本年度工作扎实。\n\n二、主动公开政府信息情况\n\n共主动公开政府信息2162条。\n\n"
        "2018年，共收到政府信息公开申请27件，均已按期答复。\n\n四、政府信息公开的收费及减免情况\n\n未收费。\n\n"
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n\n无。"
    )
    sections = parse_sections(text)
    assert [s.kind for s in sections] == ["overview", "proactive", "applications", "review_litigation"]
    assert text[sections[2].start :].startswith("2018年，共收到")


def test_a_flattened_pages_unnumbered_heading_at_a_line_start_is_found() -> None:
    # A crawler kept the line break before 其他需要报告的事项 and glued the sentence after it.
    text = degrade.flattened(SAMPLES[0].read_text(encoding="utf-8"), 3)
    text = re.sub(r"\n?[一二三四五六七八九十]、其他需要报告的事项", "\n其他需要报告的事项", text, count=1)
    assert "\n其他需要报告的事项" in text
    report = parse_text(text)
    assert report.sections[-1].kind == "other"
    assert report.sections[-1].heading == "其他需要报告的事项"


_OLD_TEMPLATE = (
    "某县2018年政府信息公开工作年度报告\n\n根据《中华人民共和国政府信息公开条例》规定，现公布本县年度报告。\n\n"
    "一、概述\n\n2018年，本县扎实推进政务公开工作，公开质量稳步提升，群众满意度持续提高。\n\n"
    "（一）加强组织领导。调整政务公开领导小组，明确分管领导和工作人员。\n\n"
    "二、主动公开政府信息情况\n\n2018年，本县共主动公开政府信息2162条，其中通过政府网站公开1594条。\n\n"
    "三、依申请公开政府信息情况\n\n2018年，本县共收到政府信息公开申请27件，均已按期答复。\n\n"
    "四、政府信息公开的收费及减免情况\n\n本年度未收取政府信息公开相关费用。\n\n"
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n\n本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。\n\n"
    "六、政府信息公开工作存在的主要问题及改进措施\n\n本县政府信息公开工作虽然取得了一定成效，但也存在一些不足之处，公开内容不够全面。\n\n"
    "（一）加强信息内容建设。健全信息发布机制，第一时间发布重要信息。\n\n"
    "七、其他需要报告的事项\n\n无。"
)


@pytest.mark.parametrize("lost", ["一、", "二、", "三、", "五、", "六、", "七、"])
def test_a_section_of_prose_whose_heading_was_lost_is_found(lost: str) -> None:
    heading = next(line for line in _OLD_TEMPLATE.split("\n") if line.startswith(lost))
    text = _OLD_TEMPLATE.replace(heading + "\n\n", "")
    want = parse_sections(_OLD_TEMPLATE)
    got = parse_sections(text)
    assert [s.kind for s in got] == [s.kind for s in want]
    # each section holds the same paragraphs, whether or not its heading is printed
    for w, g in zip(want, got, strict=True):
        assert [p.text for p in g.paragraphs] == [p.text for p in w.paragraphs], w.kind


def test_a_long_title_is_not_taken_for_the_overview() -> None:
    title = "宁夏回族自治区吴忠市盐池县人民政府办公室关于印发二〇一八年度政府信息公开工作年度报告"
    text = _OLD_TEMPLATE.replace("某县2018年政府信息公开工作年度报告", title).replace("一、概述\n\n", "")
    overview = parse_sections(text)[0]
    assert overview.kind == "overview"
    assert text[overview.start :].startswith("2018年，本县扎实推进")


def test_no_section_is_inferred_where_a_report_has_none() -> None:
    # the review section's 无。 is not a section 其他需要报告的事项 of its own
    text = _OLD_TEMPLATE[: _OLD_TEMPLATE.index("六、")] + "六、政府信息公开工作存在的主要问题及改进措施\n\n无。"
    assert [s.kind for s in parse_sections(text)][-1] == "problems"
    text = _OLD_TEMPLATE[: _OLD_TEMPLATE.index("六、")].rstrip() + "\n\n无。"
    assert [s.kind for s in parse_sections(text)][-1] == "review_litigation"


def test_page_furniture_above_the_title_is_not_the_title() -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    clean = parse_text(text)
    for first in ("正文", "政府信息公开专栏", "当前位置：首页 > 政务公开"):
        got = parse_text(f"{first}\n\n{text}")
        assert (got.title, got.publisher) == (clean.title, clean.publisher)


_BODY = (
    "根据《中华人民共和国政府信息公开条例》要求，松潘县人民政府办公室编制本报告。\n\n一、总体情况\n\n本年度……\n\n"
    "二、主动公开政府信息情况\n\n无。\n\n三、收到和处理政府信息公开申请情况\n\n无。"
)


@pytest.mark.parametrize(
    "page",
    [
        # the site's name, a breadcrumb naming the column (年报), the page's title, its date and source
        "某某市人民政府门户网站\n首页 > 政务公开 > 政府信息公开年报\n"
        "松潘县人民政府办公室2023年政府信息公开工作年度报告\n发布时间：2024-01-20 来源：办公室 浏览次数：312\n"
        "{body}\n【打印本页】 【关闭窗口】",
        # the date and source line above a title in two lines: neither is joined to the other
        "中国·某某\n\n当前位置：首页 » 信息公开 » 年度报告\n\n信息来源：县政府办公室 发布日期：2024-02-10\n\n"
        "松潘县人民政府办公室\n\n2023年政府信息公开工作年度报告\n\n{body}",
        # a page title with the site's name after it
        "首页 > 政务公开 > 年报\n松潘县人民政府办公室2023年政府信息公开工作年度报告_松潘县人民政府\n{body}",
    ],
)
def test_a_crawled_pages_furniture_is_not_the_title(page: str) -> None:
    got = parse_text(page.format(body=_BODY))
    assert got.title == "松潘县人民政府办公室2023年政府信息公开工作年度报告"
    assert got.publisher == "松潘县人民政府办公室"
    assert got.year == 2023


@pytest.mark.parametrize("kind", ["flattened", "flattened, spaced"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem[:3])
def test_a_flattened_pages_furniture_glued_before_the_title_is_not_the_title(sample: Path, kind: str) -> None:
    text = sample.read_text(encoding="utf-8")
    clean = parse_text(text)
    # The furniture ends in a word (发文机关：政府办公室), glued to the title's first characters.
    page = (
        "某某县人民政府 首页 > 政务公开 > 政府信息公开年报 字号：[大 中 小] 索引号：0136/2024-04476"
        " 发文机关：政府办公室\n"
    )
    got = parse_text(degrade.KINDS[kind](page + text, 3))
    assert (got.title, got.publisher, got.year) == (clean.title, clean.publisher, clean.year)


# ---------------------------------------------------------------- flattened pages


def test_rows_on_one_line_with_cells_apart_by_spaces_are_read() -> None:
    """A page taken with a space between elements: the rows follow each other on one line."""
    text = (
        "某县人民政府2023年政府信息公开工作年度报告 一、总体情况 本年度…… 二、主动公开政府信息情况 "
        "第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章 0 0 0 行政规范性文件 12 3 145 "
        "第二十条第（五）项 信息内容 本年处理决定数量 行政许可 2705 三、收到和处理政府信息公开申请情况 无。"
    )
    report = parse_text(text)
    assert report.proactive["行政规范性文件"]["issued"].value == 12
    assert report.proactive["行政规范性文件"]["repealed"].value == 3
    assert report.proactive["行政规范性文件"]["in_force"].value == 145
    assert report.proactive["行政许可"]["decisions"].value == 2705


def test_a_row_total_decides_the_split_of_glued_digits() -> None:
    run = Run("130000013", 0, 9)
    kinds = (Count,) * 7
    solutions = list(splits(run.pieces(), kinds, {6: lambda v: sum(v[:6])}))
    assert solutions == [[13, 0, 0, 0, 0, 0, 13]]


def test_glued_digits_with_several_splits_stay_none_with_the_reason() -> None:
    # 2019 template: 规范性文件 prints 新制作 / 新公开 / 对外公开总数 as 111112: 11|11|12, 1|11|112 …
    text = SAMPLES[2].read_text(encoding="utf-8")
    flat = degrade.flattened(text, 3)
    flat = re.sub(r"规范性文件\d+", "规范性文件111112", flat, count=1)
    report = parse_text(flat)
    row = report.proactive["规范性文件"]
    assert all(v.value is None for v in row.values())
    assert all("with no separator" in v.reason and "splits into 3 cells" in v.reason for v in row.values())
    # A row the identities decide is recovered, and its basis recorded.
    assert report.requests is not None
    recovered = [d for d in report.derived_cells if d.table == "requests" and "glued" in d.basis]
    assert recovered and all(d.value is not None for d in recovered)


def test_a_glued_row_that_left_a_column_blank_is_placed_by_its_total() -> None:
    # Sample 000 prints six numbers in rows of seven columns (one 法人 column left blank). Flattened, a
    # row's six digits fit no split into seven; read as six numbers placed among the seven columns and
    # completed from the row's total, every placement gives the row the clean parse gives.
    text = SAMPLES[0].read_text(encoding="utf-8")
    clean = parse_text(text)
    report = parse_text(degrade.flattened(text, 1))
    assert clean.requests is not None and report.requests is not None
    # 予以公开 prints 3 0 0 0 0 3 and 无法提供.不掌握 2 0 0 0 0 2: the blank could be any column but for
    # 新收 + 上年结转 (5 0 0 0 0 0 5), which no column of an outcome exceeds.
    short = [row for row in ("予以公开", "部分公开", "不予公开.国家秘密", "无法提供.不掌握") if row in report.requests]
    assert len(short) == 4
    for row in short:
        assert [v.value for v in report.requests[row]] == [v.value for v in clean.requests[row]]
    bases = {d.row: d.basis for d in report.derived_cells if d.table == "requests" and d.row in short}
    assert set(bases) == set(short) and all("read as 6 numbers" in b for b in bases.values())
    assert "no column above its 新收 + 上年结转" in bases["予以公开"]


def test_a_glued_row_a_column_short_whose_placements_disagree_stays_none() -> None:
    # 3|0|0|0|0|3 as six of seven cells: the blank one may be any part (then 0) or the total (then 6),
    # and with nothing else to go by, only the cells every placement agrees on are kept.
    vectors, blanks = flat.row_candidates(Run("300003", 0, 6))
    assert blanks == (1,)
    assert {tuple(v) for v in vectors} >= {(3, 0, 0, 0, 0, 0, 3), (0, 3, 0, 0, 0, 0, 3), (3, 0, 0, 0, 0, 3, 6)}
    table, _ = flat.solve_requests({"予以公开": Run("300003", 0, 6)}, [])
    cells = table["予以公开"]
    assert [c.value for c in cells] == [None, None, 0, 0, 0, None, None]
    assert "with no separator" in cells[0].reason and "give this cell 2 values" in cells[6].reason


def test_ocr_look_alikes_inside_glued_digits_are_digits() -> None:
    # 180l47: without reading l as 1 the run would end at it, and 180 alone splits as 1 | 8 | 0.
    region = "信息内容上一年项目数量本年增/减处理决定数量行政许可180l47其他对外管理服务事项5+l0"
    spec = tuple(r for r in PROACTIVE_2019 if r[0] in ("行政许可", "其他对外管理服务事项"))
    rows, _ = flat.parse_proactive(region, spec, set())
    assert all(v.value is None and "with no separator" in (v.reason or "") for v in rows["行政许可"].values())
    assert {k: v.value for k, v in rows["其他对外管理服务事项"].items()} == {
        "prev_items": 5,
        "change": 1,
        "decisions": 0,
    }
    assert flat.with_ocr_digits("共2O5件，ISO9001，l") == "共205件，ISO9001，l"


def test_flattened_signed_change_splits_only_where_the_sign_stands() -> None:
    pieces = Run("83+1188404", 0, 10).pieces()
    got = list(splits(pieces, (Count, Signed, Count)))
    assert {s[0] for s in got} == {83}  # the count before the sign is certain
    assert len({s[1] for s in got}) > 1  # +1188404 splits several ways


# ---------------------------------------------------------------- OCR'd text


@pytest.mark.parametrize(
    ("cell", "value"), [("O", 0), ("l", 1), ("1O", 10), ("-l", -1), ("减 l5", -15), ("O.5", 0.5), ("l号", None)]
)
def test_ocr_confusions_in_numbers(cell: str, value: float | None) -> None:
    got = parse_number(cell)
    assert (got[0] if got else None) == value


def test_a_space_inside_a_tab_separated_number_is_one_cell() -> None:
    text = SAMPLES[2].read_text(encoding="utf-8")
    clean = parse_text(text).requests
    spaced = re.sub(r"(\t\d)(\d)", r"\1 \2", text)  # "12" -> "1 2" in every tab cell
    assert parse_text(spaced).requests == clean


def test_letter_spaced_numbers_in_cells_and_prose_are_whole_numbers() -> None:
    """A PDF set with letter-spacing: "5 2 7 7 2" in a table cell, "2 0 1 9 年" in a sentence."""
    text = SAMPLES[1].read_text(encoding="utf-8")
    clean = parse_text(text)

    def spaced(m: re.Match[str]) -> str:
        return " ".join(m.group())

    lines = [
        "\t".join(re.sub(r"\d[\d.]+", spaced, cell) for cell in line.split("\t"))
        if "\t" in line
        else re.sub(r"\d+(?=年|项|件)", spaced, line)
        for line in text.split("\n")
    ]
    spaced_text = "\n".join(lines)
    assert "2 0 1 9年" in spaced_text
    assert degrade.cells(parse_text(spaced_text)) == degrade.cells(clean)
    assert "2 0 1 9" not in normalize(spaced_text).text
    # A space-separated row keeps its cells: no unit follows them.
    assert normalize("规章0 0 0规范性文件8 8 14").text == "规章0 0 0规范性文件8 8 14"
    assert normalize("处理决定5 2 7 7 2项").text == "处理决定52772项"


def test_columns_merged_into_one_cell_are_not_one_number() -> None:
    # "8 8 14" and "0 0 0" in one tab-separated cell are three columns a converter merged (no number is
    # letter-spaced in groups of several digits, none starts with 0): never 8814 or 0.
    region = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0 0 0\n行政规范性文件\t8 8 14\n"
    rows, _, _ = parse_proactive(region, "2021")
    for row in ("规章", "行政规范性文件"):
        assert all(v.value is None or v.value in (0, 8, 14) for v in rows[row].values()), rows[row]


def test_two_columns_merged_into_one_cell_are_read_by_the_rows_total() -> None:
    # A converter that lost a column border printed 13 | 0 as one cell "13 0": read as one number (130,
    # OCR's space inside a number) the row is a cell short and its total fails; read as two it holds.
    text = SAMPLES[3].read_text(encoding="utf-8")
    clean = parse_text(text)
    row = next(line for line in text.split("\n") if line.startswith("一、本年新收"))
    assert "\t13\t0\t" in row
    got = parse_text(text.replace(row, row.replace("\t13\t0\t", "\t13 0\t", 1)))
    want = [v.value for v in clean.requests["新收"]]
    assert want == [13, 0, 0, 0, 0, 0, 13]
    assert [v.value for v in got.requests["新收"]] == want
    # OCR's space inside a number stays one number where the row's total says so.
    region = (
        "申请人情况\n自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
        "一、本年新收政府信息公开申请数量\t38 4\t0\t0\t0\t0\t0\t384\n"
    )
    assert parse_requests(region, "2021")[0]["新收"][0].value == 384


def test_a_rows_first_number_in_its_label_cell_is_taken_when_the_row_is_a_cell_short() -> None:
    text = SAMPLES[3].read_text(encoding="utf-8")
    clean = parse_text(text)
    row = next(line for line in text.split("\n") if line.startswith("一、本年新收"))
    got = parse_text(text.replace(row, row.replace("数量\t\t13\t", "数量13\t\t", 1)))
    assert [v.value for v in got.requests["新收"]] == [v.value for v in clean.requests["新收"]]


def test_a_row_label_wrapped_onto_a_line_of_its_own_names_its_row() -> None:
    # A narrow label column: the label's end on the next line, after the row's numbers.
    text = SAMPLES[0].read_text(encoding="utf-8")
    clean = parse_text(text)
    lines = text.split("\n")
    at = next(k for k, line in enumerate(lines) if "\t5.要求行政机关确认或重新出具已获取信息\t" in line)
    # and the row before it lost its label's end too, so that no gap is left for the row to fall into
    before = next(k for k, line in enumerate(lines) if "\t4.无正当理由大量反复申请\t" in line)
    lines[at] = lines[at].replace("确认或重新出具已获取信息", "确认")
    lines.insert(at + 1, "\t或重新出具已获取信息")
    lines[before] = lines[before].replace("无正当理由大量反复申请", "无正当理由大量")
    lines.insert(before + 1, "\t反复申请")
    got = parse_text("\n".join(lines))
    assert degrade.cells(got) == degrade.cells(clean)
    # One cell a line, the label wrapped in pieces: the pieces joined are the label.
    region = (
        "信息内容\n上一年项目数量\n本年增/减\n处理决定数量\n行政许可\n447\n32\n2705\n"
        "其他对外管理服\n务事项\n44\n10\n1123\n"
    )
    rows, _, _ = parse_proactive(region, "2019")
    assert [v.value for v in rows["其他对外管理服务事项"].values()] == [44, 10, 1123]
    # A column border seen inside the label: its two pieces, side by side in the row, are the label.
    region = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t\t0\t0\t0\n行政规范性\t文件\t12\t0\t15\n"
    rows, _, _ = parse_proactive(region, "2021")
    assert [v.value for v in rows["行政规范性文件"].values()] == [12, 0, 15]
    # An amount cut at a border seen inside it: after its decimal point, or a digit off its end
    region = (
        "信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t9742.\t62万元\n"
        "信息内容\t采购项目数量\t采购总金额\n政府集中采购\t482\t746.7\t5万元\n"
    )
    rows, _, _ = parse_proactive(region, "2021")
    assert rows["行政事业性收费"]["amount_wan_yuan"].value == 9742.62
    assert [v.value for v in rows["政府集中采购"].values()] == [482, 746.75]


def test_a_row_whose_printed_digits_deny_what_the_identities_force_stays_none() -> None:
    # Columns merged two to a cell ("0 0", "1 0") in a 总计 row that does not add up (13 + 1 ≠ 13): the
    # outcome rows force 13 0 0 0 0 0 13, but no reading of 13 | 0 0 | 1 0 | 0 | 13 gives a 0 for 社会公益组织.
    text = next(p for p in SAMPLES if p.name.startswith("003")).read_text(encoding="utf-8")
    row = "\t(七) 总计\t13\t0\t0\t0\t0\t0\t13\t"
    assert row in text
    got = parse_text(text.replace(row, "\t(七) 总计\t13\t0 0\t1 0\t0\t13\t"))
    cells = got.requests["总计"]
    assert all(c.value is None for c in cells), [c.value for c in cells]
    assert "no reading of it gives" in (cells[3].reason or "")
    assert not any(d.row == "总计" for d in got.derived_cells)
    # the same row adding up is read as printed
    got = parse_text(text.replace(row, "\t(七) 总计\t13\t0 0\t0 0\t0\t13\t"))
    assert [c.value for c in got.requests["总计"]] == [13, 0, 0, 0, 0, 0, 13]


def test_the_proactive_table_is_found_when_the_next_heading_was_printed_before_it() -> None:
    # pymupdf4llm 1.28 printed 三、's heading above the 第二十条 table, leaving 二、 without its table
    text = SAMPLES[0].read_text(encoding="utf-8")
    clean = parse_text(text)
    lines = text.split("\n")
    proactive = next(k for k, line in enumerate(lines) if line.startswith("二、主动公开"))
    applications = next(k for k, line in enumerate(lines) if line.startswith("三、收到和处理"))
    assert any("第二十条" in line for line in lines[proactive:applications])
    heading, table = [lines[applications]], lines[proactive + 1 : applications]
    moved = lines[: proactive + 1] + heading + table + lines[applications + 1 :]
    got = parse_text("\n".join(moved))
    assert degrade.cells(got) == degrade.cells(clean)  # the same values (their offsets moved with the heading)
    assert not any("第二十条" in w for w in got.warnings)


@pytest.mark.parametrize(("cell", "value"), [("52,772", 52772), ("45，996.82万元", 45996.82), ("12,34", None)])
def test_thousands_separators_in_cells(cell: str, value: float | None) -> None:
    got = parse_number(cell)
    assert (got[0] if got else None) == value


def test_a_place_name_with_one_character_misread_matches_in_its_city() -> None:
    head = "沐阳县人民政府办公室\n2020年政府信息公开工作年度报告\n一、总体情况\n"
    tail = "\n二、主动公开政府信息情况\n无。"
    body = "2020年，在宿迁市政务公开办指导下，本县认真贯彻《中华人民共和国政府信息公开条例》。"
    report = parse_text(head + body + tail)
    assert report.region is not None
    assert (report.region.city, report.region.county, report.region.misread) == ("宿迁市", "沭阳县", "沐阳县")
    assert "tolerant match" in report.region.evidence
    assert report.publisher == "沭阳县人民政府办公室"
    assert report.title is not None and report.title.startswith("沭阳县")
    # A short name without a province or city to agree with is not guessed.
    alone = parse_text(head + "本县认真贯彻《中华人民共和国政府信息公开条例》，主动公开政府信息。" + tail)
    assert alone.region is None or alone.region.county != "沭阳县"


@pytest.mark.parametrize(
    ("heading", "body", "misread", "province", "city", "county"),
    [
        # a name longer than seven characters
        (
            "红何哈尼族彝族自治州人民政府",
            "在云南省政务公开办指导下，红河州认真贯彻条例。",
            "红何哈尼族彝族自治州",
            "云南省",
            "红河哈尼族彝族自治州",
            None,
        ),
        # the body names the unit itself by its short form
        (
            "湖洲市人民政府办公室",
            "湖州市民可在网站查阅。湖州政务公开工作有序推进。",
            "湖洲市",
            "浙江省",
            "湖州市",
            None,
        ),
        # a short form inside the misread word (大连 in 五大连地市) does not hide it
        (
            "五大连地市北关镇人民政府",
            "在黑河市政务公开办和黑龙江省的指导下，本镇推进公开。",
            "五大连地市",
            "黑龙江省",
            "黑河市",
            "五大连池市",
        ),
        # no place named in the report: 域 looks like 城, not like 茄 or 太
        (
            "域子河区人民政府",
            "本区认真贯彻《中华人民共和国政府信息公开条例》。",
            "域子河区",
            "黑龙江省",
            "鸡西市",
            "城子河区",
        ),
    ],
)
def test_tolerant_region_matches(
    heading: str, body: str, misread: str, province: str, city: str, county: str | None
) -> None:
    text = f"{heading}\n2020年政府信息公开工作年度报告\n一、总体情况\n{body}\n二、主动公开政府信息情况\n无。"
    report = parse_text(text)
    assert report.region is not None
    assert (report.region.province, report.region.city, report.region.county) == (province, city, county)
    assert report.region.misread == misread
    assert report.publisher is not None and misread not in report.publisher


def test_a_misread_word_between_two_units_is_not_guessed() -> None:
    # 泰?市 in 江苏省 is 泰州市 or 泰兴市; 目 looks like neither 州 nor 兴
    text = "泰目市人民政府\n2020年政府信息公开工作年度报告\n一、总体情况\n江苏省政务公开办指导。"
    text += "\n二、主动公开政府信息情况\n无。"
    report = parse_text(text)
    assert report.region is None or report.region.misread is None


def test_a_headings_ordinal_is_not_a_cell_of_the_table_after_it() -> None:
    text = "4、政府信息公开行政复议、行政诉讼情况行政复议结果维持总计000000000000000\n5、存在的主要问题"
    assert [r.text.strip() for r in runs(text)] == ["000000000000000"]
    assert [r.text for r in runs("禁止公开00000002.危及")] == ["0000000"]


def test_a_glued_split_above_what_there_was_to_handle_is_not_taken() -> None:
    # 3|0|0|0|0|0|3 is 结转下年度's only split, but 新收 + 上年结转 has 1 in that column: no outcome or
    # carry-over can exceed it, so the split is wrong and the row stays None. A row a column short
    # with more than six digits (0100000: a part of 1 against a total of 0) is not read with blanks.
    runs_ = {"新收": "1100002", "上年结转": "0000000", "结转下年度": "3000003", "总计": "0100000"}
    table, _ = flat.solve_requests({r: Run(t, 0, len(t)) for r, t in runs_.items()}, [])
    assert [c.value for c in table["新收"]] == [1, 1, 0, 0, 0, 0, 2]
    assert all(c.value is None for c in table["结转下年度"])
    assert "no column above its 新收 + 上年结转" in table["结转下年度"][0].reason
    assert all(c.value is None for c in table["总计"]) and flat.row_candidates(Run("0100000", 0, 7)) == ([], ())


@pytest.mark.parametrize("sample", SAMPLES[:2], ids=lambda p: p.name[:3])
def test_a_pdfs_text_that_lost_the_tables_layout_gives_no_table_number(sample: Path, tmp_path: Path) -> None:
    # pdfminer's extract_text (markitdown's text of a PDF) puts each cell in a box of its own and the
    # boxes in an order of their own: row labels stand together, numbers follow the columns' headers.
    from builders import build_pdf
    from pdfminer.high_level import extract_text

    text = sample.read_text(encoding="utf-8")
    clean = parse_text(text)
    got = parse_text(extract_text(str(build_pdf(text, tmp_path / "report.pdf"))))
    before = degrade.cells(clean)
    assert all(value is None or value == before[key] for key, value in degrade.cells(got).items())
    reasons = [c.reason or "" for c in got.requests["新收"]] + [v.reason or "" for v in got.proactive["规章"].values()]
    assert all("lost the table's layout" in r for r in reasons)
    assert (got.publisher, got.year, len(got.sections)) == (clean.publisher, clean.year, len(clean.sections))


def test_one_cell_a_line_with_a_blank_row_is_still_read() -> None:
    # A blank row puts two row labels together, as a lost layout does, but no number stands without a
    # label: the rows are read.
    lines = ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章", "规范性文件", "3", "2", "5"]
    lines += ["行政许可", "12", "0", "40"]
    rows, _, warnings = parse_proactive("\n".join(lines), "2019")
    assert [v.value for v in rows["规范性文件"].values()] == [3, 2, 5]
    assert [v.value for v in rows["行政许可"].values()] == [12, 0, 40]
    assert all(v.value is None for v in rows["规章"].values()) and not any("版式" in w for w in warnings)


def test_a_line_wrapped_before_a_word_like_an_ordinal_is_joined() -> None:
    # 第一时间 starts with what an ordinal starts with (第一，…), but is a word: the line continues.
    first, second, third = (
        "健全完善政府网站信息内容归集、保障和更新发布机制，",
        "第一时间发布重要信息。",
        "第二，加强解读。",
    )
    assert normalize(f"{first}\n{second}\n{third}").text == f"{first}{second}\n{third}"


def test_a_place_on_a_line_of_its_own_by_the_title_is_the_publishers() -> None:
    intro = "依据《中华人民共和国政府信息公开条例》，现报告如下。"
    report = parse_text(f"2021年政府信息公开工作年度报告\n城子河区\n{intro}")
    assert report.publisher == "城子河区人民政府"


def test_a_converters_spaces_for_line_breaks_and_its_comments() -> None:
    # pymupdf4llm joins a page's blocks with a space: the title before the first sentence, a heading
    # after the sentence before it; it marks text it took for a picture with HTML comments.
    text = (
        "城子河区人民政府2022年政府信息公开工作年度报告 根据《中华人民共和国政府信息公开条例》，现报告如下。\n"
        "一、总体情况\n本年度工作稳步推进。\n五、存在的主要问题及改进情况\n（一）拓宽渠道。提升公众参与度。"
        " 六、其他需要报告的事项 无。\n"
        "<!-- Start of picture text -->\n行政复议\n<!-- End of picture text -->\n"
    )
    report = parse_text(text)
    assert report.title == "城子河区人民政府2022年政府信息公开工作年度报告"
    assert [s.kind for s in report.sections] == ["overview", "problems", "other"]
    assert "<!--" not in normalize(text).text and len(normalize(text).text) < len(text)


_REQUESTS_HEAD = (
    "\t\t申请人情况\n\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计\n"
    "一、本年新收政府信息公开申请数量\t\t13\t2\t0\t0\t0\t0\t15\n二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\n"
)


def test_rows_a_converter_put_on_one_line_or_into_one_row_are_read() -> None:
    # A picture's text: rows one after another on a line. Two rows merged into one: each cell holds
    # both rows' numbers (0<br>1), the first row's above.
    text = (
        _REQUESTS_HEAD
        + "（一）予以公开\t\t10\t1\t0\t0\t0\t0\t11\n"
        + "（五）不予处理\t2.重复申请0 0 0 0 0 0 0 3.要求提供公开出版物1 0 0 0 0 0 1"
        + " 4.无正当理由大量反复申请0 0 0 0 0 0 0\n"
        + "| 5.要求行政机关确认或重新出具已获取信息 1.申请人无正当理由逾期不补正 | 0<br>2 | 0<br>1 | 0<br>0 "
        + "| 0<br>0 | 0<br>0 | 0<br>0 | 0<br>3 |\n"
    )
    rows, _, _ = parse_requests(normalize(text).text, "2021")
    assert [c.value for c in rows["不予处理.公开出版物"]] == [1, 0, 0, 0, 0, 0, 1]
    assert [c.value for c in rows["不予处理.大量反复申请"]] == [0] * 7
    assert [c.value for c in rows["不予处理.确认或重新出具"]] == [0] * 7
    assert [c.value for c in rows["其他处理.逾期不补正"]] == [2, 1, 0, 0, 0, 0, 3]


def test_two_labels_then_two_rows_of_numbers_one_cell_a_line_are_two_rows() -> None:
    # pdftotext's text of a PDF: both rows' labels, then both rows' numbers in order.
    cells = "\n".join(["（七）总", "计", "四、结转", "下年度继", "续办理", *"13 2 0 0 0 0 15".split()])
    text = _REQUESTS_HEAD.replace("\t", "\n") + cells + "\n\n" + "\n".join("0" * 7)
    rows, _, _ = parse_requests(text, "2019")
    assert [c.value for c in rows["总计"]] == [13, 2, 0, 0, 0, 0, 15]
    assert [c.value for c in rows["结转下年度"]] == [0] * 7


def test_the_headers_last_column_names_no_row() -> None:
    # The header ends in 其他 (a column); the numbers after it, one cell a line, are not 3.其他's row.
    header = "申请人情况\n自然人\n法人或其\n他组织\n商业企业\n科研机构\n社会公益\n组织\n法律服务\n机构\n其他"
    rows_ = "\n".join(["1", "0", "0", "0", "0", "0", "1", "二、上年结转政府信息公开申请数量", *"0" * 7])
    rows, _, _ = parse_requests(f"{header}\n{rows_}", "2021")
    assert "其他处理.其他" not in rows
    assert [c.value for c in rows["新收"]] == [1, 0, 0, 0, 0, 0, 1]  # the one row before 上年结转


def test_rows_glued_one_after_another_on_a_line_are_split() -> None:
    text = "表\n一、本年新收申请数量17 3 0 0 1 0 21二、上年结转申请数量0 0 0 0 0 0 0三、本年度办理结果\n后文"
    n = normalize(text)
    assert n.text.split("\n")[1:3] == ["一、本年新收申请数量17 3 0 0 1 0 21", "二、上年结转申请数量0 0 0 0 0 0 0"]
    at = n.text.index("二、")
    assert n.original_text(at, at + 6) == "二、上年结转"


def test_a_heading_a_converter_took_for_a_tables_first_row_is_a_heading() -> None:
    line = "四、行政复议\t因政府信\t息公开工作\t被申请行政行政诉讼\t复议和\t提起行政诉讼\t情况"
    text = f"一、总体情况\n工作有序。\n{line}\n行政复议\t行政诉讼\n0\t0\n五、存在的主要问题及改进情况\n无。"
    assert [s.kind for s in parse_sections(text)] == ["overview", "review_litigation", "problems"]
    assert [s.kind for s in parse_sections("一、总体情况\n工作有序。\n四、行政复议\t3\t0\t总计\t情况")] == ["overview"]


def test_labels_moved_away_from_rows_that_kept_their_order_are_placed() -> None:
    # pdftotext's text across a page: two rows' labels printed among others, their numbers last, with
    # no label; every row kept its seven numbers in order, so the rows' order places them.
    from indexer.labels import REQUEST_ROW_LABELS as label
    from indexer.parse.tables import REQUEST_ROWS_2019

    rows_ = list(REQUEST_ROWS_2019)
    numbers = {row: [k, 0, 0, 0, 0, 0, k] for k, row in enumerate(rows_, start=1)}
    cell = "\n\n".join
    lines = []
    for row in rows_[:-2]:
        if row == "不予公开.内部事务":
            lines += [label["总计"], label["结转下年度"]]
        lines += [label[row], cell(map(str, numbers[row]))]
    lines += [cell(map(str, numbers[row])) for row in rows_[-2:]]
    parsed, _, _ = parse_requests(cell(lines), "2019")
    assert {row: [c.value for c in cells] for row, cells in parsed.items()} == numbers


def test_a_page_break_is_a_line_break_and_a_line_starting_with_a_comma_continues() -> None:
    # pdftotext ends each page with a form feed; a page's width may break a line before a comma.
    text = "五、存在的主要问题及改进情况\n\x0c一是公开意识有待提高；二是公开形式单一。\n"
    text += "（一）强化组织领导，明确责任分工，抓重点\n，补短板，建机制。\n"
    assert normalize(text).text == text.replace("\x0c", "\n").replace("抓重点\n，", "抓重点，")
    from indexer.extract.problems import extract_items

    items = extract_items(parse_text("一、总体情况\n有序。\n" + text))
    assert [i.text for i in items][0] == "一是公开意识有待提高；"  # the form feed no longer hides 一是


def test_review_numbers_glued_after_the_headers_words_are_read() -> None:
    # A converter put the header's words and the numbers under them in one cell (结果维持<br>0).
    line = "0 0\t0\t0 0\t\t结果维持0\t结果纠正其他结果尚未审结0 1 2\t总计结果维持3 0"
    line += "\t结果纠正0\t其他结果0\t尚未审结0\t总计0"
    table, _, _ = parse_review(f"行政复议\t行政诉讼\n{line}\n")
    assert [v.value for v in table["直接起诉"].values()] == [0, 0, 1, 2, 3]
    assert [v.value for block in table.values() for v in block.values()].count(None) == 0


def test_a_misread_cell_in_a_row_is_not_a_lost_layout() -> None:
    # OCR read 行政强制's first cell as 过: its two other numbers stand apart, fewer than a row has.
    lines = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量", "行政处罚", "242", "0", "687"]
    lines += ["行政强制", "过", "3", "6", "第二十条第（八）项"]
    rows, _, _ = parse_proactive("\n".join(lines), "2019")
    assert [v.value for v in rows["行政处罚"].values()] == [242, 0, 687]
    assert all(v.value is None and "layout" not in (v.reason or "") for v in rows["行政强制"].values())


def test_the_review_tables_digits_run_together_on_a_line_of_their_own_are_split() -> None:
    # lxml's text_content of a page: the header's words on one line, all fifteen cells glued on the next.
    header = "行政复议行政诉讼\n结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉\n"
    table, _, _ = parse_review(header + "000000000000000\n")
    assert [v.value for block in table.values() for v in block.values()] == [0] * 15
    table, _, _ = parse_review(header + "999999999999999\n")  # fifteen digits: no split adds up
    assert all(v.value is None for block in table.values() for v in block.values())


def test_what_the_converter_rules_leave_alone() -> None:
    # A numbered sentence after a sentence stays in its paragraph; a row of placeholders is no heading.
    assert "\n" not in normalize("工作有序推进。 2、政府信息公开平台建设方面，有新进展。").text
    assert "\n" not in normalize("工作。\u3000一、主动公开政府信息情况，本年共公开。").text
    assert _heading("一、本年新收政府信息公开申请数量\t—\t—\t—") is None
    # A place line that is half a department's name, or a zone's, is not a government's.
    body = "\n一、总体情况\n本年度政府信息公开工作有序推进。\n二、主动公开政府信息情况\n无。\n"
    title = "2022年政府信息公开工作年度报告\n"
    assert parse_text(title + "黑龙江省\n交通运输厅\n根据条例，现报告如下。" + body).publisher == "交通运输厅"
    assert parse_text(title + "哈尔滨经济技术开发区\n根据条例，现报告如下。" + body).publisher is None
    # Two digits after a review header word may be one cell or two: left as text.
    assert parse_review("行政复议\t行政诉讼\n结果维持00\t0\n")[0]["复议"]["维持"].value is None


def test_a_blank_row_then_a_row_whose_label_was_lost_is_read_as_before() -> None:
    # Two labels, a row of numbers, then numbers with no label where 3.补正后… stands: the numbers may be
    # 需另行制作's and 补正后's (a blank row, then a lost label) as well as 不掌握's and 需另行制作's, so the
    # pile is not split. A lone page number between rows does not make the table a lost layout.
    head = "申请人情况\n自然人\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n总计\n"
    pile = ["（四）无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", *"1000001", ""]
    after = ["（五）不予处理", "1.信访举报投诉类申请", *"0000000"]
    rows, _, _ = parse_requests(head + "\n".join([*pile, *"0000000", "", *after]), "2019")
    assert [c.value for c in rows["无法提供.需另行制作"]] == [1, 0, 0, 0, 0, 0, 1]
    assert [c.value for c in rows["无法提供.补正后仍不明确"]] == [0] * 7
    page_number = [*pile, "12", "", "3.补正后申请内容仍不明确", *"0000000", *after]
    rows, _, _ = parse_requests(head + "\n".join(page_number), "2019")
    assert [c.value for c in rows["无法提供.需另行制作"]] == [1, 0, 0, 0, 0, 0, 1]
    assert [c.value for c in rows["不予处理.信访举报投诉"]] == [0] * 7


def test_a_short_row_with_a_cell_that_may_be_two_numbers_is_not_placed() -> None:
    # "3 0" in one cell is 30 spaced out or two cells a converter merged: the row prints six numbers or
    # seven, so where its blank stands (if it has one) cannot be told. The note reads in Chinese.
    from indexer.labels import note_label

    text = _REQUESTS_HEAD + "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t3 0\t\n"
    rows, _, _ = parse_requests(text, "2019")
    assert all(c.value is None for c in rows["结转下年度"])
    assert "one number or two" in (rows["结转下年度"][0].reason or "")
    assert "无法判断哪些格是空白" in note_label(rows["结转下年度"][0].reason or "")


def test_a_grid_tables_wrapped_cells_are_joined_into_one_row(tmp_path: Path) -> None:
    # pandoc's Markdown of a DOCX: a label wrapped over two lines and a number wrapped in a narrow column
    # are one cell each; the rules go. Read through the .md reader, as a researcher's file is.
    grid = "\n".join(
        [
            "+------------+------+------+",
            "| 信息内容   | 本年 | 对外 |",
            "|            | 新制 | 公开 |",
            "+============+======+======+",
            "| 其他对外管 | 1059 | 3    |",
            "| 理服务事项 | 5.83 |      |",
            "+------------+------+------+",
        ]
    )
    path = tmp_path / "report.md"
    path.write_text(f"表格\n{grid}\n完", encoding="utf-8")
    assert read_report(path).text == "表格\n信息内容\t本年新制\t对外公开\n其他对外管理服务事项\t10595.83\t3\n完"


def test_two_short_numbers_in_one_grid_cell_stay_two() -> None:
    # A piece that did not fill its column ended where its text did: 0 above 1 is two numbers (a converter
    # that merged two rows), never 01; a row whose lines do not all have the same cells (a cell spanning
    # columns) is left as its lines.
    rows = "+--------+--------+\n| 新收   | 0      |\n| 上年   | 1      |\n+--------+--------+"
    assert grid_tables_as_rows(rows) == "新收上年\t0 1"
    # Where the rule does not show the columns' widths (its columns are not the row's), pieces stay apart.
    unknown = "+----+----+----+\n| 新收 | 1059 |\n| 上年 | 5.83 |\n+----+----+----+"
    assert grid_tables_as_rows(unknown) == "新收上年\t1059 5.83"
    spanning = "+----+----+\n| 申请人情况 |\n| 自然人 | 3 |\n+----+----+"
    assert grid_tables_as_rows(spanning) == "| 申请人情况 |\n| 自然人 | 3 |"
