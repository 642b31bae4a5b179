"""PDF reports (.pdf): the text layer in reading order, ruled tables as tab-separated rows.

Per page, pdfplumber finds the ruled tables; the text outside them is read as lines and each table
row becomes one line; text lines and rows are then merged top to bottom by their vertical position.
Page numbers in the top or bottom margin are dropped, and lines that wrap (the previous line reaches
the right edge of the text, this one starts at the left edge without indent) are joined into one
paragraph, also across a page break. A PDF without a text layer (a scan) is read by OCR
(``indexer.read.ocr``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import PdfminerException

from indexer.errors import NianbaoError
from indexer.read import ocr
from indexer.read.document import RawDocument
from indexer.read.support import join_wrapped, page_text, row_line

EXTENSIONS = (".pdf",)

_PAGE_NUMBER = re.compile(r"[-—–－\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／共]\s*共?\s*\d{1,4}\s*页?)?[-—–－\s]*")
_MARGIN_SHARE = 0.1  # page numbers sit in the top or bottom tenth of the page
_WRAP_GAP = 2.5  # a line ending this many characters (font sizes) short of the right edge may still wrap
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")  # what pdfminer prints for a glyph with no Unicode value
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Line:
    text: str
    top: float
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    is_row: bool = False
    page: int = 0


def read(data: bytes, path: str) -> RawDocument:
    """Read every page's text layer; a PDF without one (a scan) raises ``NianbaoError``."""
    if b"%PDF-" not in data[:1024]:
        raise NianbaoError(f"not a valid PDF file: {_what_it_is(data)}", path)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            lines = [replace(line, page=n) for n, page in enumerate(pdf.pages) for line in _page_lines(page)]
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise NianbaoError(
                "PDF is encrypted with an open password; open it with the password, save an "
                "unprotected copy and read that",
                path,
            ) from exc
        if isinstance(cause, PDFEncryptionError):
            raise NianbaoError(f"PDF uses an encryption that cannot be read: {cause}", path) from exc
        raise NianbaoError(f"not a valid PDF file (damaged or truncated): {cause!r}", path) from exc
    except Exception as exc:  # pdfminer lets KeyError, TypeError, struct.error … escape on broken files
        raise NianbaoError(f"not a valid PDF file (damaged or truncated): {exc!r}", path) from exc
    if not lines:
        text, starts = ocr.read_scanned(data, path)
        if not text.strip():
            raise NianbaoError("scanned PDF (no text layer): OCR found no text on its pages", path)
        return RawDocument(path=path, format="pdf", text=text, ocr=ocr.engine(), pages=starts)
    text, starts = page_text(_paragraphs(lines))
    unmapped = len(_UNMAPPED_GLYPH.findall(text))
    if unmapped > len(_WHITESPACE.sub("", _UNMAPPED_GLYPH.sub("", text))):
        raise NianbaoError(
            "the text layer cannot be decoded (most glyphs map to no character and read as '(cid:N)'); "
            "OCR is not supported",
            path,
        )
    return RawDocument(path=path, format="pdf", text=text, pages=starts)


def _what_it_is(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "it is an HTML page (a failed download?), not a PDF"
    return "it does not start with the %PDF- header"


def _page_lines(page: Page) -> list[_Line]:
    """The page's text lines and table rows, top to bottom."""
    tables = _ruled_tables(page)
    boxes = [table.bbox for table in tables]
    overprinted = _overprinted(page.chars)
    text_page = page.filter(
        lambda obj: obj["object_type"] != "char" or not (id(obj) in overprinted or _inside(obj, boxes))
    )
    top_margin = page.bbox[1] + page.height * _MARGIN_SHARE
    bottom_margin = page.bbox[3] - page.height * _MARGIN_SHARE
    lines = [
        _Line(line["text"], line["top"], line["x0"], line["x1"], line["bottom"] - line["top"])
        for line in text_page.extract_text_lines(return_chars=False)
        if not (_PAGE_NUMBER.fullmatch(line["text"]) and (line["bottom"] < top_margin or line["top"] > bottom_margin))
    ]
    for table in tables:
        lines += [_Line(text, top, is_row=True) for top, text in _table_rows(table)]
    return sorted(lines, key=lambda line: line.top)


def _overprinted(chars: list[dict]) -> set[int]:
    """ids of chars drawn a second time within 1pt of the same char (a fake bold).

    Does what pdfplumber's ``dedupe_chars`` does, which costs as much as parsing the page: chars are
    hashed into 1pt cells, and only the neighbouring cells are compared.
    """
    seen: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    repeats = set()
    for char in chars:
        x, y, text = char["x0"], char["top"], char["text"]
        cell_x, cell_y = int(x), int(y)
        if any(
            abs(x - other_x) <= 1 and abs(y - other_y) <= 1
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other_x, other_y in seen.get((text, cell_x + dx, cell_y + dy), ())
        ):
            repeats.add(id(char))
        else:
            seen.setdefault((text, cell_x, cell_y), []).append((x, y))
    return repeats


def _ruled_tables(page: Page) -> list[Table]:
    """Tables drawn with rules, with at least two rows and two columns (a framed box is not a table)."""
    if not (page.lines or page.rects or page.curves):
        return []  # nothing to find: skip pdfplumber's costly table search
    return [
        table for table in page.find_tables() if len(table.rows) >= 2 and len({cell[0] for cell in table.cells}) >= 2
    ]


def _inside(char: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x < x1 and top <= y < bottom for x0, top, x1, bottom in boxes)


def _table_rows(table: Table) -> Iterator[tuple[float, str]]:
    """(top, line) per row; a merged cell's text appears once.

    pdfplumber puts None at every grid position where no cell starts. Under a cell spanning
    columns of the same row it is dropped; under a cell spanning rows from above it becomes an
    empty cell, so the columns after it stay in place (as the .docx and .html readers do).
    """
    columns = sorted({cell[0] for cell in table.cells})
    for row, texts in zip(table.rows, table.extract(), strict=True):
        cells: list[str] = []
        covered_to = float("-inf")
        for x, cell, text in zip(columns, row.cells, texts, strict=True):
            if cell is not None:
                cells.append(text or "")
                covered_to = cell[2]
            elif x >= covered_to - 0.5:
                cells.append("")
        line = row_line(cells)
        if line:
            yield row.bbox[1], line


def _paragraphs(lines: list[_Line]) -> Iterator[tuple[int, str]]:
    """Join wrapped text lines into paragraphs; table rows pass through unchanged."""
    text_lines = [line for line in lines if not line.is_row]
    left = min((line.x0 for line in text_lines), default=0.0)
    # The right edge of the text column: a high quantile, as a few lines overflow into the margin.
    ends = sorted(line.x1 for line in text_lines)
    right = ends[int(len(ends) * 0.9)] if ends else 0.0
    paragraph: list[str] = []
    page = 0  # where the paragraph being joined starts
    previous: _Line | None = None
    for line in lines:
        wraps = (
            previous is not None
            and not line.is_row
            and previous.x1 >= right - _WRAP_GAP * previous.size
            and line.x0 <= left + line.size / 2
        )
        if not wraps and paragraph:
            yield page, join_wrapped(paragraph)
            paragraph = []
        if line.is_row:
            yield line.page, line.text
            previous = None
        else:
            if not paragraph:
                page = line.page
            paragraph.append(line.text)
            previous = line
    if paragraph:
        yield page, join_wrapped(paragraph)
