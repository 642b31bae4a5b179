"""Degraded copies of a report's text, as researchers receive them from other people's tools.

    .venv/bin/python bench/degrade.py --n 200          # per-kind agreement with the clean parse

Each generator takes the text of a clean report (a ``data/reports`` file or a generated one) and a
seed, and returns the text a tool of that kind would have produced:

- ``markdown``: a PDF-to-Markdown converter: pipe tables (or HTML ones) with split or synthetic header rows, a
  header row repeated mid-table, a table split in two, stray ``|---|`` rows, labels on a row of their
  own above their numbers, a missed column border (a row's first number in its label's cell, two numbers
  in one cell), page footers, ``**bold**`` and ``#`` marks, a line 正文 before the title;
- ``markdown from HTML``: an HTML-to-Markdown tool (html2text and its kind) run on the whole page:
  the site's name, breadcrumb, page title, date and source above the report, the footer below, pipe
  tables without their outer pipes, a row of one spanning cell without any;
- ``flattened``: a crawler that dropped the page's layout: the report on a few lines, table cells
  glued together with no separator, half the time the page's furniture glued around it;
- ``flattened, spaced``: a crawler that kept a space between elements: the report on one line, a space
  between cells, a blank cell printing nothing;
- ``ocr``: OCR'd text: O for 0, l for 1 and spaces inside numbers, 己 for 已, one character of a
  place name confused with a look-alike;
- ``markdown, OCR'd``: Markdown from an OCR tool, both kinds of defect in one text;
- ``scanned``: (it needs Tesseract) a PDF of page images with no text layer, its tables ruled or not,
  and (``--askew``) ruled and scanned as a crooked copy: pages turned 0.5°–1.5°, blurred, speckled.

``--pdf N`` draws the first N reports into a PDF with ruled tables and page numbers (tests/builders.py)
and reads it several ways: by the project's PDF reader (its text layer, laid out), as the text of
pdfminer.six's ``extract_text`` (what markitdown gives for a PDF: each cell a box, the boxes in an order
of their own, the table's layout lost) and as the text of pdfplumber's ``extract_text`` (lines as on the
page, cells a space apart); and by poppler's pdftotext (with and without ``-layout``) and
pymupdf4llm's Markdown when they are installed (they are not the project's dependencies).

``--html N`` writes the first N reports as web pages (tests/builders.py) and reads each as lxml's
``text_content`` gives it (every element's text run together, a crawl that dropped the layout), and
as trafilatura's and inscriptis's text when they are installed (not the project's dependencies).

``--more`` adds the defects of ``MORE_KINDS``: one cell a line, cells a space apart, HTML entities,
letter-spacing, thousands separators, missed column borders, wrapped row labels, other heading numbers,
a saved page's furniture.

``compare`` parses the clean and the degraded text and counts what agrees: metadata, sections, table
cells (a cell is invented when the degraded parse gives a number the clean parse does not) and
problem and fix items.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from indexer.model import APPLICANT_COLUMNS, Report, Value  # noqa: E402
from indexer.normalize import map_characters  # noqa: E402
from indexer.parse import parse_text  # noqa: E402
from indexer.parse.cells import parse_number  # noqa: E402
from indexer.read.plain import shown_width  # noqa: E402

Row = list[str]

_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}、")
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,2}[）)]")
_NUMBER = re.compile(r"^[+\-]?\d+(?:\.\d+)?$")


def _blocks(text: str) -> list[str | list[Row]]:
    """Paragraph lines and tables. A table is the run of lines holding a tab (blank lines inside it
    do not end it); a run of one cell per line (a web page's table) becomes rows at its blank lines."""
    out: list[str | list[Row]] = []
    run: list[str] = []

    def close() -> None:
        if not run:
            return
        cells = [[c.strip() for c in ln.split("\t")] for ln in run]
        if all(sum(bool(c) for c in row) <= 1 for row in cells if row != ["SEP"]):
            rows: list[Row] = []
            current: Row = []
            for row in cells:
                if row == ["SEP"]:
                    if current:
                        rows.append(current)
                    current = []
                else:
                    current += [c for c in row if c]
            if current:
                rows.append(current)
        else:
            rows = [row for row in cells if row != ["SEP"]]
        out.append(rows)
        run.clear()

    for line in text.split("\n"):
        if "\t" in line:
            run.append(line)
        elif not line.strip():
            if run:
                run.append("SEP")
        else:
            close()
            out.append(line.strip())
    close()
    return out


def _is_cell_number(cell: str) -> bool:
    return bool(cell) and parse_number(map_characters(cell)) is not None


def _is_number_row(row: Row) -> bool:
    return any(_is_cell_number(c) for c in row)


def _pipe(row: Row) -> str:
    return "| " + " | ".join(row) + " |"


# ---------------------------------------------------------------- Markdown


def markdown(text: str, seed: int) -> str:
    rng = random.Random(seed)
    out: list[str] = ["正文" if rng.random() < 0.5 else "政府信息公开专栏", ""]
    page = 1
    lines_since_footer = 0
    # A converter may drop a section's heading and keep its content.
    dropped = rng.choice(("一、", "二、", "三、", "四、", "五、", "六、", "七、", None, None, None))
    for block in _blocks(text):
        if isinstance(block, str):
            line = block
            if dropped and line.startswith(dropped) and len(line) < 40:
                continue
            if _HEADING.match(line) and len(line) < 40:
                line = rng.choice((f"## {line}", f"**{line}**", f"# **{line}**"))
            elif _SUBHEADING.match(line) and rng.random() < 0.5:
                head, _, rest = line.partition("。")
                line = f"**{head}。**{rest}" if rest else f"**{line}**"
            out += [line, ""]
            lines_since_footer += 1
            if lines_since_footer > 6 and rng.random() < 0.3:
                page += 1
                out += [rng.choice((f"— {page} —", f"- {page} -")), ""]
                lines_since_footer = 0
            continue
        out += _markdown_table(block, rng, page)
        out.append("")
    return "\n".join(out)


def page_furniture(text: str, rng: random.Random) -> tuple[list[str], list[str]]:
    """What a crawled page prints around the report: the site's name, a breadcrumb, the page's title and
    its date, source or index number (in one of three orders), and the site's footer."""
    title = ""
    for line in text.strip().split("\n"):
        title += line.strip()
        if "报告" in line or len(title) > 60:
            break
    site = rng.choice(("某某县人民政府", "中国·某某", "某某市人民政府门户网站"))
    crumb = rng.choice(
        ("首页 > 政务公开 > 法定主动公开内容 > 政府信息公开年报", "当前位置：首页 » 信息公开 » 年度报告")
    )
    meta = rng.choice(
        (
            f"发布时间：2024-01-{rng.randint(10, 30)} 10:2{rng.randint(0, 9)} 来源：办公室"
            f" 浏览次数：{rng.randint(10, 900)}",
            f"信息来源：县政府办公室 发布日期：2024-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}",
            f"索引号：0136{rng.randint(1000, 9999)}/2024-0{rng.randint(1000, 9999)} 主题分类：政务公开"
            " 发文机关：政府办公室",
        )
    )
    tools = "字号：[大 中 小] 【打印】 【关闭】"
    head = rng.choice(
        ([site, crumb, tools, title, meta], [site, crumb, title, meta, tools], [site, crumb, tools, meta])
    )
    code = rng.randint(10**9, 10**10 - 1)
    foot = ["【打印本页】 【关闭窗口】", "扫一扫在手机打开当前页", f"主办：{site}办公室 网站标识码：{code}"]
    return head, foot


def markdown_from_html(text: str, seed: int) -> str:
    """An HTML-to-Markdown tool's table (html2text and its kind): rows without outer pipes, so that a row
    beginning or ending with an empty cell begins or ends with a pipe, a rule "---|---" after the first
    row, and a row of one (spanning) cell printed without any pipe."""
    rng = random.Random(seed)
    head, foot = page_furniture(text, rng)
    out: list[str] = [line for h in head for line in (h, "")]
    for block in _blocks(text):
        if isinstance(block, str):
            out += [f"## {block}" if _HEADING.match(block) and len(block) < 40 and rng.random() < 0.5 else block, ""]
            continue
        for i, row in enumerate(block):
            cells = row if sum(bool(c) for c in row) > 1 else [c for c in row if c]
            out.append(" | ".join(cells))
            if i == 0:
                out.append("|".join("---" for _ in cells))
        out.append("")
    return "\n".join(out + foot)


def _markdown_table(rows: list[Row], rng: random.Random, page: int) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if rng.random() < 0.2:  # some converters (MinerU, PaddleOCR) write a table as HTML
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return [f"<table>{body}</table>"]
    lines: list[str] = []
    header_done = False
    for i, row in enumerate(rows):
        numbers = _is_number_row(row)
        if not header_done:
            if not numbers and rng.random() < 0.5:
                row = _split_header(row, rng) if rng.random() < 0.5 else [f"数据{k + 1}" for k in range(width)]
            lines += [_pipe(row), _pipe(["---"] * width)]
            header_done = True
            continue
        if numbers and rng.random() < 0.15 and any(c and not _is_cell_number(c) for c in row):
            # The row's label on a row of its own, its numbers on the next; a few stay beside the label,
            # each under its column.
            beside = [_is_cell_number(c) and rng.random() < 0.25 for c in row]
            label = [c if not _is_cell_number(c) or b else "" for c, b in zip(row, beside, strict=True)]
            nums = [c if _is_cell_number(c) and not b else "" for c, b in zip(row, beside, strict=True)]
            lines += [_pipe(label), _pipe(nums)]
            continue
        if numbers and rng.random() < 0.08:
            row = _lost_border(row, rng)
        if rng.random() < 0.04:
            lines.append(_pipe(["---"] * width))  # a stray separator
        if rng.random() < 0.03:
            lines.append(_pipe([f"— {page} —"] + [""] * (width - 1)))  # a page footer inside the table
        if re.match(r"[（(]六[）)]", next((c for c in row if c), "")) and rng.random() < 0.5:
            # （六） continued in a second table, under a header of its own
            lines += ["", "续表", "", _pipe([f"数据{k + 1}" for k in range(width)]), _pipe(["---"] * width)]
        elif i > 2 and rng.random() < 0.03:
            lines += ["", _pipe([f"数据{k + 1}" for k in range(width)]), _pipe(["---"] * width)]  # a new page's table
        lines.append(_pipe(row))
    return lines


def _lost_border(row: Row, rng: random.Random) -> Row:
    """A column border the converter missed: the row's first number in its label's cell ("（七）总计 3"), or
    two numbers in one cell ("13 0"); the row ends a cell short."""
    at = [k for k, c in enumerate(row) if _is_cell_number(c)]
    if not at:
        return row
    k = at[0]
    if k > 0 and row[k - 1] and not _is_cell_number(row[k - 1]) and rng.random() < 0.5:
        return [*row[: k - 1], f"{row[k - 1]} {row[k]}", *row[k + 1 :], ""]
    pairs = [k for k in at if k + 1 in at]
    if not pairs:
        return row
    k = rng.choice(pairs)
    return [*row[:k], f"{row[k]} {row[k + 1]}", *row[k + 2 :], ""]


def _split_header(row: Row, rng: random.Random) -> Row:
    """Header words broken over cells, as a converter reads a header with wrapped lines: 业 | 构 | 益组织."""
    out: Row = []
    for c in row:
        if len(c) >= 4 and rng.random() < 0.6:
            cut = rng.randrange(1, len(c) - 1)
            out.append(c[cut:])
        else:
            out.append(c)
    return out


# ---------------------------------------------------------------- flattened web crawl


def _with_furniture(text: str, rng: random.Random) -> str:
    """Half the crawls keep the page's furniture around the report."""
    if rng.random() < 0.5:
        return text
    head, foot = page_furniture(text, rng)
    return "\n".join(head) + "\n" + text + "\n" + "\n".join(foot)


def flattened(text: str, seed: int) -> str:
    rng = random.Random(seed)
    text = _with_furniture(text, rng)
    pieces: list[str] = []
    for block in _blocks(text):
        if isinstance(block, str):
            pieces.append(block)
        else:
            pieces.append("".join("".join(c.replace(" ", "") for c in row) for row in block))
    # A crawler keeps a few line breaks at most: the report on one to three lines.
    breaks = set(rng.sample(range(1, len(pieces)), min(2, max(0, len(pieces) - 1)))) if len(pieces) > 1 else set()
    out = ""
    for i, piece in enumerate(pieces):
        out += ("\n" if i in breaks else "") + piece
    return out


# ---------------------------------------------------------------- OCR confusions

_LOOKALIKE = {"沭": "沐", "已": "己", "汨": "汩", "徐": "涂", "睢": "雎", "亳": "毫", "盱": "旴", "泗": "洇"}


# Characters OCR confuses with a look-alike, used to misread one character of the report's own place name.
_CONFUSABLE = {
    "沭": "沐", "阳": "阴", "宁": "字", "盐": "监", "池": "地", "水": "木", "原": "厚", "州": "洲", "夏": "复",
    "西": "酉", "东": "东", "合": "含", "安": "按", "平": "乎", "山": "出", "江": "汇", "河": "何", "城": "域",
    "南": "甫", "北": "比", "中": "申", "白": "自", "大": "太", "天": "夭", "土": "士", "王": "玉", "田": "由",
    "石": "右", "林": "休", "新": "亲", "兴": "光", "清": "请", "台": "治", "丰": "羊", "永": "水", "义": "又",
    "武": "式", "昌": "冒", "华": "毕", "海": "梅", "泉": "景", "和": "利", "都": "郡", "口": "日", "门": "闩",
}  # fmt: skip


def flattened_spaced(text: str, seed: int) -> str:
    """A crawler that took the page's text with a space between elements (an HTML parser's get_text(" ")):
    the report on one line, each cell apart from the next by a space, a blank cell printing nothing."""
    pieces: list[str] = []
    for block in _blocks(_with_furniture(text, random.Random(seed))):
        if isinstance(block, str):
            pieces.append(block)
        else:
            pieces.append(" ".join(" ".join(c for c in row if c) for row in block))
    return " ".join(pieces)


def ocr(text: str, seed: int) -> str:
    rng = random.Random(seed)
    text = _misread_place(text, rng)
    out: list[str] = []
    for line in text.split("\n"):
        cells = line.split("\t")
        cells = [_ocr_cell(c, rng) if "\t" in line else _ocr_prose(c, rng) for c in cells]
        out.append("\t".join(cells))
    return "\n".join(out)


def _misread_place(text: str, rng: random.Random) -> str:
    """The report's county (or city) name with one character misread, everywhere it is printed."""
    region = parse_text(text).region
    name = region and (region.county or region.city)
    if not name or len(name) < 3:
        return text
    spots = [i for i, ch in enumerate(name[:-1]) if ch in _CONFUSABLE and _CONFUSABLE[ch] != ch]
    if not spots:
        return text
    i = rng.choice(spots)
    return text.replace(name, name[:i] + _CONFUSABLE[name[i]] + name[i + 1 :])


def _ocr_cell(cell: str, rng: random.Random) -> str:
    s = cell.strip()
    if not _NUMBER.match(s):
        return cell
    if s == "0" and rng.random() < 0.2:
        return cell.replace("0", "O")
    if s.isdigit() and len(s) > 1 and rng.random() < 0.2:
        cut = rng.randrange(1, len(s))
        return cell.replace(s, s[:cut] + " " + s[cut:])
    if "1" in s and rng.random() < 0.15:
        return cell.replace("1", "l", 1)
    return cell


def _ocr_prose(line: str, rng: random.Random) -> str:
    return "".join(_LOOKALIKE[ch] if ch in _LOOKALIKE and rng.random() < 0.5 else ch for ch in line)


def ocr_markdown(text: str, seed: int) -> str:
    """Markdown from an OCR tool: the converter's defects and OCR's confusions together."""
    return markdown(ocr(text, seed), seed)


KINDS: dict[str, Callable[[str, int], str]] = {
    "markdown": markdown,
    "markdown from HTML": markdown_from_html,
    "flattened": flattened,
    "flattened, spaced": flattened_spaced,
    "ocr": ocr,
    "markdown, OCR'd": ocr_markdown,
}


# ---------------------------------------------------------------- more tools' defects (``--more``)


def _rewrite(text: str, row: Callable[[Row], list[str]], prose: Callable[[str], str] = str) -> str:
    """The text with each table row replaced by the lines ``row`` gives and each paragraph by ``prose``."""
    out: list[str] = []
    for block in _blocks(text):
        if isinstance(block, str):
            out.append(prose(block))
        else:
            out += [line for r in block for line in row(r)]
    return "\n".join(out)


def one_cell_a_line(text: str, seed: int) -> str:
    """A page's text taken element by element (get_text("\\n")): each filled cell on a line of its own."""
    return _rewrite(text, lambda r: [c for c in r if c])


def rows_spaced(text: str, seed: int) -> str:
    """Each row on a line, its filled cells a space apart (a blank cell prints nothing)."""
    return _rewrite(text, lambda r: [" ".join(c for c in r if c)])


def html_entities(text: str, seed: int) -> str:
    """Text taken from a page's source: cells joined by &nbsp;, quotation marks as &ldquo; &rdquo;."""
    return _rewrite(text, lambda r: ["&nbsp;".join(r)], lambda p: p.replace("“", "&ldquo;").replace("”", "&rdquo;"))


def letter_spaced(text: str, seed: int) -> str:
    """A PDF set with letter-spacing: every character apart, in sentences and in cells."""
    return _rewrite(text, lambda r: ["\t".join(" ".join(c) for c in r)], " ".join)


def thousands(text: str, seed: int) -> str:
    """Counts of four digits or more printed with a thousands separator (8,404), in cells and sentences."""

    def grouped(m: re.Match[str]) -> str:
        return f"{int(m.group()):,}"

    return _rewrite(
        text,
        lambda r: ["\t".join(re.sub(r"^\d{4,}$", grouped, c) for c in r)],
        lambda p: re.sub(r"(?<![\d.])\d{4,}(?![\d.]| ?年)", grouped, p),
    )


def lost_borders(text: str, seed: int) -> str:
    """A converter that missed column borders in a fifth of the rows (``_lost_border``)."""
    rng = random.Random(seed)
    return _rewrite(text, lambda r: ["\t".join(_lost_border(r, rng) if rng.random() < 0.2 else r)])


def wrapped_labels(text: str, seed: int) -> str:
    """A narrow label column: half the long labels end on a line of their own, after the row."""
    rng = random.Random(seed)

    def row(r: Row) -> list[str]:
        long = [k for k, c in enumerate(r) if len(c) > 12 and not _is_cell_number(c)]
        if not long or rng.random() < 0.5:
            return ["\t".join(r)]
        k = long[0]
        return ["\t".join([*r[:k], r[k][:10], *r[k + 1 :]]), "\t" * k + r[k][10:]]

    return _rewrite(text, row)


def wrapped_cells(text: str, seed: int) -> str:
    """One cell a line from a PDF's narrow columns: text cells wrapped every 6 to 10 characters."""
    width = random.Random(seed).choice((6, 8, 10))

    def row(r: Row) -> list[str]:
        return [line for c in r if c for line in ([c] if _is_cell_number(c) else textwrap.wrap(c, width))]

    return _rewrite(text, row)


def other_headings(text: str, seed: int) -> str:
    """The section headings numbered another way: 第一部分, 一．, 1.、 or 1、."""
    style = random.Random(seed).choice(("第{c}部分 ", "{c}．", "{k}.", "{k}、"))
    numerals = "一二三四五六七八"
    return re.sub(
        r"^([一二三四五六七八])、(?=\S)",
        lambda m: style.format(c=m.group(1), k=numerals.index(m.group(1)) + 1),
        text,
        flags=re.M,
    )


def page_text(text: str, seed: int) -> str:
    """A saved web page's text: the site's name, breadcrumb, title, date and source, the footer."""
    head, foot = page_furniture(text, random.Random(seed))
    return "\n".join([*head, text, *foot])


def grid_tables(text: str, seed: int) -> str:
    """pandoc's Markdown of a DOCX: each table a grid table (rules of + - =, cells between |) whose columns
    are 4 to 12 places wide, each cell's text wrapped over as many lines as it needs."""
    width = random.Random(seed).choice((4, 6, 8, 12))
    out: list[str] = []
    for block in _blocks(text):
        if isinstance(block, str):
            out.append(block)
            continue
        columns = max(len(r) for r in block)
        rule = "+" + "+".join("-" * (width + 2) for _ in range(columns)) + "+"
        out.append(rule)
        for k, r in enumerate(block):
            pieces = [_wrap_shown(c, width) for c in r + [""] * (columns - len(r))]
            for i in range(max(map(len, pieces))):
                cells = [p[i] if i < len(p) else "" for p in pieces]
                out.append("|" + "|".join(f" {c}{' ' * (width - shown_width(c))} " for c in cells) + "|")
            out.append(rule.replace("-", "=") if k == 0 else rule)
    return "\n".join(out)


def _wrap_shown(cell: str, width: int) -> list[str]:
    """A cell's text in lines of at most ``width`` places (a Chinese character takes two)."""
    lines = [""]
    for ch in cell:
        if lines[-1] and shown_width(lines[-1] + ch) > width:
            lines.append("")
        lines[-1] += ch
    return lines


def spans_repeated(text: str, seed: int) -> str:
    """A converter that fills every place a merged cell covers with its text (docling, marker): a blank
    leading cell of a row repeats the label above it (三、本年度办理结果 and （三）不予公开 on each of
    their rows), and a blank header cell the header to its left (申请人情况 over every column)."""
    out: list[str] = []
    for block in _blocks(text):
        if isinstance(block, str):
            out.append(block)
            continue
        above: Row = []
        for r in block:
            numbers = [k for k, c in enumerate(r) if _is_cell_number(c)]
            lead = numbers[0] if numbers else 0
            row = list(r)
            if numbers:  # a data row: its blank label cells are covered by the labels above them
                row[:lead] = [c or (above[k] if k < len(above) else "") for k, c in enumerate(row[:lead])]
            else:  # a header row: a blank cell is covered by the header to its left
                for k in range(1, len(row)):
                    row[k] = row[k] or row[k - 1]
            above = row[:lead] if numbers else above
            out.append("\t".join(row))
    return "\n".join(out)


def lines_apart(text: str, seed: int) -> str:
    """A PDF-to-Markdown converter that keeps the page's lines apart (pymupdf4llm 0.3): each printed
    line of prose a paragraph of its own, two blank lines between; each cell of a table a row of a
    two-column pipe table whose header cells have no names (|Col1|Col2|); and a page footer, "- 3 -"
    printed, that comes out as "- 3" between blank lines. Where a page ends inside a table, the table
    goes on after the footer under a header row made of its next cell (|Col1|０|)."""
    rng = random.Random(seed)
    width = rng.choice((30, 36, 42))
    lines: list[str] = []
    for block in _blocks(text):
        if isinstance(block, str):
            lines += [block[i : i + width].rstrip() for i in range(0, len(block), width)]  # a page's width
            continue
        lines += ["|Col1|Col2|", "|---|---|"] + [f"||{c}|" for r in block for c in r if c] + [""]
    out: list[str] = []
    page, on_page, k = 1, 0, 0
    per_page = rng.choice((38, 45, 52))
    while k < len(lines):
        line = lines[k]
        k += 1
        if on_page == per_page:
            out += ["", " " * rng.choice((0, 36, 39)) + f"- {page} ", ""]
            page, on_page = page + 1, 0
            if line.startswith("||") and out[-4].startswith("|"):  # the table goes on under a header of this cell
                out += [f"|Col1|{line[2:-1]}|", "|---|---|"]
                on_page += 1
                continue
        on_page += 1
        out.append(line if line.startswith("|") or not line else line + "\n\n")
    return "\n".join(out)


def glyphs_apart(text: str, seed: int) -> str:
    """A PDF-to-Markdown converter that deals the 第二十条 table's characters out over columns (pymupdf4llm
    1.28): each cell a row of a pipe table four columns wide, a word's first characters each a column of
    their own (|规|范|性文件|), a number's digits over two columns (|39|27|||); or splits its row labels
    in two at a column border it saw inside them (|行政规范性|文件|12|0|15|); and prints the heading after
    that table before it. The other tables are pipe tables of their rows."""
    rng = random.Random(seed)

    def pieces(cell: str) -> list[str]:
        if cell.isdigit() and len(cell) > 1:
            cut = rng.randrange(1, len(cell))
            return [cell[:cut], cell[cut:]]
        return [cell[0], cell[1], cell[2:]] if len(cell) > 2 and not _is_cell_number(cell) else [cell]

    def piped(rows: list[Row]) -> list[str]:
        width = max(map(len, rows))
        return ["|" + "|".join(r + [""] * (width - len(r))) + "|" for r in rows] + [""]

    def table(block: list[Row]) -> list[str]:
        if "第二十条" not in str(block):
            return piped(block)
        if rng.random() < 0.3:  # a border inside the label column: |行政规范性|文件|12|0|15|
            return piped([[r[0][:-2], r[0][-2:], *r[1:]] if len(r[0]) > 4 and len(r) > 1 else r for r in block])
        cells = (pieces(c) for r in block for c in r if c)
        return ["|" + "|".join(p + [""] * (4 - len(p))) + "|" for p in cells] + [""]

    blocks = _blocks(text)
    out: list[str] = []
    k = 0
    while k < len(blocks):
        block = blocks[k]
        k += 1
        if isinstance(block, str):
            out.append(block)
            continue
        after = blocks[k] if k < len(blocks) else None
        if isinstance(after, str) and after.startswith("三、") and "第二十条" in str(block):
            out += [after, *table(block)]  # the heading after the table printed before it
            k += 1
            continue
        out += table(block)
    return "\n".join(out)


MORE_KINDS: dict[str, Callable[[str, int], str]] = {
    "one cell a line": one_cell_a_line,
    "rows, cells apart by spaces": rows_spaced,
    "HTML entities": html_entities,
    "letter-spaced": letter_spaced,
    "thousands separators": thousands,
    "missed column borders": lost_borders,
    "wrapped row labels": wrapped_labels,
    "one cell a line, wrapped": wrapped_cells,
    "other heading numbers": other_headings,
    "page text with its furniture": page_text,
    "grid tables (pandoc)": grid_tables,
    "merged cells repeated": spans_repeated,
    "lines apart, nameless headers (pymupdf4llm 0.3)": lines_apart,
    "glyphs over columns, heading first (pymupdf4llm 1.28)": glyphs_apart,
}


# ---------------------------------------------------------------- comparison


@dataclass
class Agreement:
    metadata: Counter = field(default_factory=Counter)  # field -> right
    metadata_total: int = 0
    sections: int = 0
    sections_total: int = 0
    cells: int = 0
    cells_total: int = 0
    invented: int = 0
    undecided: int = 0  # missing cells whose glued digits more than one split (or none) fits: None by design
    items: int = 0
    items_total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Agreement) -> None:
        self.metadata.update(other.metadata)
        for name in ("metadata_total", "sections", "sections_total", "cells", "cells_total", "invented", "undecided"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.items += other.items
        self.items_total += other.items_total
        self.misses += other.misses


METADATA = ("title", "publisher", "year", "level", "template", "region")


def cells(report: Report) -> dict[tuple[str, str, str], float | int | None]:
    return {key: v.value for key, v in cell_values(report).items()}


def cell_values(report: Report) -> dict[tuple[str, str, str], Value]:
    out: dict[tuple[str, str, str], Value] = {}
    for table, rows in (("proactive", report.proactive), ("review", report.review_litigation)):
        for row, values in (rows or {}).items():
            for col, v in values.items():
                out[(table, row, col)] = v
    for row, values in (report.requests or {}).items():
        for col, v in zip(APPLICANT_COLUMNS, values, strict=True):
            out[("requests", row, col)] = v
    return out


def undecidable(value: Value | None) -> bool:
    """A None the flattened-table parser gave because the glued digits admit several splits, or none, or
    because numbers kept apart by spaces are fewer than the cells and the blank ones' places are lost."""
    reason = value.reason or "" if value is not None and value.value is None else ""
    return "with no separator" in reason or "which cells are blank cannot be told" in reason


def compare(clean: Report, degraded: Report) -> Agreement:
    a = Agreement()
    for name in METADATA:
        want, got = getattr(clean, name), getattr(degraded, name)
        if name == "region":
            want = (want.province, want.city, want.county) if want else None
            got = (got.province, got.city, got.county) if got else None
        a.metadata_total += 1
        if want == got:
            a.metadata[name] += 1
        else:
            a.misses.append(f"{name}: {want!r} ≠ {got!r}")
    # Sections by kind, in order: a heading a converter dropped is inferred with the standard wording.
    want_sections = [s.kind for s in clean.sections]
    got_sections = [s.kind for s in degraded.sections]
    a.sections_total = len(want_sections)
    a.sections = sum(s in got_sections for s in want_sections)
    if a.sections < a.sections_total:
        a.misses.append(f"sections: {want_sections} ≠ {got_sections}")
    want_cells, got_values = cells(clean), cell_values(degraded)
    got_cells = {key: v.value for key, v in got_values.items()}
    for key, value in want_cells.items():
        if value is None:
            continue
        a.cells_total += 1
        got = got_cells.get(key)
        if got == value:
            a.cells += 1
        elif got is not None:
            a.invented += 1
            a.misses.append(f"invented {key}: {value} ≠ {got}")
        else:
            a.undecided += undecidable(got_values.get(key))
            a.misses.append(f"missing {key}: {value}")
    for key, got in got_cells.items():
        if got is not None and want_cells.get(key) is None:
            a.invented += 1
            a.misses.append(f"invented {key}: None ≠ {got}")
    # An item is found when the degraded parse has one of its kind whose text is at least 90 % alike
    # (OCR misreads a character here and there).
    got_items = [(i.kind, re.sub(r"\s", "", i.text)) for i in degraded.items]
    a.items_total = len(clean.items)
    for item in clean.items:
        text = re.sub(r"\s", "", item.text)
        if any(k == item.kind and SequenceMatcher(None, text, t).ratio() >= 0.9 for k, t in got_items):
            a.items += 1
        else:
            a.misses.append(f"item not found: {item.kind} {text[:30]}")
    return a


def parse_with_items(text: str, path: str) -> Report:
    from indexer.extract.problems import extract_items
    from indexer.read.plain import tables_as_rows

    report = parse_text(tables_as_rows(text), path=path)  # what the .txt/.md reader gives the parser
    report.items = extract_items(report)
    return report


def table(results: dict[str, Agreement]) -> str:
    lines = [
        "| kind | metadata | sections | table cells | invented | undecidable | decidable cells | problem/fix items |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, a in results.items():
        meta = sum(a.metadata.values())
        decidable = a.cells_total - a.undecided
        lines.append(
            f"| {kind} | {meta}/{a.metadata_total} | {a.sections}/{a.sections_total} | "
            f"{a.cells}/{a.cells_total} ({100 * a.cells / max(1, a.cells_total):.1f} %) | {a.invented} | "
            f"{a.undecided} | {a.cells}/{decidable} ({100 * a.cells / max(1, decidable):.1f} %) | "
            f"{a.items}/{a.items_total} |"
        )
    lines.append(
        "undecidable: cells left None because the glued digits fit several splits (or none) into the"
        " row's cells under every identity, or because a row printed fewer numbers than cells and where"
        " its blanks stood was lost with the layout; target: cells ≥ 99 %, 0 invented"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="generated reports besides the samples")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=0, help="print this many disagreements per kind")
    parser.add_argument(
        "--scanned", type=int, default=0, help="also draw this many reports as scans and OCR them (Tesseract)"
    )
    parser.add_argument(
        "--pdf", type=int, default=0, help="also draw this many reports into PDFs and read them by other tools too"
    )
    parser.add_argument(
        "--html", type=int, default=0, help="also write this many reports as web pages, read by other tools"
    )
    parser.add_argument("--more", action="store_true", help="also the defects of MORE_KINDS (other tools' text)")
    parser.add_argument("--ruled", action="store_true", help="draw the scans' tables ruled, as printed tables are")
    parser.add_argument(
        "--askew", action="store_true", help="also scan the ruled pages as a crooked, speckled copy (turned 0.5°–1.5°)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from generate import generate_reports

    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((HERE.parent / "data" / "reports").glob("*.txt"))]
    texts += [(r.filename, r.text) for r in generate_reports(args.n, args.seed)]
    kinds = {**KINDS, **(MORE_KINDS if args.more else {})}
    results = {kind: Agreement() for kind in kinds}
    shown: Counter = Counter()
    for i, (name, text) in enumerate(texts):
        clean = parse_with_items(text, name)
        for kind, make in kinds.items():
            got = compare(clean, parse_with_items(make(text, args.seed + i), name))
            if got.misses and shown[kind] < args.show:
                shown[kind] += 1
                print(f"{kind} {name}: {len(got.misses)} differences: " + "; ".join(got.misses[:3]))
            results[kind].add(got)
    if args.scanned:
        results["scanned"] = _scanned(texts[: args.scanned], args.show)
        if args.ruled:
            results["scanned, ruled"] = _scanned(texts[: args.scanned], args.show, grid=True)
        if args.askew:
            results["scanned, ruled, askew"] = _scanned(texts[: args.scanned], args.show, grid=True, askew=True)
    if args.pdf:
        results.update(_pdf_texts(texts[: args.pdf], args.show))
    if args.html:
        results.update(_html_texts(texts[: args.html], args.show))
    print(f"{len(texts)} reports ({len(texts) - args.n} samples, {args.n} generated), seed {args.seed}")
    if args.pdf:
        print(f"PDF: the first {min(args.pdf, len(texts))} of them")
    if args.html:
        print(f"web pages: the first {min(args.html, len(texts))} of them")
    if args.scanned:
        print(f"scanned: the first {min(args.scanned, len(texts))} of them")
    print(table(results))


def _pdf_texts(texts: list[tuple[str, str]], show: int) -> dict[str, Agreement]:
    """Each text drawn into a PDF with ruled tables (tests/builders.py), read by the project's PDF reader
    and by two other tools whose text a researcher may hold instead."""
    import tempfile

    import pdfplumber
    from pdfminer.high_level import extract_text

    sys.path.insert(0, str(HERE.parent / "tests"))
    from builders import build_pdf

    from indexer.extract.problems import extract_items
    from indexer.parse import parse_document
    from indexer.read import read_report

    tools = _other_pdf_tools()
    results: dict[str, Agreement] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts:
            pdf = build_pdf(text, Path(tmp) / "report.pdf")
            own = parse_document(read_report(pdf))
            own.items = extract_items(own)
            with pdfplumber.open(pdf) as document:
                plumbed = "\n".join(page.extract_text() or "" for page in document.pages)
            texts_of = {
                "PDF text by pdfminer (markitdown)": extract_text(str(pdf)),
                "PDF text by pdfplumber": plumbed,
            }
            texts_of |= {kind: read(pdf) for kind, read in tools.items()}
            clean = parse_with_items(text, name)
            got = {"PDF (its own reader)": own} | {k: parse_with_items(t, name) for k, t in texts_of.items()}
            for kind, report in got.items():
                _tally(results, kind, name, compare(clean, report), show)
    return results


def _tally(results: dict[str, Agreement], kind: str, name: str, agreement: Agreement, show: int) -> None:
    """Add one report's agreement to its kind's, printing what it invented when ``show``."""
    invented = [m for m in agreement.misses if m.startswith("invented")]
    if invented and show:
        print(f"{kind} {name}: " + "; ".join(invented[:6]))
    results.setdefault(kind, Agreement()).add(agreement)


def _html_texts(texts: list[tuple[str, str]], show: int) -> dict[str, Agreement]:
    """Each text written as a web page (tests/builders.py), read as the text other tools make of it."""
    import tempfile

    sys.path.insert(0, str(HERE.parent / "tests"))
    from builders import build_html

    tools: dict[str, Callable[[str], str]] = {"page text by lxml (text_content)": _lxml_text}
    try:
        import trafilatura

        tools["page text by trafilatura"] = lambda page: trafilatura.extract(page, include_tables=True) or ""
    except ImportError:
        pass
    try:
        import inscriptis

        tools["page text by inscriptis"] = inscriptis.get_text
    except ImportError:
        pass
    results: dict[str, Agreement] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts:
            page = build_html(text, Path(tmp) / "report.html").read_text(encoding="utf-8")
            clean = parse_with_items(text, name)
            for kind, read in tools.items():
                _tally(results, kind, name, compare(clean, parse_with_items(read(page), name)), show)
    return results


def _lxml_text(page: str) -> str:
    import lxml.html

    return lxml.html.fromstring(page).text_content()


def _other_pdf_tools() -> dict[str, Callable[[Path], str]]:
    """PDF-to-text tools that are not the project's dependencies, each when it is there: poppler's
    pdftotext (Debian's poppler-utils) and pymupdf4llm's Markdown (PyPI, AGPL: install it apart, for
    example ``pip install --target /tmp/pym pymupdf4llm`` and ``PYTHONPATH=/tmp/pym``)."""
    import shutil
    import subprocess

    tools: dict[str, Callable[[Path], str]] = {}
    if shutil.which("pdftotext"):
        for kind, flags in (("PDF text by pdftotext", []), ("PDF text by pdftotext -layout", ["-layout"])):
            tools[kind] = lambda pdf, flags=flags: (
                subprocess.run(["pdftotext", *flags, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            )
    try:
        import pymupdf4llm
    except ImportError:
        return tools
    tools["PDF as Markdown by pymupdf4llm"] = lambda pdf: pymupdf4llm.to_markdown(str(pdf), show_progress=False)
    return tools


def _scanned(texts: list[tuple[str, str]], show: int, grid: bool = False, askew: bool = False) -> Agreement:
    """Each text drawn on page images in a PDF without a text layer (tests/builders.py), its tables
    ruled with ``grid``, the pages turned and speckled with ``askew``, read back by OCR."""
    import tempfile

    sys.path.insert(0, str(HERE.parent / "tests"))
    from builders import build_image_pdf

    from indexer.extract.problems import extract_items
    from indexer.parse import parse_document
    from indexer.read import read_report

    total = Agreement()
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts:
            pdf = build_image_pdf(text, Path(tmp) / "scan.pdf", grid=grid, askew=askew)
            report = parse_document(read_report(pdf))
            report.items = extract_items(report)
            got = compare(parse_with_items(text, name), report)
            if got.misses and show:
                invented = [m for m in got.misses if m.startswith("invented")]
                print(
                    f"scanned{', askew' if askew else ''} {name}: {len(got.misses)} differences: "
                    + "; ".join((invented + got.misses)[:6])
                )
            total.add(got)
    return total


if __name__ == "__main__":
    main()
