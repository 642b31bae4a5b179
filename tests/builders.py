"""Build report files in every supported format from a plain-text report, for reader and parser tests.

A plain-text report (the shape of ``data/reports/*.txt``) is a list of lines: a line holding a tab is a
table row whose cells are separated by tabs, any other non-blank line is a paragraph. Consecutive row
lines form one table; blank lines between them do not end it (the samples put blank lines inside
tables). The first paragraph is the report's title.
"""

from __future__ import annotations

import io
import itertools
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from types import ModuleType
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

Row = list[str]
Block = str | list[Row]  # a paragraph, or a table as padded rows of cells

PDF_FONT = "STSong-Light"  # reportlab's built-in Adobe-GB1 CID font: Chinese without a font file
pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def report_blocks(text: str) -> list[Block]:
    """Split a plain-text report into paragraphs and tables; table rows are padded to the widest row."""
    blocks: list[Block] = []
    rows: list[Row] = []
    for line in text.splitlines():
        if "\t" in line:
            rows.append([cell.strip() for cell in line.split("\t")])
            continue
        if not line.strip():
            continue
        if rows:
            blocks.append(_padded(rows))
            rows = []
        blocks.append(line.strip())
    if rows:
        blocks.append(_padded(rows))
    return blocks


def _padded(rows: list[Row]) -> list[Row]:
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


def build_docx(text: str, path: Path) -> Path:
    """Write ``text`` as a Word document: paragraphs, and real Word tables with grid lines."""
    document = Document()
    for index, block in enumerate(report_blocks(text)):
        if isinstance(block, str):
            paragraph = document.add_paragraph(block)
            if index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.runs[0].font.size = Pt(18)
                paragraph.runs[0].bold = True
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        table.style = "Table Grid"
        for row, values in zip(table.rows, block, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        # Word joins two tables that touch; a paragraph between them keeps them apart, as in real files.
        document.add_paragraph("")
    document.save(path)
    return path


def build_pdf(text: str, path: Path) -> Path:
    """Write ``text`` as a multi-page A4 PDF with wrapped CJK paragraphs, ruled tables and page numbers."""
    title_style = ParagraphStyle(
        "title", fontName=PDF_FONT, fontSize=16, leading=24, alignment=TA_CENTER, wordWrap="CJK"
    )
    body_style = ParagraphStyle(
        "body", fontName=PDF_FONT, fontSize=10.5, leading=18, firstLineIndent=21, wordWrap="CJK"
    )
    cell_style = ParagraphStyle("cell", fontName=PDF_FONT, fontSize=7.5, leading=9.5, wordWrap="CJK")
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm
    )
    story: list = []
    for index, block in enumerate(report_blocks(text)):
        if isinstance(block, str):
            story.append(Paragraph(escape(block), title_style if index == 0 else body_style))
            continue
        column_width = document.width / len(block[0])
        cells = [[Paragraph(escape(value), cell_style) for value in row] for row in block]
        table = Table(cells, colWidths=[column_width] * len(block[0]))
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [Spacer(1, 6), table, Spacer(1, 6)]
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return path


def _page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.setFont(PDF_FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"- {document.page} -")


def build_scanned_pdf(path: Path) -> Path:
    """Write a two-page PDF whose pages are only raster images, like a scanned report: no text layer."""
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(2):
        canvas.drawImage(ImageReader(io.BytesIO(_grey_png(170, 240, seed=page))), 50, 80, 495, 700)
        canvas.showPage()
    canvas.save()
    return path


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk


def build_image_pdf(text: str, path: Path, font_px: int = 30, grid: bool = False, askew: bool = False) -> Path:
    """A scan of a plain-text report: its paragraphs and tables drawn on A4 page images (200 dpi) and
    wrapped in a PDF with no text layer. Paragraphs wrap at the right margin with a two-character
    indent. A table is a grid of fixed columns, the labels' wider than the numbers', in a smaller type,
    as a printed table is: a label too long for its cell wraps onto more lines inside it and its row
    grows, the numbers on the row's first line (cells aligned to the top, a word processor's default).
    With ``grid`` each table cell is ruled round, as printed tables are: the reader must not take the
    rules for text (a vertical rule reads as 1 or |). With ``askew`` each page is scanned as a copy
    laid crooked on the glass is: turned 0.5°–1.5° one way or the other, its edges blurred and its
    paper speckled."""
    from PIL import Image, ImageDraw, ImageFont

    width, height, margin = 1654, 2339, 130
    font = ImageFont.truetype(str(CJK_FONT), font_px)
    line_h = int(font_px * 1.6)
    cell_px = int(font_px * 0.8)
    cell_h = int(cell_px * 1.7)
    pages: list[Image.Image] = []
    page = draw = None
    y = height

    def take(h: int) -> int:
        """The top of ``h`` pixels of the page (a new page when they do not fit on this one)."""
        nonlocal page, draw, y
        if page is None or y + h > height - margin:
            page = Image.new("L", (width, height), 255)
            draw = ImageDraw.Draw(page)
            pages.append(page)
            y = margin
        top, y = y, y + h
        return top

    usable = width - 2 * margin
    for block in report_blocks(text):
        if isinstance(block, str):
            line, indent = "", 2 * font_px
            for ch in block:
                if font.getlength(line + ch) > usable - indent:
                    top = take(line_h)
                    draw.text((margin + indent, top), line, font=font, fill=0)  # type: ignore[union-attr]
                    line, indent = "", 0
                line += ch
            top = take(line_h)
            draw.text((margin + indent, top), line, font=font, fill=0)  # type: ignore[union-attr]
            continue
        widths = _column_widths(block, usable, font_px)
        # A table of many columns in a smaller type, as the 复议/诉讼 table is printed.
        cell_font = ImageFont.truetype(str(CJK_FONT), cell_px if len(widths) <= 10 else int(font_px * 0.66))
        take(line_h - cell_h)  # the space above a table
        for row in block:
            if not any(row):
                continue
            # about a word processor's cell margins: 1.5 mm each side of a rule (12 px at 200 dpi)
            lines = [_wrapped(cell, cell_font, w - 1.2 * cell_px) for cell, w in zip(row, widths, strict=True)]
            rows_h = max(len(cell) for cell in lines) * cell_h
            top = take(rows_h)
            if grid:
                edges = [margin + sum(widths[:k]) - cell_px // 2 for k in range(len(widths) + 1)]
                for a, b in itertools.pairwise(edges):
                    draw.rectangle((a, top, b, top + rows_h), outline=0, width=2)  # type: ignore[union-attr]
            x = margin
            for cell, w in zip(lines, widths, strict=True):
                for k, part in enumerate(cell):
                    at = (x, top + cell_px // 5 + k * cell_h)
                    draw.text(at, part, font=cell_font, fill=0)  # type: ignore[union-attr]
                x += w
        take(line_h - cell_h)  # and below it
    if askew:
        pages = [_askew(page, n) for n, page in enumerate(pages)]
    pages[0].save(path, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    return path


def _askew(page: Any, n: int) -> Any:
    """A page as a crooked copy scans: turned by an angle that differs from page to page, blurred a
    little, with grey speckle over it."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(n)
    angle = float(rng.uniform(0.5, 1.5)) * (1 if n % 2 else -1)
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(turned, dtype=np.float32) + rng.normal(0, 12, size=(turned.height, turned.width))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _wrapped(cell: str, font: Any, room: float) -> list[str]:
    """A cell's text as the lines it takes in its column: broken where the next character would not fit."""
    lines = [""]
    for ch in cell:
        if lines[-1] and font.getlength(lines[-1] + ch) > room:
            lines.append("")
        lines[-1] += ch
    return lines


def _column_widths(rows: list[Row], usable: float, font_px: int) -> list[float]:
    """Number columns as wide as their longest number (four digits at least, unless that takes more than
    half the page) plus a gap; label columns share the rest by length."""
    from indexer.parse.cells import parse_number

    ncol = len(rows[0])
    numeric = []
    longest = []
    for k in range(ncol):
        cells = [r[k] for r in rows if r[k]]
        numbers = [c for c in cells if parse_number(c) is not None]
        numeric.append(bool(cells) and len(numbers) * 2 > len(cells))
        longest.append(max((len(c) for c in (numbers if numeric[-1] else cells)), default=1))
    widths = [(max(longest[k], 4) * 0.6 + 2.2) * font_px if numeric[k] else 0.0 for k in range(ncol)]
    if sum(widths) > usable / 2:  # a wide table: its number columns as narrow as their numbers
        widths = [(longest[k] * 0.6 + 2.2) * font_px if numeric[k] else 0.0 for k in range(ncol)]
    left = usable - sum(widths)
    text_len = sum(longest[k] for k in range(ncol) if not numeric[k]) or 1
    return [w if numeric[k] else max(left, 0) * longest[k] / text_len for k, w in enumerate(widths)]


def _grey_png(width: int, height: int, seed: int) -> bytes:
    """A greyscale PNG with a striped pattern, encoded by hand so no imaging library is needed."""
    scanlines = b"".join(
        b"\x00" + bytes(((x * 7) ^ (y * 3 + seed)) & 0xFF for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines)) + chunk(b"IEND", b"")
    )


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}_合水县人民政府</title>
<link rel="stylesheet" href="/css/style.css">
<style>body {{ font-family: "微软雅黑"; }} #zoom p {{ text-indent: 2em; }}</style>
<script>var _hmt = _hmt || []; document.write("<span>统计代码</span>");</script>
</head>
<body>
<div class="top"><a href="/">无障碍浏览</a> | <a href="/old">长者模式</a> | 今天是2021年1月20日</div>
<div class="header">
  <div class="logo"><a href="/"><img src="/images/logo.png" alt="合水县人民政府"></a></div>
  <ul class="nav">
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
    <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
    <li><a href="/zjhs/">走进合水</a></li>
  </ul>
</div>
<div class="main">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
    <a href="/zwgk/ndbg/">政府信息公开年度报告</a></div>
  <div class="article">
    <h1 class="article-title">{title}</h1>
    <div class="info">发布时间：2021-01-20 来源：县政府办 浏览次数：<span id="hits">1024</span>
      字号：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</div>
    <div id="zoom" class="TRS_Editor">
{body}
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
    <div class="print"><a href="javascript:window.print()">【打印本页】</a>
      <a href="javascript:window.close()">【关闭窗口】</a></div>
  </div>
  <div class="sidebar"><h3>相关文章</h3><ul>
    <li><a href="/a/1.html">合水县2019年政府信息公开工作年度报告</a></li>
    <li><a href="/a/2.html">合水县2018年政府信息公开工作年度报告</a></li></ul></div>
</div>
<div class="footer">
  <p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
  <p>主办单位：合水县人民政府办公室　承办单位：合水县融媒体中心</p>
  <p>备案号：陇ICP备05000123号　网站标识码：6210240001　甘公网安备 62102402000123号</p>
</div>
<script src="/js/jquery.min.js"></script>
<script>$(function () {{ $("#hits").load("/hits"); }});</script>
</body>
</html>
"""


def build_html(text: str, path: Path, encoding: str = "utf-8") -> Path:
    """Write ``text`` as a government CMS article page: the title in an h1, the report in div#zoom."""
    blocks = report_blocks(text)
    # A page's heading holds the whole title block, which a report may print on two lines.
    ends = [i for i, b in enumerate(blocks[:3]) if isinstance(b, str) and "报告" in b]
    split = ends[0] + 1 if ends else 1
    title, body = "".join(str(b) for b in blocks[:split]), blocks[split:]
    parts = []
    for block in body:
        if isinstance(block, str):
            parts.append(f'<p style="text-indent:2em;">&nbsp;{escape(block)}</p>')
            continue
        rows = "".join(
            "<tr>" + "".join(f"<td><span>{escape(value)}</span></td>" for value in row) + "</tr>\n" for row in block
        )
        parts.append(f'<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n{rows}</tbody></table>')
    page = _PAGE.format(charset=encoding, title=escape(str(title)), body="\n".join(parts))
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


SAMPLE_COUNTIES = ("盐池县", "中宁县", "原州区", "西夏区", "合水县")


def distinct_reports(samples: list[Path], folder: Path, n: int) -> list[Path]:
    """``n`` report files that are ``n`` different reports: sample texts whose county is renamed after
    another county of the gazetteer each time (so each has its own publisher), with a numbered line."""
    import csv

    from indexer.paths import data_dir

    with (data_dir() / "gazetteer" / "divisions.csv").open(encoding="utf-8") as f:
        counties = [r["name"] for r in csv.DictReader(f) if r["level"] == "county" and r["name"].endswith("县")]
    counties = [c for c in dict.fromkeys(counties) if c not in SAMPLE_COUNTIES]
    texts = [s.read_text(encoding="utf-8") for s in samples]
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        text = texts[i % len(texts)]
        own = max(SAMPLE_COUNTIES, key=text.count)
        path = folder / f"r{i:04d}.txt"
        path.write_text(text.replace(own, counties[i]) + f"\n附：编号{i:04d}号。\n", encoding="utf-8")
        files.append(path)
    return files


def with_changed_cell(text: str) -> str:
    """A report text with one printed number of its 第二十条 table changed (规范性文件's first cell): a
    corrected or wrong version of the same report."""
    import re

    changed, n = re.subn(r"^(规范性文件\t)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 7}", text, count=1, flags=re.M)
    if not n:
        raise ValueError("no 规范性文件 row with tab-separated cells in this text")
    return changed


def load_generator() -> ModuleType:
    """bench/generate.py, the synthetic corpus generator (bench/ holds scripts, not a package)."""
    import importlib.util
    import sys

    if "bench_generate" in sys.modules:
        return sys.modules["bench_generate"]
    path = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@contextmanager
def app_on(db: Path, monkeypatch: Any) -> Iterator[Any]:
    """The Streamlit app (its first page run) on the store ``db``; the pages' cached Library and results
    are cleared before and after, so no other test's store shows through."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NIANBAO_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "ui" / "检索.py"), default_timeout=60)
        at.run()
        yield at
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def plain_store(db: Path | str, **kwargs: Any) -> sqlite3.Connection:
    """The store opened as plain SQLite (no upgrade, no checks), with the functions that its views of
    compressed values (mentions, passages, table_cells) use."""
    from indexer.store import sql_functions

    conn = sqlite3.connect(db, **kwargs)
    sql_functions(conn)
    return conn
