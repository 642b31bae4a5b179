"""Plain-text reports (.txt) and Markdown (.md, .markdown: what PDF-to-Markdown converters and OCR tools
write): detect the encoding, unify line endings. Markdown's pipe tables, rules and marks are read by
normalization, so a .txt that holds Markdown reads the same. Two kinds of table do not read line by line
and become tab-separated rows here: HTML tables (MinerU and PaddleOCR write complex tables so), as the HTML
reader makes them, and grid tables (pandoc's Markdown of a DOCX), whose cells wrap over several lines."""

from __future__ import annotations

import re
import unicodedata

from indexer.read.document import RawDocument
from indexer.read.html import table_lines
from indexer.read.support import decode_text

EXTENSIONS = (".txt", ".md", ".markdown")

_LINE_ENDING = re.compile(r"\r\n?")
# Converters that write Markdown put complex tables in as HTML (<table><tr><td colspan=…>).
_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.I | re.S)
# A grid table: rules of + and - (= under the header) between rows of | cells, a cell's text wrapped over
# as many lines as its longest cell needs:
#   +--------------+------+
#   | 其他对外管理 | 0    |
#   | 服务事项     |      |
#   +--------------+------+
_GRID_RULE = re.compile(r"[ \t]*\+(?:[ \t]*:?[-=]{3,}:?[ \t]*\+)+[ \t]*")
_GRID_LINE = re.compile(r"[ \t]*\|.*\|[ \t]*")


def read(data: bytes, path: str) -> RawDocument:
    """Decode a text report; it already has the shape every reader produces."""
    text, encoding = decode_text(data, path)
    fmt = "txt" if path.lower().endswith(".txt") else "md"
    return RawDocument(path=path, format=fmt, text=tables_as_rows(_LINE_ENDING.sub("\n", text)), encoding=encoding)


def tables_as_rows(text: str) -> str:
    """Text with each HTML table and each grid table in it as tab-separated rows."""
    return grid_tables_as_rows(html_tables_as_rows(text))


def html_tables_as_rows(text: str) -> str:
    """Text with each HTML table in it as tab-separated rows."""
    if "<table" not in text and "<TABLE" not in text:
        return text
    return _HTML_TABLE.sub(lambda m: "\n".join(table_lines(m.group(0))), text)


def grid_tables_as_rows(text: str) -> str:
    """Text with each grid table's rows as tab-separated lines, each cell's wrapped lines joined and the
    rules dropped. A row whose lines do not all have the same cells (a cell spanning columns) is left as
    its lines, which normalization reads as pipe rows."""
    if "+--" not in text and "+==" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _GRID_RULE.fullmatch(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        widths = _rule_widths(lines[i])
        row: list[str] = []
        i += 1
        while i < len(lines):
            if _GRID_RULE.fullmatch(lines[i]):
                out.extend(_grid_row(row, widths))
                row = []
                widths = _rule_widths(lines[i])
            elif _GRID_LINE.fullmatch(lines[i]):
                row.append(lines[i])
            else:
                break
            i += 1
        out.extend(_grid_row(row, widths))
    return "\n".join(out)


def _rule_widths(rule: str) -> list[int]:
    return [len(part) for part in rule.strip().strip("+").split("+")]


def _grid_row(lines: list[str], widths: list[int]) -> list[str]:
    """One grid row's lines as one tab-separated line, or as they are when their cells do not line up."""
    if not lines:
        return []
    cells = [line.strip()[1:-1].split("|") for line in lines]
    if len(lines) == 1 or any(len(c) != len(cells[0]) for c in cells):
        return lines
    # The text's places in each column (the rule's, less a space each side), when the rule shows them.
    places: list[int | None] = [w - 2 for w in widths] if len(cells[0]) == len(widths) else [None] * len(cells[0])
    joined = []
    for column, width in zip(zip(*cells, strict=True), places, strict=True):
        text, last = "", ""
        for piece in (p.strip() for p in column):
            if not piece:
                continue
            # A piece that filled its column was wrapped there: the next one goes on without a space
            # (a number wrapped in a narrow column is one number). A shorter piece ended where its text
            # did, so two of them are two things: a space keeps 0 and 1 apart, Chinese needs none. Where
            # the column's width is not known, pieces are kept apart.
            filled = width is not None and shown_width(last) >= width
            gap = "" if not text or filled or not (text[-1].isascii() and piece[0].isascii()) else " "
            text += gap + piece
            last = piece
        joined.append(text)
    return ["\t".join(joined)]


def shown_width(text: str) -> int:
    """Columns a text takes in a monospaced table: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
