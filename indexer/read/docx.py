"""Word reports (.docx): paragraphs and tables in reading order, one line per paragraph or table row."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap, qn
from lxml import etree

from indexer.errors import NianbaoError
from indexer.read.document import RawDocument
from indexer.read.support import row_line

EXTENSIONS = (".docx",)

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc (and .wps) files are OLE containers
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_T, _TAB = qn("w:t"), qn("w:tab")
# Text, tabs and breaks in document order, leaving out the copies: mc:Fallback repeats a text box
# for old readers, and w:moveFrom is the old place of text moved with track changes on.
_PARAGRAPH_PIECES = etree.XPath(
    "(.//w:t | .//w:tab | .//w:br | .//w:cr)[not(ancestor::mc:Fallback or ancestor::w:moveFrom)]",
    namespaces={"w": nsmap["w"], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"},
)


def read(data: bytes, path: str) -> RawDocument:
    """Read the document body; headers and footers (page numbers, letterheads) are left out."""
    if data.startswith(_OLE_SIGNATURE):
        raise NianbaoError(
            "this is a legacy Word .doc file named .docx; open it in Word, WPS or LibreOffice and save it as .docx",
            path,
        )
    try:
        body = Document(io.BytesIO(data)).element.body
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise NianbaoError(f"not a valid .docx file: {exc}", path) from exc
    return RawDocument(path=path, format="docx", text="\n".join(_block_lines(body)))


def _block_lines(container: etree._Element, deferred_tables: list | None = None) -> Iterator[str]:
    """Lines of the paragraphs and tables directly in ``container`` (a body, cell or content control).

    Inside a table cell, tables are not emitted but appended to ``deferred_tables`` so that the
    enclosing row can be written first and the nested table's rows after it.
    """
    for child in container.iterchildren():
        if child.tag == _P:
            yield from _paragraph_lines(child)
        elif child.tag == _TBL:
            if deferred_tables is None:
                yield from _table_lines(child)
            else:
                deferred_tables.append(child)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_lines(content, deferred_tables)


def _paragraph_lines(paragraph: etree._Element) -> Iterator[str]:
    pieces = []
    for node in _PARAGRAPH_PIECES(paragraph):
        if node.tag == _T:
            pieces.append(node.text or "")
        else:
            # A tab would read as a cell boundary; a manual line break starts a new line.
            pieces.append(" " if node.tag == _TAB else "\n")
    for line in "".join(pieces).split("\n"):
        if line.strip():
            yield line.strip()


def _table_lines(table: etree._Element) -> Iterator[str]:
    """One line per row; a merged cell's text appears once.

    Reads the w:tc elements rather than python-docx's ``row.cells``, which repeats a horizontally
    merged cell per grid column and a vertically merged cell's text in every row it spans. A
    vertical-merge continuation becomes an empty cell, keeping the columns below it in place.
    """
    for tr in table.iterchildren(_TR):
        cells = [""] * tr.grid_before
        nested: list = []
        for tc in tr.iterchildren(_TC):
            if tc.vMerge == "continue":
                cells.append("")
            else:
                cells.append("\n".join(_block_lines(tc, nested)))
        line = row_line(cells)
        if line:
            yield line
        for nested_table in nested:
            yield from _table_lines(nested_table)
