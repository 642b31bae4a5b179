"""Plain-text reports (.txt) and Markdown (.md, .markdown: what PDF-to-Markdown converters and OCR tools
write): detect the encoding, unify line endings. Markdown's pipe tables, rules and marks are read by
normalization, so a .txt that holds Markdown reads the same."""

from __future__ import annotations

import re

from indexer.read.document import RawDocument
from indexer.read.support import decode_text

EXTENSIONS = (".txt", ".md", ".markdown")

_LINE_ENDING = re.compile(r"\r\n?")


def read(data: bytes, path: str) -> RawDocument:
    """Decode a text report; it already has the shape every reader produces."""
    text, encoding = decode_text(data, path)
    fmt = "txt" if path.lower().endswith(".txt") else "md"
    return RawDocument(path=path, format=fmt, text=_LINE_ENDING.sub("\n", text), encoding=encoding)
