"""Plain-text reports (.txt) and Markdown (.md, .markdown: what PDF-to-Markdown converters and OCR tools
write): detect the encoding, unify line endings. Markdown's pipe tables, rules and marks are read by
normalization, so a .txt that holds Markdown reads the same; HTML tables inside (MinerU and PaddleOCR write
complex tables so) become rows here, as the HTML reader makes them."""

from __future__ import annotations

import re

from indexer.read.document import RawDocument
from indexer.read.html import table_lines
from indexer.read.support import decode_text

EXTENSIONS = (".txt", ".md", ".markdown")

_LINE_ENDING = re.compile(r"\r\n?")
# Converters that write Markdown put complex tables in as HTML (<table><tr><td colspan=…>).
_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.I | re.S)


def read(data: bytes, path: str) -> RawDocument:
    """Decode a text report; it already has the shape every reader produces."""
    text, encoding = decode_text(data, path)
    fmt = "txt" if path.lower().endswith(".txt") else "md"
    return RawDocument(path=path, format=fmt, text=html_tables_as_rows(_LINE_ENDING.sub("\n", text)), encoding=encoding)


def html_tables_as_rows(text: str) -> str:
    """Text with each HTML table in it as tab-separated rows."""
    if "<table" not in text and "<TABLE" not in text:
        return text
    return _HTML_TABLE.sub(lambda m: "\n".join(table_lines(m.group(0))), text)
