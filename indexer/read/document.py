"""What every reader returns: the report's text as lines, tables as rows of tab-separated cells."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawDocument:
    """Text extracted from one report file, before normalization.

    ``text`` holds one paragraph per line; a table row is one line whose cells are joined by
    a tab, so every format reaches the parser in the same shape as the plain-text reports.
    """

    path: str
    format: str  # "txt", "md", "docx", "pdf", "html"
    text: str
    encoding: str | None = None
    ocr: str | None = None  # what read the text when the file had none (a scan): engine, model, resolution
    pages: tuple[int, ...] = ()  # PDFs: where each page's text starts in ``text``
