"""Scanned PDFs: a sample drawn on page images in a PDF without a text layer reads back through OCR
as the sample itself parses: metadata, sections, every table cell, problem and fix items."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import CJK_FONT, build_image_pdf
from test_degraded import degrade

from indexer.parse import parse_document
from indexer.read import read_report
from indexer.read.ocr import available

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "reports" / "002_49933982007c6c7a.txt"

pytestmark = [
    pytest.mark.skipif(available() is not None, reason=f"OCR unavailable: {available()}"),
    pytest.mark.skipif(not CJK_FONT.is_file(), reason=f"{CJK_FONT} missing: apt-get install fonts-noto-cjk"),
]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    path = build_image_pdf(SAMPLE.read_text(encoding="utf-8"), tmp_path_factory.mktemp("scan") / "scan.pdf")
    return path, read_report(path)


def test_the_fixture_has_no_text_layer(scanned) -> None:  # noqa: ANN001
    import pdfplumber

    with pdfplumber.open(scanned[0]) as pdf:
        assert len(pdf.pages) >= 2
        assert all(not page.chars for page in pdf.pages)


@pytest.fixture(scope="module")
def ruled(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The same sample printed with its tables ruled, as most printed reports are."""
    path = build_image_pdf(SAMPLE.read_text(encoding="utf-8"), tmp_path_factory.mktemp("scan") / "ruled.pdf", grid=True)
    return path, read_report(path)


@pytest.fixture(scope="module")
def askew(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The ruled sample as a crooked copy scans: each page turned 0.5°–1.5°, blurred and speckled."""
    text = SAMPLE.read_text(encoding="utf-8")
    path = build_image_pdf(text, tmp_path_factory.mktemp("scan") / "askew.pdf", grid=True, askew=True)
    return path, read_report(path)


@pytest.mark.parametrize("fixture", ["scanned", "ruled", "askew"])
def test_a_scanned_report_parses_as_its_text(fixture: str, request: pytest.FixtureRequest) -> None:
    raw = request.getfixturevalue(fixture)[1]
    assert raw.ocr is not None and "chi_sim" in raw.ocr
    report = parse_document(raw)
    from indexer.extract.problems import extract_items

    report.items = extract_items(report)
    a = degrade.compare(degrade.parse_with_items(SAMPLE.read_text(encoding="utf-8"), "clean"), report)
    assert sum(a.metadata.values()) == a.metadata_total, a.misses
    assert a.sections == a.sections_total, a.misses
    assert a.invented == 0, a.misses
    assert a.cells >= 0.99 * a.cells_total, a.misses
    assert a.items >= 0.9 * a.items_total, a.misses
    assert report.ocr == raw.ocr and report.to_json()["ocr"] == raw.ocr
    assert any("OCR" in w for w in report.warnings)


def test_without_tesseract_the_error_names_the_packages(scanned, tmp_path: Path) -> None:  # noqa: ANN001
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": str(bin_dir)}  # the venv only: no tesseract on it
    result = subprocess.run(
        [str(bin_dir / "nianbao"), "parse", str(scanned[0])], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "tesseract-ocr tesseract-ocr-chi-sim" in result.stderr
    assert str(scanned[0]) in result.stderr


SAMPLE_004 = Path(__file__).resolve().parents[1] / "data" / "reports" / "004_3438832166e5f38e.txt"


def _misread(text: str) -> str:
    """What OCR makes of a table printed one cell per line: the 新收 row's first 1 read as 由, and the
    予以公开 row's first 0 read into its label."""
    text = text.replace("\n\t", "\n")  # a line of one cell comes back from OCR without its tab
    head, _, rest = text.partition("一、本年新收政府信息公开申请数量\n1\n")
    text = head + "一、本年新收政府信息公开申请数量\n由\n" + rest
    return text.replace("（一）予以公开\n0\n", "（一）予以公开0\n", 1)


def test_an_ocr_d_row_one_number_short_is_placed_by_its_total_and_no_further() -> None:
    from indexer.model import APPLICANT_COLUMNS
    from indexer.parse import parse_text

    clean = parse_text(SAMPLE_004.read_text(encoding="utf-8"), path="004.txt")
    misread = _misread(SAMPLE_004.read_text(encoding="utf-8"))
    assert misread != SAMPLE_004.read_text(encoding="utf-8")
    ocr = parse_text(misread, path="004.txt", ocr=True)
    # 由 could be a 1 or a blank: the row shows six numbers for seven cells. Every placement agrees on
    # its total, which is read; where the lost cell stood is not known, so the parts are what the
    # table's identities force (新收 + 上年结转 = 总计 + 结转下年度), derived and saying so.
    got, want = ocr.requests["新收"], clean.requests["新收"]
    assert [c.value for c in got] == [c.value for c in want]
    assert not got[-1].derived and all(c.derived for c in got[:-1])
    basis = {d.column: d.basis for d in ocr.derived_cells if d.row == "新收"}
    assert set(basis) == set(APPLICANT_COLUMNS[:-1])
    assert all(b.startswith("blank or misread by OCR; forced by 新收 + 上年结转") for b in basis.values())
    # Two numbers lost (由 … | for 1 … 1) is not placed from the row: a part and the total that shows it
    # may both be gone. Nothing is made up for it.
    twice = misread.replace(
        "一、本年新收政府信息公开申请数量\n由\n0\n0\n0\n0\n0\n1",
        "一、本年新收政府信息公开申请数量\n由\n0\n0\n0\n0\n0\n|",
    )
    assert twice != misread
    twice_parsed = parse_text(twice, path="004.txt", ocr=True)
    assert all(c.value is None or c.derived for c in twice_parsed.requests["新收"])  # none read from the row
    assert all(d.basis.startswith("blank or misread by OCR") for d in twice_parsed.derived_cells if d.row == "新收")
    # The digit read into the label is the row's first cell.
    assert [c.value for c in ocr.requests["予以公开"]] == [c.value for c in clean.requests["予以公开"]]
    # Typed text keeps placing a short row by its arithmetic (a dropped cell is a blank one there).
    typed = parse_text(misread, path="004.txt")
    assert any(c.value is not None and not c.derived for c in typed.requests["新收"])


def test_a_heading_ocr_cut_in_two_is_still_a_heading() -> None:
    from indexer.parse.sections import parse_sections

    text = (
        "三、收到和处理政府信息公开申请情况\n四、结转下年度继续办理\t0\t0\t0\n"
        "四、政府信息公开\t行政复议、行政诉讼情况\n行政复议\n五、存在的主要问题及改进情况\n一是……\n"
    )
    kinds = [(s.kind, s.heading) for s in parse_sections(text)]
    assert kinds == [
        ("applications", "收到和处理政府信息公开申请情况"),
        ("review_litigation", "政府信息公开行政复议、行政诉讼情况"),
        ("problems", "存在的主要问题及改进情况"),
    ]


def test_a_lone_1_the_chinese_model_read_as_a_character_is_read_again() -> None:
    """由 (or 册, i) in a column of numbers, where the page prints a 1: read alone as one digit it is a
    1; a character as wide as Chinese characters are is left as it was read."""
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _Line, _lone_characters, _reads_as_one, _Word

    font = ImageFont.truetype(str(CJK_FONT), 40)
    image = Image.new("L", (400, 400), 255)
    draw = ImageDraw.Draw(image)
    boxes = {}
    for y, text in ((40, "0"), (120, "1"), (200, "由"), (280, "0")):
        draw.text((100, y), text, font=font, fill=0)
        boxes[text] = draw.textbbox((100, y), text, font=font)

    def line(text: str, shown: str) -> _Line:
        left, top, right, bottom = boxes[text]
        word = _Word(shown, left, top, right, bottom)
        return _Line([word], [[word]])

    # the glyph 1, which the first pass gave as 由, between two lines of one number: read again
    lines = [line("0", "0"), line("1", "由"), line("0", "0")]
    lone = _lone_characters(lines)
    assert ["".join(w.text for w in c) for c in lone] == ["由"]
    assert _reads_as_one(lone[0], image)
    # a real 由 is as wide as it is tall: not a digit, whatever a digits-only pass makes of it
    assert not _reads_as_one(line("由", "由").chunks[0], image)
    # a 由 beside words, not among numbers, is not a candidate
    assert _lone_characters([_Line([_Word("情况", 0, 0, 80, 40)], [[_Word("情况", 0, 0, 80, 40)]]), lines[1]]) == []


def test_a_review_table_one_number_short_is_placed_by_its_blocks_totals() -> None:
    """Fourteen numbers for the fifteen cells of 复议/诉讼 (OCR read the 5 of 1 0 3 1 5 as D): the one
    placement with which each block adds up to its 总计 gives the missing cell; where several do, the
    cells they disagree on stay blank."""
    from indexer.labels import note_label
    from indexer.parse.tables import parse_review

    table, derived, _ = parse_review("行政复议\n1\n0\n3\n1\nD\n" + "0\n" * 10)
    assert [v.value for v in table["复议"].values()] == [1, 0, 3, 1, 5]
    assert table["复议"]["总计"].derived and not table["复议"]["维持"].derived
    assert all(v.value == 0 for block in ("直接起诉", "复议后起诉") for v in table[block].values())
    assert [(d.row, d.column, d.value) for d in derived] == [("复议", "总计", 5)]
    assert "只有一种排法" in note_label(derived[0].basis)
    # all zeros but one 0 lost: it may have been any of them, and every placement gives 0 to each cell
    table, derived, _ = parse_review("行政复议\n" + "0\n" * 14)
    assert all(v.value == 0 for block in table.values() for v in block.values()) and not derived
    # 1 0 0 2 for the first block's five: a 1 lost from 纠正, 其他 or 尚未审结, or 2 and a lost total
    # of 3 — only 维持 is the same in every placement
    table, derived, _ = parse_review("行政复议\n1\n0\n0\n2\n" + "0\n" * 10)
    assert [v.value for v in table["复议"].values()] == [1, None, None, None, None] and not derived
    assert "the dropped cell's position cannot be proven" in (table["复议"]["总计"].reason or "")


def test_ruling_lines_are_cleared_and_the_glyphs_between_them_kept() -> None:
    """A table's rules are runs of dark pixels longer than a character's stroke: they are whitened, a
    character crossing no rule keeps every pixel, and one a rule runs through keeps its other strokes."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _without_rules

    font = ImageFont.truetype(str(CJK_FONT), 45)
    image = Image.new("L", (900, 400), 255)
    draw = ImageDraw.Draw(image)
    for y in (50, 130, 210):  # row rules
        draw.line((20, y, 880, y), fill=0, width=2)
    for x in (20, 400, 640, 880):  # column rules
        draw.line((x, 50, x, 210), fill=0, width=2)
    draw.text((40, 65), "政府信息", font=font, fill=0)
    draw.text((420, 65), "0", font=font, fill=0)
    draw.text((660, 145), "12", font=font, fill=0)
    draw.text((40, 300), "一二三——", font=font, fill=0)  # strokes, not rules: below the table
    before = np.asarray(image) < 160
    after = np.asarray(_without_rules(image)) < 160
    assert not after[50:52, 20:880].any() and not after[130:132].any()  # the row rules
    assert not after[55:205, 400:402].any() and not after[55:205, 880:882].any()  # the column rules
    assert (after[60:125, 30:390] == before[60:125, 30:390]).all()  # 政府信息, inside one cell
    assert (after[60:125, 410:630] == before[60:125, 410:630]).all()  # the 0
    assert (after[140:205, 650:870] == before[140:205, 650:870]).all()  # the 12
    assert (after[280:380] == before[280:380]).all()  # 一 and —— are shorter than any rule


def test_a_number_the_page_pass_did_not_return_is_found_in_its_row_and_read() -> None:
    """Tesseract's page pass can drop a lone 0 between number cells altogether. The row's ink right of
    its label that no word covers is read again, digits only, and kept only when it reads as a number
    with a number's shape: a Chinese character there is not made a number."""
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _keep_read_ink, _Line, _missed_ink, _reread_numbers, _Word

    font = ImageFont.truetype(str(CJK_FONT), 45)
    image = Image.new("L", (1400, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "规范性文件", font=font, fill=0)
    for x, text in ((500, "2"), (700, "0"), (900, "3"), (1100, "5")):
        draw.text((x, 40), text, font=font, fill=0)
    draw.text((40, 160), "规范性文件", font=font, fill=0)
    for x, text in ((500, "2"), (700, "件"), (900, "3")):
        draw.text((x, 160), text, font=font, fill=0)

    def box(x: int, y: int, text: str) -> _Word:
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        return _Word(text, left, top, right, bottom)

    # What the page pass returned: the 0 of the first row and the 件 of the second are not among them.
    first = _Line([box(40, 40, "规范性文件"), box(500, 40, "2"), box(900, 40, "3"), box(1100, 40, "5")])
    second = _Line([box(40, 160, "规范性文件"), box(500, 160, "2"), box(900, 160, "3")])
    lines = [first, second]
    for line in lines:
        line.chunks = [[w] for w in line.words]
    missed = _missed_ink(lines, image, 45)
    assert len(missed) == 2
    _reread_numbers([c for line in lines for c in line.chunks], image, 45)
    _keep_read_ink(lines, missed, image)
    assert ["".join(w.text for w in c) for c in first.chunks] == ["规范性文件", "2", "0", "3", "5"]
    assert ["".join(w.text for w in c) for c in second.chunks] == ["规范性文件", "2", "3"]


def test_a_proactive_row_label_ocr_misread_by_one_character_is_its_row() -> None:
    """政府集中来购 is 政府集中采购 when the text is OCR'd, with a warning; typed text stays exact, and a
    label one character from two rows' names (or a short one) matches neither."""
    from indexer.parse.tables import parse_proactive

    region = (
        "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n"
        "行政规范性文件\t2\t0\t5\n第二十条第（八）项\n信息内容\t采购项目数量\t采购总金额\n"
        "政府集中来购\t101\t45996.82\n"
    )
    rows, _, warnings = parse_proactive(region, "2021", ocr=True)
    assert rows["政府集中采购"]["items"].value == 101
    assert rows["政府集中采购"]["amount_wan_yuan"].value == 45996.82
    assert any("政府集中来购" in w and "一字之差" in w for w in warnings)
    typed, _, _ = parse_proactive(region, "2021")
    assert "政府集中采购" not in typed or typed["政府集中采购"]["items"].value is None
    from indexer.parse.tables import _one_off

    labels = {"行政许可": "a", "行政处罚": "b", "行政强制": "c"}
    assert _one_off("行政处刑", ("行政处罚",), labels)
    assert not _one_off("行政处制", ("行政处罚",), labels)  # as close to 行政强制: neither
    assert not _one_off("行政强罚", ("行政处罚",), labels)  # two characters off
    assert not _one_off("许政许可", ("行政许可",), labels)  # the first character is not tolerated


def _ocr_line(*cells: tuple[str, int, int]) -> object:
    """A line of OCR'd cells, each (text, left, right), 40 pixels tall at y 100."""
    from indexer.read.ocr import _Line, _Word

    chunks = [[_Word(text, left, 100, right, 140)] for text, left, right in cells]
    return _Line([c[0] for c in chunks], chunks)


def test_a_label_wrapped_inside_its_cell_joins_its_row_and_a_short_label_below_does_not() -> None:
    """A printed table's label too long for its column goes on below, inside the column, and the
    row's numbers stand on its first line: the line below is the rest of that label. A line below a
    label that does not fill its cell is another row (or a heading), not its continuation."""
    from indexer.read.ocr import _continues, _table_rows

    height = 40.0
    filled = _ocr_line(("(二)部分公开（区分处理的，", 100, 560), ("0", 600, 620), ("0", 700, 720))
    rest = _ocr_line(("只计这一情形）", 102, 380))
    assert _continues(rest, [filled], height)
    filled.chunks += rest.chunks
    assert _table_rows([filled], height) == ["(二)部分公开（区分处理的，只计这一情形）\t0\t0"]
    short = _ocr_line(("规范性文件", 100, 300), ("3", 600, 620), ("3", 700, 720))
    assert not _continues(_ocr_line(("第二十条第（五）项", 100, 420)), [short], height)
    # a line holding a number is a row of its own
    assert not _continues(_ocr_line(("只计这一情形）", 102, 380), ("2", 600, 620)), [filled], height)


def test_numbers_one_cell_holds_apart_are_cells_of_their_own() -> None:
    """Narrow columns leave less than the gap between cells between two numbers (0 0): words that are
    each a well-formed number, apart by more than half a character, are cells; a label's words stay."""
    from indexer.read.ocr import _Line, _split_numbers_apart, _Word

    words = [_Word("0", 100, 100, 120, 140), _Word("1", 150, 100, 165, 140), _Word("12", 168, 100, 200, 140)]
    label = [_Word("结果", 0, 100, 60, 140), _Word("维持", 64, 100, 95, 140)]
    line = _Line(label + words, [label, words])
    _split_numbers_apart([line], 40.0)
    assert [[w.text for w in c] for c in line.chunks] == [["结果", "维持"], ["0"], ["1", "12"]]


def test_a_standard_heading_whose_numeral_ocr_misread_is_still_a_heading() -> None:
    from indexer.parse.sections import parse_sections

    text = "五、存在的主要问题及改进情况\n一是……\n入、其他需要报告的事项\n无。\n入、其他说明\n"
    kinds = [(s.kind, s.heading) for s in parse_sections(text)]
    assert kinds == [("problems", "存在的主要问题及改进情况"), ("other", "其他需要报告的事项")]


def test_a_table_printed_one_cell_a_line_gets_back_the_lines_the_page_pass_lost() -> None:
    """In a table printed one cell a line, Tesseract's page pass can drop a line holding a lone 1 and
    read 1123 as ]]123. The gap where a line is missing between two lines of one number is searched for
    ink and read digits only; a misread line among numbers is read again. A character standing in such
    a gap is not made a number, and a label among the numbers is not read again."""
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _keep_read_ink, _Line, _misread, _missed_lines, _reread_numbers, _Word

    font = ImageFont.truetype(str(CJK_FONT), 45)
    image = Image.new("L", (600, 900), 255)
    draw = ImageDraw.Draw(image)
    printed = ["44", "1", "10", "1123", "件", "0", "总计", "5"]
    boxes = []
    for k, text in enumerate(printed):
        draw.text((100, 40 + 100 * k), text, font=font, fill=0)
        boxes.append(draw.textbbox((100, 40 + 100 * k), text, font=font))
    height = 45

    def line(k: int, shown: str) -> _Line:
        word = _Word(shown, *boxes[k])
        return _Line([word], [[word]])

    # what the page pass returned: the 1 and the 件 are not there, 1123 came back as ]]123
    lines = [line(0, "44"), line(2, "10"), line(3, "]]123"), line(5, "0"), line(6, "总计"), line(7, "5")]
    missed = _missed_lines(lines, image, height)
    assert len(missed) == 2  # the 1 and the 件
    misread = _misread(lines)
    assert ["".join(w.text for w in c) for c in misread] == ["]]123"]
    _reread_numbers(missed + misread, image, height, misread)
    _keep_read_ink(lines, missed, image)
    lines = [line for line in lines if line.chunks]
    assert ["".join(w.text for c in line.chunks for w in c) for line in lines] == [
        "44",
        "1",
        "10",
        "1123",
        "0",
        "总计",
        "5",
    ]


def test_two_readings_that_disagree_are_decided_by_the_cell_read_alone() -> None:
    """The Chinese model read a printed 0 as 9 and the digits-only pass reads 0: read alone it is 0
    again, a glyph for a glyph, so it is 0. Readings of different lengths are not a glyph for a glyph
    (no reading proves a digit more or less), but a first reading whose box holds room for more digits
    (3 over the box of 38) is no reading: the digits-only one is taken. A unit after the digits (万元)
    is not read as digits."""
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _confused, _reread_numbers, _Word

    assert _confused("0", "9") and _confused("4.5", "4.6")
    assert not _confused("3", "38") and not _confused("45", "4.5")
    font = ImageFont.truetype(str(CJK_FONT), 45)
    image = Image.new("L", (1000, 400), 255)
    draw = ImageDraw.Draw(image)

    def cell(x: int, y: int, printed: str, read: str) -> list[_Word]:
        draw.text((x, y), printed, font=font, fill=0)
        return [_Word(read, *draw.textbbox((x, y), printed, font=font))]

    zero, short = cell(100, 40, "0", "9"), cell(400, 40, "38", "3")
    amount = cell(100, 200, "45996.82", "45996.82")
    unit = cell(100 + amount[0].right - amount[0].left + 4, 200, "万元", "万元")
    money = amount + unit
    _reread_numbers([zero, short, money], image, 45)
    assert [w.text for w in zero] == ["0"]
    assert [w.text for w in short] == ["38"]
    assert "".join(w.text for w in money) == "45996.82万元"


def test_a_page_scanned_askew_is_turned_level() -> None:
    """A page laid crooked on the glass: the angle that levels its lines is found (to 0.1°) and the
    page turned back by it; a level page is left as it is."""
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _deskewed, _skew

    font = ImageFont.truetype(str(CJK_FONT), 40)
    page = Image.new("L", (1600, 1200), 255)
    draw = ImageDraw.Draw(page)
    for k in range(12):
        draw.text((100, 80 + 85 * k), "政府信息公开工作年度报告 2023 年 第十二条" * 2, font=font, fill=0)
    assert _deskewed(page) is page
    blank = Image.new("L", (1600, 1200), 255)
    assert _skew(blank) == 0.0 and _deskewed(blank) is blank
    for angle in (0.7, -1.3, 2.4):
        turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        assert abs(_skew(turned) + angle) <= 0.1


def test_a_sign_is_kept_where_the_chinese_model_read_a_dash() -> None:
    """A first reading of characters among numbers takes the digits-only one, its minus included, where
    the Chinese model read the minus as a dash or as 二 (二有 for -30)."""
    from PIL import Image, ImageDraw, ImageFont

    from indexer.read.ocr import _reread_numbers, _Word

    font = ImageFont.truetype(str(CJK_FONT), 45)
    image = Image.new("L", (1000, 300), 255)
    draw = ImageDraw.Draw(image)

    def cell(x: int, printed: str, read: str) -> list[_Word]:
        draw.text((x, 40), printed, font=font, fill=0)
        return [_Word(read, *draw.textbbox((x, 40), printed, font=font))]

    two = cell(100, "-30", "二有")
    _reread_numbers([two], image, 45, misread=[two])
    assert [w.text for w in two] == ["-30"]
