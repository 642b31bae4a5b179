"""Plain-text reports (.txt): detect the encoding, unify line endings."""

from __future__ import annotations

import re

from indexer.read.document import RawDocument
from indexer.read.support import decode_text

EXTENSIONS = (".txt",)

_LINE_ENDING = re.compile(r"\r\n?")


def read(data: bytes, path: str) -> RawDocument:
    """Decode a text report; it already has the shape every reader produces."""
    text, encoding = decode_text(data, path)
    return RawDocument(path=path, format="txt", text=_LINE_ENDING.sub("\n", text), encoding=encoding)
