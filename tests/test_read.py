"""The readers: every format gives back the report's paragraphs and table rows; bad files say why."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import Block, build_docx, build_html, build_pdf, build_scanned_pdf, report_blocks
from docx import Document
from reportlab.lib import colors, pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from indexer.errors import NianbaoError
from indexer.read import MAX_REPORT_BYTES, SUPPORTED_EXTENSIONS, read_report
from indexer.read.support import decode_text, join_wrapped, row_line

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"
SAMPLES = [REPORTS / "003_8a3768d55a3234f1.txt", next(REPORTS.glob("004_*.txt"))]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _write_txt(encoding: str) -> Callable[[str, Path], Path]:
    def build(text: str, path: Path) -> Path:
        path.write_bytes(text.encode(encoding))
        return path

    return build


# name -> (file name, builder, expected RawDocument.format, expected encoding)
FORMATS = {
    "docx": ("report.docx", build_docx, "docx", None),
    "pdf": ("report.pdf", build_pdf, "pdf", None),
    "html-utf8": ("report.html", build_html, "html", "utf-8"),
    "html-gbk": ("report.htm", lambda text, path: build_html(text, path, "gbk"), "html", "gb18030"),
    "txt-gbk": ("report.txt", _write_txt("gb18030"), "txt", "gb18030"),
    "txt-utf8-bom": ("report.txt", _write_txt("utf-8-sig"), "txt", "utf-8-sig"),
}


def _paragraphs(blocks: list[Block]) -> list[str]:
    return [block for block in blocks if isinstance(block, str)]


def _rows(blocks: list[Block]) -> list[list[str]]:
    """Each table row's non-empty cells, whitespace removed; rows with no text are left out."""
    tables = [block for block in blocks if isinstance(block, list)]
    rows = [[_squeeze(cell) for cell in row if _squeeze(cell)] for table in tables for row in table]
    return [row for row in rows if row]


def assert_same_report(text: str, blocks: list[Block]) -> None:
    """Every paragraph and every table row of ``blocks`` is in ``text``, in order.

    Paragraphs are compared with all whitespace removed (a PDF re-wraps them); a row matches a line
    whose non-empty cells, whitespace removed, are the row's non-empty cells in the same order.
    """
    flat = _squeeze(text)
    position = 0
    for paragraph in _paragraphs(blocks):
        found = flat.find(_squeeze(paragraph), position)
        assert found >= 0, f"paragraph missing or out of order: {paragraph[:60]}"
        position = found + len(_squeeze(paragraph))
    lines = [[_squeeze(cell) for cell in line.split("\t") if _squeeze(cell)] for line in text.splitlines()]
    index = 0
    for row in _rows(blocks):
        while index < len(lines) and lines[index] != row:
            index += 1
        assert index < len(lines), f"table row missing or out of order: {row}"
        index += 1


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name[:3])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_keeps_paragraphs_and_table_rows(sample: Path, fmt: str, tmp_path: Path) -> None:
    name, build, expected_format, expected_encoding = FORMATS[fmt]
    text = sample.read_text(encoding="utf-8")
    document = read_report(build(text, tmp_path / name))
    assert document.format == expected_format
    assert document.encoding == expected_encoding
    assert document.path == str(tmp_path / name)
    assert "\ufeff" not in document.text
    assert "(cid:" not in document.text  # STSong-Light text is read as Chinese, not glyph numbers
    assert_same_report(document.text, report_blocks(text))


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html-utf8"])
def test_title_comes_first(fmt: str, tmp_path: Path) -> None:
    name, build, _, _ = FORMATS[fmt]
    text = SAMPLES[0].read_text(encoding="utf-8")
    document = read_report(build(text, tmp_path / name))
    assert _squeeze(document.text.splitlines()[0]) == "银川市西夏区2020年政府信息公开工作年度报告"


def test_html_leaves_out_the_site_around_the_report(tmp_path: Path) -> None:
    text = read_report(build_html(SAMPLES[1].read_text(encoding="utf-8"), tmp_path / "r.html")).text
    chrome = [
        "首页",
        "当前位置",
        "主办单位",
        "备案号",
        "打印本页",
        "关闭窗口",
        "分享到",
        "相关文章",
        "统计代码",
    ]
    assert [word for word in chrome if word in text] == []


def test_pdf_drops_page_numbers_and_joins_lines_wrapped_across_pages(tmp_path: Path) -> None:
    text = read_report(build_pdf(SAMPLES[0].read_text(encoding="utf-8"), tmp_path / "r.pdf")).text
    assert not [line for line in text.splitlines() if re.fullmatch(r"-\s*\d+\s*-", line)]
    paragraphs = _paragraphs(report_blocks(SAMPLES[0].read_text(encoding="utf-8")))
    lines = {_squeeze(line) for line in text.splitlines()}
    joined = [paragraph for paragraph in paragraphs if _squeeze(paragraph) in lines]
    # Wrapping is inferred from the layout, so allow a miss or two; nearly every paragraph is whole.
    assert len(joined) >= len(paragraphs) - 2


# --- merged and nested cells -------------------------------------------------------------------


def test_docx_merged_cells_appear_once_and_nested_tables_follow_their_row(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = document.add_table(rows=3, cols=3)
    values = [["行政复议", "", "行政诉讼"], ["维持", "纠正", ""], ["1", "2", ""]]
    for row, row_values in zip(table.rows, values, strict=True):
        for cell, value in zip(row.cells, row_values, strict=True):
            cell.text = value
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal: 行政复议 spans two columns
    table.cell(0, 2).merge(table.cell(1, 2))  # vertical: 行政诉讼 spans two rows
    nested = table.cell(2, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "未经复议", "3"
    document.save(tmp_path / "merged.docx")
    lines = read_report(tmp_path / "merged.docx").text.splitlines()
    assert lines == [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t行政诉讼",
        "维持\t纠正\t",
        "1\t2\t",
        "未经复议\t3",
    ]


def test_docx_paragraph_tabs_do_not_become_cells(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("主动公开\t信息 1234 条")
    document.save(tmp_path / "tab.docx")
    assert read_report(tmp_path / "tab.docx").text == "主动公开 信息 1234 条"


def test_html_colspan_once_rowspan_leaves_empty_cells(tmp_path: Path) -> None:
    page = """<html><head><meta charset="utf-8"></head><body><div id="zoom">
    <p>三、收到和处理政府信息公开申请情况</p>
    <table><tr><td colspan="2" rowspan="2">（本列数据的勾稽关系为：<br>第一项加第二项之和）</td>
      <td colspan="3">申请人情况</td></tr>
    <tr><td>自然人</td><td>商业企业</td><td>总计</td></tr>
    <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>11</td><td>0</td><td>11</td></tr>
    <tr><td>（二）部分公开</td><td>0</td><td>0</td><td>0</td></tr></table>
    <p>四、政府信息公开行政复议、行政诉讼情况</p></div></body></html>"""
    (tmp_path / "span.html").write_text(page, encoding="utf-8")
    assert read_report(tmp_path / "span.html").text.splitlines() == [
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和）\t申请人情况",
        "\t自然人\t商业企业\t总计",
        "三、本年度办理结果\t（一）予以公开\t11\t0\t11",
        "\t（二）部分公开\t0\t0\t0",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]


def test_pdf_merged_cells_appear_once(tmp_path: Path) -> None:
    path = tmp_path / "span.pdf"
    table = Table([["行政复议", "", "行政诉讼"], ["维持", "纠正", ""], ["1", "2", "3"]], colWidths=[120] * 3)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("SPAN", (0, 0), (1, 0)),
                ("SPAN", (2, 0), (2, 1)),
            ]
        )
    )
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    assert read_report(path).text.splitlines() == ["行政复议\t行政诉讼", "维持\t纠正\t", "1\t2\t3"]


def test_pdf_overprinted_bold_text_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "bold.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("STSong-Light", 14)
    for offset in (0, 0.3):  # how WPS and some printers fake a bold Chinese font
        canvas.drawString(100 + offset, 700, "一、总体情况")
    canvas.save()
    assert read_report(path).text == "一、总体情况"


# --- the layout that decided against trafilatura -------------------------------------------------

NESTED_LAYOUT_PAGE = """<html><head><meta charset="utf-8">
<title>某县2020年政府信息公开工作年度报告_某县人民政府</title></head><body>
<table width="100%"><tr><td><a href="/">首页</a> <a href="/">政务公开</a> <a href="/">政务服务</a></td></tr>
<tr><td>当前位置：<a href="/">首页</a> &gt; <a href="/">年报</a></td></tr>
<tr><td><table><tr><td class="title">某县2020年政府信息公开工作年度报告</td></tr>
<tr><td><div class="TRS_Editor"><div>根据《中华人民共和国政府信息公开条例》规定，
某县人民政府办公室编制本报告。<br>一、总体情况<br><font face="仿宋">2020年，某县认真贯彻落实条例，
全年主动公开政府信息<b>1234</b>条。</font><br>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1"><tr><td colspan="2">申请人情况</td><td>总计</td></tr>
<tr><td>一、本年新收政府信息公开申请数量</td><td>13</td><td>13</td></tr></table>
五、存在的主要问题及改进情况<br>政策解读形式单一。<br>六、其他需要报告的事项<br>无。
</div></div></td></tr></table></td></tr>
<tr><td>主办单位：某县人民政府办公室 备案号：陇ICP备05000123号</td></tr></table></body></html>"""


def test_html_in_nested_layout_tables_keeps_reading_order_without_site_chrome(tmp_path: Path) -> None:
    (tmp_path / "layout.html").write_text(NESTED_LAYOUT_PAGE, encoding="utf-8")
    assert read_report(tmp_path / "layout.html").text.splitlines() == [
        "某县2020年政府信息公开工作年度报告",
        "根据《中华人民共和国政府信息公开条例》规定，某县人民政府办公室编制本报告。",
        "一、总体情况",
        "2020年，某县认真贯彻落实条例，全年主动公开政府信息1234条。",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况\t总计",
        "一、本年新收政府信息公开申请数量\t13\t13",
        "五、存在的主要问题及改进情况",
        "政策解读形式单一。",
        "六、其他需要报告的事项",
        "无。",
    ]


def test_html_unknown_layout_found_by_text_density(tmp_path: Path) -> None:
    paragraph = "政府信息公开工作稳步推进，全年主动公开各类政府信息共计若干条，依申请公开办理及时。"
    report = "".join(f"<p>（{n}）{paragraph}</p>" for n in range(8))
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
    <div class="wrap"><div class="gg"><a href="/">首页</a><a href="/a">机构设置</a>
      <a href="/b">政策文件</a></div>
    <div class="xx"><h2>某县2021年政府信息公开工作年度报告</h2><div class="yy">{report}</div></div>
    <div class="zz"><a href="/c">某县2020年政府信息公开工作年度报告</a> 联系电话：0934-1234567</div></div>
    </body></html>"""
    (tmp_path / "density.html").write_bytes(page.encode("gbk"))
    document = read_report(tmp_path / "density.html")
    assert document.encoding == "gb18030"
    lines = document.text.splitlines()
    assert lines[0] == "某县2021年政府信息公开工作年度报告"
    assert len(lines) == 9 and all(line.startswith("（") for line in lines[1:])


def test_html_statistics_table_holding_most_text_keeps_the_prose_around_it(tmp_path: Path) -> None:
    # A short report: its applications table holds most of the page's Chinese text, yet the
    # paragraphs beside it are the report too (the density search must not descend into the table).
    rows = "".join(
        f"<tr><td>{label}</td>" + "<td></td>" * 6 + "<td>0</td></tr>"
        for label in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理")
    )
    notes = "".join(
        f"<tr><td>（{n}）属于三类内部事务信息及其他法律行政法规禁止公开的情形</td>" + "<td></td>" * 7 + "</tr>"
        for n in range(6)
    )
    page = f"""<html><head><meta charset="utf-8"></head><body>
    <h1>某县2022年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>全年未收到申请。</p>
    <table>{rows}{notes}</table><p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>"""
    (tmp_path / "short.html").write_text(page, encoding="utf-8")
    lines = read_report(tmp_path / "short.html").text.splitlines()
    assert lines[:3] == ["某县2022年政府信息公开工作年度报告", "一、总体情况", "全年未收到申请。"]
    assert lines[3].startswith("一、本年新收政府信息公开申请数量\t")
    assert lines[-2:] == ["五、存在的主要问题及改进情况", "无。"]


# --- bad input -----------------------------------------------------------------------------------


def _raises(path: Path, *words: str) -> NianbaoError:
    with pytest.raises(NianbaoError) as caught:
        read_report(path)
    assert caught.value.path == str(path)
    for word in words:
        assert word in caught.value.reason, caught.value.reason
    return caught.value


def test_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "absent.pdf", "not found")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    _raises(tmp_path / "empty.txt", "file is empty")


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 64, random.Random(7).randbytes(8192).replace(b"\0", b"\1")],
    ids=["with-nul", "without-nul"],
)
def test_binary_garbage_named_txt(data: bytes, tmp_path: Path) -> None:
    (tmp_path / "garbage.txt").write_bytes(data)
    _raises(tmp_path / "garbage.txt", "not a text file", "binary")


def test_oversized_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    chunk = ("政府信息公开工作年度报告。" * 27000).encode("utf-8")  # about 1 MB
    with path.open("wb") as file:
        while file.tell() < 50 * 1024 * 1024:
            file.write(chunk)
    assert path.stat().st_size > MAX_REPORT_BYTES
    _raises(path, "too large", "50.", "32 MB")


def test_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "report.xyz").write_text("一、总体情况", encoding="utf-8")
    supported = "supported: .docx .htm .html .markdown .md .pdf .txt"
    _raises(tmp_path / "report.xyz", "unsupported file type '.xyz'", supported)
    assert SUPPORTED_EXTENSIONS == (".docx", ".htm", ".html", ".markdown", ".md", ".pdf", ".txt")


def test_markdown_file_reads_as_markdown(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("# 标题\n\n| 规章 | 0 |\n|---|---|\n", encoding="utf-8")
    raw = read_report(path)
    assert raw.format == "md" and "| 规章 | 0 |" in raw.text


def test_legacy_doc(tmp_path: Path) -> None:
    (tmp_path / "report.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _raises(tmp_path / "report.doc", ".doc", "not supported", ".docx")


def test_legacy_doc_renamed_docx(tmp_path: Path) -> None:
    (tmp_path / "report.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _raises(tmp_path / "report.docx", "legacy Word .doc", "save it as .docx")


def test_scanned_pdf_is_read_by_ocr_and_says_so(tmp_path: Path) -> None:
    raw = read_report(build_scanned_pdf(tmp_path / "scan.pdf"))  # two pages of stripes: no text layer
    assert raw.ocr is not None and raw.ocr.startswith("tesseract ") and "chi_sim" in raw.ocr


def test_corrupt_docx(tmp_path: Path) -> None:
    valid = build_docx("标题\n一、总体情况", tmp_path / "valid.docx").read_bytes()
    (tmp_path / "corrupt.docx").write_bytes(valid[: len(valid) // 2])
    _raises(tmp_path / "corrupt.docx", "not a valid .docx file")


def test_corrupt_pdf(tmp_path: Path) -> None:
    valid = build_pdf("标题\n一、总体情况", tmp_path / "valid.pdf").read_bytes()
    (tmp_path / "corrupt.pdf").write_bytes(valid[: len(valid) // 2])
    _raises(tmp_path / "corrupt.pdf", "not a valid PDF file", "damaged")


def test_html_saved_as_pdf(tmp_path: Path) -> None:
    (tmp_path / "error.pdf").write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    _raises(tmp_path / "error.pdf", "not a valid PDF file", "HTML page")


def test_password_protected_pdf(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("user-secret", "owner-secret"))
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(100, 700, "一、总体情况")
    canvas.save()
    (tmp_path / "locked.pdf").write_bytes(buffer.getvalue())
    _raises(tmp_path / "locked.pdf", "encrypted", "password")


def test_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    # Helvetica: reportlab leaves a CID font's CIDSystemInfo strings unencrypted (its bug, see below).
    restricted = pdfencrypt.StandardEncryption("", "owner-secret")
    canvas = Canvas(str(tmp_path / "restricted.pdf"), encrypt=restricted)
    canvas.drawString(100, 700, "Annual Report 2020")
    canvas.save()
    assert read_report(tmp_path / "restricted.pdf").text == "Annual Report 2020"


def test_undecodable_text_layer_is_refused_not_returned_as_glyph_numbers(tmp_path: Path) -> None:
    # An encrypted reportlab file writes "Adobe"/"GB1" in clear text where the PDF standard wants
    # them encrypted, so pdfminer decrypts them into noise and cannot map STSong-Light's glyphs.
    canvas = Canvas(str(tmp_path / "cid.pdf"), encrypt=pdfencrypt.StandardEncryption("", "owner-secret"))
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(100, 700, "一、总体情况")
    canvas.save()
    _raises(tmp_path / "cid.pdf", "text layer cannot be decoded", "(cid:N)")


def test_docx_without_text(tmp_path: Path) -> None:
    Document().save(tmp_path / "blank.docx")
    _raises(tmp_path / "blank.docx", "no text found", "OCR is not supported")


# --- shared help ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("一、总体情况".encode("utf-16"), "utf-16"),
        ("一、总体情况".encode("utf-8-sig"), "utf-8-sig"),
        ("一、总体情况 GB18030 专有字：𠀀".encode("gb18030"), "gb18030"),
        ("一、总体情况".encode("gbk"), "gb18030"),
        ("Report 2020".encode("ascii"), "utf-8"),
    ],
)
def test_decode_text_detects_the_encoding(data: bytes, encoding: str) -> None:
    text, detected = decode_text(data, "report.txt")
    assert detected == encoding
    assert text == data.decode(encoding)


def test_decode_text_prefers_a_declared_charset_that_fits() -> None:
    data = "一、總體情況".encode("big5")
    assert decode_text(data, "page.html", declared="big5") == ("一、總體情況", "big5")
    assert decode_text("一、总体情况".encode("gbk"), "page.html", declared="utf-8")[1] == "gb18030"


def test_join_wrapped_and_row_line() -> None:
    assert join_wrapped(["政府信息", " 公开 ", "", "Article", "50"]) == "政府信息公开Article 50"
    assert row_line(["本年新\n制作数量", " 0 ", "", "a\tb"]) == "本年新制作数量\t0\t\ta b"
    assert row_line(["", " ", "\n"]) == ""


def test_ocr_splits_a_number_off_the_label_it_was_joined_to_at_a_column_of_numbers() -> None:
    """A label filling its cell up to the next column leaves less than the gap that separates cells:
    the number after it is split off where the page's other rows start number cells (Tesseract's word
    boxes, as pytesseract gives them), and not where no column of numbers starts."""
    from indexer.read.ocr import _Line, _split_at_number_columns, _Word

    def row(top: int, *words: tuple[str, int]) -> _Line:
        line = _Line([_Word(text, left, top, left + 20 * len(text), top + 30) for text, left in words])
        line.chunks = [[w] for w in line.words]
        return line

    rows = [row(100 * k, ("1.重复申请", 800), ("0", 1533), ("0", 1659), ("5", 1785)) for k in range(3)]
    glued = row(400, ("4.保护第三方合法权益", 1288), ("0", 1533), ("0", 1659), ("0", 1785))
    glued.chunks = [glued.words[:2], *([w] for w in glued.words[2:])]  # the first pass joined label and 0
    inside = row(500, ("第", 1288), ("2", 1400), ("项", 1420), ("0", 1659), ("0", 1785))
    inside.chunks = [inside.words[:3], *([w] for w in inside.words[3:])]  # 第2项: no column at 1400
    _split_at_number_columns([*rows, glued, inside], height=33)
    assert [[w.text for w in c] for c in glued.chunks] == [["4.保护第三方合法权益"], ["0"], ["0"], ["0"]]
    assert [[w.text for w in c] for c in inside.chunks] == [["第", "2", "项"], ["0"], ["0"]]
