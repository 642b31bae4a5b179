"""Help shared by the readers: detecting a text encoding, and turning cells and wrapped lines into text."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from pathlib import Path

from charset_normalizer import from_bytes

from indexer.errors import NianbaoError

# UTF-32 before UTF-16: the UTF-32-LE mark begins with the UTF-16-LE mark.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_LABELS = {"gb2312", "gb_2312-80", "csgb2312", "euc-cn", "chinese", "gbk", "x-gbk", "cp936", "gb18030"}
# Control characters that never occur in a text report (tab, newlines, form feed and VT are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_MAX_CONTROL_SHARE = 0.02

# Characters written without spaces around them in Chinese: CJK ideographs, CJK and full-width
# punctuation, Chinese quotation marks, the ellipsis and the dash.
_CJK = re.compile(
    "[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2018-\u201d\u2026\u2014\U00020000-\U0003ffff]"
)


def decode_text(data: bytes, path: str | Path, declared: str | None = None) -> tuple[str, str]:
    """Decode a text file's bytes, detecting the encoding; return the text and the encoding's name.

    A byte-order mark decides first (UTF-8/16/32); then the encoding the file declares (an HTML
    page's charset) if it decodes the bytes; then strict UTF-8, then strict GB18030 (a superset of
    GBK and GB2312, the usual non-UTF-8 encodings of Chinese government files), then
    charset-normalizer's best guess. Binary content raises ``NianbaoError``.
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return _checked(data.decode(encoding), path), encoding
            except UnicodeDecodeError as exc:
                reason = f"not a text file: invalid {encoding} after its byte-order mark"
                raise NianbaoError(reason, path) from exc
    if b"\x00" in data:
        raise NianbaoError("not a text file: binary content (NUL bytes)", path)
    declared_codec = _codec_name(declared) if declared else None
    for encoding in ([declared_codec] if declared_codec else []) + ["utf-8", "gb18030"]:
        try:
            return _checked(data.decode(encoding), path), encoding
        except UnicodeDecodeError:
            continue
    guess = from_bytes(data).best()
    if guess is None:
        raise NianbaoError("not a text file: binary content (no text encoding fits)", path)
    return _checked(str(guess), path), guess.encoding


def _codec_name(label: str) -> str | None:
    """Python's codec for a declared encoding label, or None when it is unknown or cannot be trusted.

    Pages labelled GB2312 or GBK often hold characters only GB18030 has; a UTF-16 label without a
    byte-order mark is a mistake (browsers ignore it too).
    """
    label = label.strip().lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return None if codec.startswith(("utf-16", "utf-32")) else codec


def _checked(text: str, path: str | Path) -> str:
    """Return ``text`` unless control characters show it was decoded from binary data."""
    if text and len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise NianbaoError("not a text file: binary content (too many control characters)", path)
    return text


def join_wrapped(fragments: Iterable[str]) -> str:
    """Join the pieces of a text broken across lines: no space between Chinese, one space otherwise.

    A line break inside Chinese text is a layout artefact, so "政府信息" + "公开" must become
    "政府信息公开", while "Article" + "50" becomes "Article 50".
    """
    joined = ""
    for fragment in fragments:
        fragment = fragment.strip()
        if not fragment:
            continue
        if joined and not (_CJK.match(joined[-1]) or _CJK.match(fragment)):
            joined += " "
        joined += fragment
    return joined


def row_line(cells: Iterable[str]) -> str:
    """One table row as one line of tab-separated cells; "" when every cell is empty.

    Line breaks inside a cell are joined as wrapped text, and a tab inside a cell becomes a space so
    that it cannot be read as a cell boundary.
    """
    texts = [join_wrapped(cell.replace("\t", " ").splitlines()) for cell in cells]
    return "\t".join(texts) if any(texts) else ""


def page_text(paragraphs: Iterable[tuple[int, str]]) -> tuple[str, tuple[int, ...]]:
    """The text of (page, paragraph) pairs, one paragraph a line, and where each page's text starts
    (a paragraph running over a page break counts on the page it starts on)."""
    parts: list[str] = []
    starts: list[int] = []
    at = 0
    for page, paragraph in paragraphs:
        while len(starts) <= page:
            starts.append(at)
        parts.append(paragraph)
        at += len(paragraph) + 1
    return "\n".join(parts), tuple(starts)
