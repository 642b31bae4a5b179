"""Read a report file of any supported format into a ``RawDocument``.

Each reader module (plain, docx, pdf, html) declares the extensions it takes in ``EXTENSIONS`` and
turns a file's bytes into a ``RawDocument`` with ``read(data, path)``; adding a format is adding a
module and listing it in ``_READERS``. The checks every format needs (the file exists, is not
empty, is not too large) are done here once, before any reader sees the file.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from indexer.errors import NianbaoError
from indexer.read import docx, html, pdf, plain
from indexer.read.document import RawDocument

__all__ = ["MAX_REPORT_BYTES", "SUPPORTED_EXTENSIONS", "RawDocument", "read_report"]

# A report is 5–25 KB of text; even a PDF with scanned seals stays far below this.
MAX_REPORT_BYTES = 32 * 1024 * 1024

_READERS: tuple[ModuleType, ...] = (plain, docx, pdf, html)
_READER_BY_EXTENSION = {extension: reader for reader in _READERS for extension in reader.EXTENSIONS}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_READER_BY_EXTENSION))

# Formats people will try, with what to do instead.
_UNSUPPORTED_ADVICE = {
    ".doc": "legacy Word .doc files are not supported; save the file as .docx (Word, WPS or "
    "`libreoffice --headless --convert-to docx`) and read that",
    ".wps": "WPS Writer .wps files are not supported; save the file as .docx in WPS and read that",
}


def read_report(path: str | Path) -> RawDocument:
    """Read one report file; every problem with it raises ``NianbaoError`` naming the file and reason."""
    path = Path(path)
    extension = path.suffix.lower()
    if not path.exists():
        raise NianbaoError("file not found", path)
    if not path.is_file():
        raise NianbaoError("not a regular file", path)
    if extension in _UNSUPPORTED_ADVICE:
        raise NianbaoError(_UNSUPPORTED_ADVICE[extension], path)
    reader = _READER_BY_EXTENSION.get(extension)
    if reader is None:
        kind = f"unsupported file type '{extension}'" if extension else "file has no extension"
        raise NianbaoError(f"{kind}; supported: {' '.join(SUPPORTED_EXTENSIONS)}", path)
    data = _read_bytes(path)
    document: RawDocument = reader.read(data, str(path))
    if not document.text.strip():
        raise NianbaoError("no text found in the file (if it holds only images, OCR is not supported)", path)
    return document


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing empty and oversized files before reading them."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise NianbaoError("file is empty", path)
        if size > MAX_REPORT_BYTES:
            raise NianbaoError(_too_large(size), path)
        with path.open("rb") as file:
            data = file.read(MAX_REPORT_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise NianbaoError(f"cannot read the file: {exc.strerror or exc}", path) from exc
    if len(data) > MAX_REPORT_BYTES:
        raise NianbaoError(_too_large(len(data)), path)
    return data


def _too_large(size: int) -> str:
    mib = 1024 * 1024
    return (
        f"file is too large: {size / mib:.1f} MB ({size} bytes) exceeds the {MAX_REPORT_BYTES // mib} MB "
        "limit for a report (MAX_REPORT_BYTES)"
    )
