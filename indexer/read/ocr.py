"""Scanned PDFs (no text layer): each page rendered and read by Tesseract's simplified-Chinese model.

Pages are rendered with pdfium (pypdfium2) and read with Tesseract through pytesseract, word by word
with their boxes. Words are joined into lines; a line whose words stand apart in columns (a gap of
more than a character's height) is a table row, and the rows of one table are aligned on the
columns their cells start in, so a blank cell stays a blank field. Text lines that run to the right
edge are joined with the next one into a paragraph. The result has the shape of every other
reader's text: one paragraph per line, table rows as tab-separated cells.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

from indexer.errors import NianbaoError
from indexer.read.support import page_text

LANGUAGE = "chi_sim"
DPI = 300
INSTALL = (
    "install Tesseract with its simplified-Chinese model to read it "
    "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff（），。、；：“”《》]")
_NUMBERISH = re.compile(r"^[+\-−－]?\d[\d.,]*%?$")


@dataclass
class _Word:
    text: str
    left: int
    top: int
    right: int
    bottom: int


@dataclass
class _Line:
    words: list[_Word]
    chunks: list[list[_Word]] = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def right(self) -> int:
        return self.words[-1].right

    @property
    def height(self) -> int:
        return int(median(w.bottom - w.top for w in self.words))


def available() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    try:
        import pytesseract
    except ImportError:  # pragma: no cover - a declared dependency
        return "the pytesseract package is missing; " + INSTALL
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return "Tesseract is not installed; " + INSTALL
    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # noqa: BLE001 - whatever the binary says, the user must install it
        return f"Tesseract cannot run ({exc}); " + INSTALL
    if LANGUAGE not in languages:
        return "Tesseract's simplified-Chinese model (chi_sim) is not installed; " + INSTALL
    return None


def engine() -> str:
    """What read the pages, for the report's record: 'tesseract 5.3.0 chi_sim, 300 dpi'."""
    import pytesseract

    return f"tesseract {pytesseract.get_tesseract_version()} {LANGUAGE}, {DPI} dpi"


def read_scanned(data: bytes, path: str) -> tuple[str, tuple[int, ...]]:
    """The text of a PDF without a text layer, page by page through OCR, and where each page starts."""
    problem = available()
    if problem is not None:
        raise NianbaoError(f"scanned PDF (no text layer): {problem}", path)
    import pypdfium2
    import pytesseract

    try:
        pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    except pypdfium2.PdfiumError as exc:
        raise NianbaoError(f"not a valid PDF file (damaged or truncated): {exc}", path) from exc
    pages: list[tuple[int, str]] = []
    try:
        for n, page in enumerate(pdf):
            image = _without_rules(_deskewed(page.render(scale=DPI / 72, grayscale=True).to_pil()))
            words = pytesseract.image_to_data(
                image, lang=LANGUAGE, config="--psm 6", output_type=pytesseract.Output.DICT
            )
            pages += [(n, line) for line in _page_text(words, image)]
    finally:
        pdf.close()
    return page_text(pages)


_SKEW_RANGE = 3.0  # degrees either way a page may lie askew on the scanner's glass


def _skew(image: Image) -> float:
    """The angle (degrees, counter-clockwise) that sets a page's lines level: the one at which the
    page's ink, summed along pixel rows, is most uneven (lines of text and rules give sharp peaks,
    gaps between them none). Found on a quarter-size copy, every half degree and then every 0.05°."""
    import numpy as np
    from PIL import Image as PILImage

    small = image.reduce(4)
    ink = PILImage.fromarray(((np.asarray(small) < 160) * 255).astype(np.uint8))

    def unevenness(angle: float) -> float:
        turned = np.asarray(ink.rotate(angle, resample=PILImage.Resampling.BILINEAR), dtype=np.float32)
        return float(np.var(turned.sum(axis=1)))

    if not np.asarray(ink).any():
        return 0.0  # a blank page lies level
    steps = np.arange(-_SKEW_RANGE, _SKEW_RANGE + 0.01, 0.5)
    best = max(steps, key=lambda a: (unevenness(a), -abs(a)))  # of equals, the smallest turn
    fine = np.arange(best - 0.45, best + 0.46, 0.05)
    return round(float(max(fine, key=lambda a: (unevenness(a), -abs(a)))), 2)


def _deskewed(image: Image) -> Image:
    """The page turned level when it was scanned askew: a tilted line is not one pixel row, so its
    ruling lines would not be found and Tesseract's lines would run into each other."""
    from PIL import Image as PILImage

    angle = _skew(image)
    if abs(angle) < 0.1:  # 0.1° drifts 4 pixels across a page: level enough
        return image
    return image.rotate(angle, resample=PILImage.Resampling.BICUBIC, fillcolor=255)


# A table's ruling lines: dark runs longer than any glyph's stroke at 300 dpi (a 22 pt title character
# is about 90 pixels tall; a body character about 45).
_RULE_PX = {0: 120, 1: 200}  # vertical, horizontal
_HALO = 2  # pixels each side of a rule whose grey is the rule's edge


def _without_rules(image: Image) -> Image:
    """The page with its tables' ruling lines whitened: Tesseract reads a vertical rule as 1, | or I
    and joins a row's cells across a horizontal one. A rule is a run of dark pixels longer than any
    stroke of a character, down a pixel column or along a pixel row; only the run itself is cleared,
    so a glyph crossed by a rule keeps its other strokes."""
    import numpy as np
    from PIL import Image as PILImage

    pixels = np.asarray(image).copy()
    dark = pixels < 160
    for axis, length in _RULE_PX.items():
        lines = dark.T if axis == 0 else dark  # each row of ``lines`` is a pixel column or a pixel row
        # a rule's run, taken with the pixel lines either side of it: a blurred or speckled scan breaks
        # the run of any one pixel line at the rule's edge, and a page turned level again steps it
        thick = lines.copy()
        thick[1:] |= lines[:-1]
        thick[:-1] |= lines[1:]
        padded = np.zeros((thick.shape[0], thick.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = thick
        change = np.diff(padded, axis=1)
        starts = np.argwhere(change == 1)
        ends = np.argwhere(change == -1)[:, 1]
        long = ends - starts[:, 1] >= length  # a page holds millions of short runs (text), a few rules
        for (line, start), end in zip(starts[long], ends[long], strict=True):
            # the rule, and the grey of its edges beside it: left, Tesseract reads that grey as l, i or |
            # along the rule. A glyph's stroke across it is darker than the rule's edges: beside the rule
            # it keeps its core.
            near = slice(max(line - _HALO, 0), line + _HALO + 1)
            if axis == 0:
                pixels[start:end, line] = 255
                band = pixels[start:end, near]
            else:
                pixels[line, start:end] = 255
                band = pixels[near, start:end]
            band[band >= 90] = 255
    return PILImage.fromarray(pixels)


def _page_text(data: dict[str, list], image: Image) -> list[str]:
    lines = _lines(data)
    if not lines:
        return []
    height = median(line.height for line in lines)
    for line in lines:
        line.chunks = _chunks(line.words, gap=1.2 * height)
    _split_at_number_columns(lines, height)
    _split_numbers_apart(lines, height)
    missed = _missed_ink(lines, image, height) + _missed_lines(lines, image, height)
    lone = _lone_characters(lines)
    rows = [c for line in lines if len(line.chunks) >= 2 for c in line.chunks]
    misread = _misread(lines)
    wide = [  # a line of one number whose box holds more than its digits (23 over 1123)
        line.chunks[0] for line in lines if len(line.chunks) == 1 and _wider_than_read(line.chunks[0])
    ]
    taken = {id(c) for c in rows}
    for cell in lone + missed + misread + wide:  # cells of lines of one cell: not among the rows' cells
        if id(cell) not in taken:
            rows.append(cell)
            taken.add(id(cell))
    _reread_numbers(rows, image, height, misread)
    _keep_read_ink(lines, missed, image)
    lines = [line for line in lines if line.chunks]  # a missed line whose mark was not a number
    for cell in lone:  # still a character after the digits-only pass: a 1 if it reads as one alone
        if _LONE.match("".join(w.text for w in cell)) and _reads_as_one(cell, image):
            cell[:] = [_Word("1", cell[0].left, cell[0].top, cell[-1].right, max(w.bottom for w in cell))]
    for line in lines:  # a line of one cell is written from its words: they take its cell's new reading
        if len(line.chunks) == 1:
            line.words = line.chunks[0]
    left = min(line.left for line in lines)
    right = sorted(line.right for line in lines)[int(len(lines) * 0.9)]
    out: list[str] = []
    table: list[_Line] = []
    paragraph: list[str] = []
    previous: _Line | None = None
    for line in lines:
        if table and _continues(line, table, height):
            table[-1].chunks += line.chunks  # _table_rows joins each to the cell of its column
            continue
        is_row = len(line.chunks) >= 2 or (table and _NUMBERISH.match(_join(line.words)) is not None)
        if is_row:
            if paragraph:
                out.append("".join(paragraph))
                paragraph = []
            table.append(line)
            previous = None
            continue
        if table:
            out += _table_rows(table, height)
            table = []
        wraps = previous is not None and previous.right >= right - 2 * height and line.left <= left + height / 2
        if not wraps and paragraph:
            out.append("".join(paragraph))
            paragraph = []
        paragraph.append(_join(line.words))
        previous = line
    if table:
        out += _table_rows(table, height)
    if paragraph:
        out.append("".join(paragraph))
    return out


_NUMBER_CELL = re.compile(r"^[“”\"'‘’.,，。:：|]*[\dOolI][\dOolI.,]*[“”\"'‘’.,，。:：|]*(?:万元|元)?$")
_WELL_FORMED = re.compile(r"^[+\-]?(?:0|[1-9]\d*)(?:\.\d+)?$")  # no leading zero, no stray mark
# A cell of one or two marks with no Chinese in it: a lone 0 the Chinese model read as ” or ，.
_SPECK = re.compile(r"^[^\u3400-\u9fff\w]{1,2}$")


# A cell of one character where the Chinese model put one for a lone 1 (由, 下, 证, i, |).
_LONE = re.compile(r"^[\u3400-\u9fffiIl|!]$")
# One or two such characters, a sign's dash or a quote mark among them (有 for 2, 二有 for -30).
_MISREAD = re.compile(r"^[“”\"'‘’+\-]?[\u3400-\u9fffiIl|!]{1,2}$")


# A line of one cell in a table printed one cell a line, between lines of numbers, that reads as marks,
# digits and at most two Chinese characters with a bracket or a stroke among them (]]123 for 1123,
# ]光 for 12), or as one or two Latin letters (S for 3): a number the Chinese model misread. The
# digits-only pass may read it again.
_MISREAD_LINE = re.compile(r"^(?:[\dOolI|!\[\]\u3400-\u9fff]{1,8}|[A-Za-z]{1,2})$")
_MARK = re.compile(r"[\[\]|!\dA-Za-z]")
_DASH = re.compile(r"[-−－一二—+]")  # a sign as the Chinese model reads it (二有 for -30)
_HAN = re.compile(r"[\u3400-\u9fff]")


def _is_number(chunk: list[_Word]) -> bool:
    return _NUMBER_CELL.match("".join(w.text for w in chunk)) is not None


def _lone_characters(lines: list[_Line]) -> list[list[_Word]]:
    """Cells of one character standing among numbers: inside a table row, after its first number and
    before another; or, in a table printed one cell a line, a line between two lines of one number."""
    out: list[list[_Word]] = []
    for i, line in enumerate(lines):
        if len(line.chunks) >= 3:
            numbers = [k for k, c in enumerate(line.chunks) if _is_number(c)]
            if len(numbers) >= 2:
                out += [
                    c
                    for k, c in enumerate(line.chunks)
                    if numbers[0] < k < numbers[-1] and _LONE.match("".join(w.text for w in c))
                ]
        elif len(line.chunks) == 1 and _LONE.match(_join(line.words)):
            before = lines[i - 1].chunks if i else []
            after = lines[i + 1].chunks if i + 1 < len(lines) else []
            if len(before) == 1 and len(after) == 1 and (_is_number(before[0]) or _is_number(after[0])):
                out.append(line.chunks[0])
    return out


def _misread(lines: list[_Line]) -> list[list[_Word]]:
    """Cells of one or two characters standing after a row's first number: a number the Chinese model
    read as characters (2 as 有, -30 as 二有). The digits-only pass may read them again."""
    out: list[list[_Word]] = []
    for i, line in enumerate(lines):
        numbers = [k for k, c in enumerate(line.chunks) if _is_number(c)]
        if numbers:
            out += [c for c in line.chunks[numbers[0] + 1 :] if _MISREAD.match("".join(w.text for w in c))]
        elif (
            len(line.chunks) == 1
            and _MISREAD_LINE.match(text := _join(line.words))
            and _MARK.search(text)
            and len(_HAN.findall(text)) <= 2
            and not _is_number(line.chunks[0])
        ):
            near = [lines[k].chunks for k in (i - 1, i + 1) if 0 <= k < len(lines)]
            if all(len(c) == 1 for c in near) and any(_is_number(c[0]) for c in near):
                out.append(line.chunks[0])
    return out


def _digit_shaped(cell: list[_Word], text: str) -> bool:
    """True when a cell's box has the shape of ``text``'s digits: each at most 0.8 of its height wide
    (a Chinese character is about square)."""
    width, tall = cell[-1].right - cell[0].left, max(w.bottom for w in cell) - min(w.top for w in cell)
    return width <= (0.8 * len(text.replace(".", "")) + 0.2) * tall


def _reread_numbers(
    chunks: list[list[_Word]], image: Image, height: float, misread: list[list[_Word]] | None = None
) -> None:
    """Read the number cells of the page's tables again, digits only: the Chinese model reads a lone 0
    as .00, ”0 or 00. The cells are cut out, stacked one per line on a blank strip and read in one
    pass. A cell the first pass read as a well-formed number keeps it when the second agrees; when it
    does not, the cell read alone decides (a glyph read as another: 9 for 0), or neither reading is
    proven and the cell is left blank. A malformed first reading (.00, ”0) takes the second when that
    is well-formed, with a sign only where the first showed a dash (a rule's remains read as a minus);
    so does a well-formed reading whose box is far wider than its digits (23 over 1123). A ``misread``
    cell (characters among numbers) takes it only when its box has the digits' shape too."""
    from PIL import Image as PILImage

    suspects = {id(c) for c in misread or []}
    cells = [
        c
        for c in chunks
        if not (text := "".join(w.text for w in c))
        or _NUMBER_CELL.match(text)
        or _SPECK.match(text)
        or id(c) in suspects
    ]
    if not cells:
        return
    pad = int(height * 0.4)
    boxes = [_digits_box(c, pad) for c in cells]
    gap = int(height)
    strip = PILImage.new(
        "L", (max(b[2] - b[0] for b in boxes) + 2 * gap, sum(b[3] - b[1] + gap for b in boxes) + gap), 255
    )
    slots: list[tuple[int, int]] = []
    y = gap
    for box in boxes:
        strip.paste(image.crop(box), (gap, y))
        slots.append((y, y + box[3] - box[1]))
        y += box[3] - box[1] + gap
    import pytesseract

    data = pytesseract.image_to_data(
        strip,
        lang="eng",
        config="--psm 6 -c tessedit_char_whitelist=0123456789.-+",
        output_type=pytesseract.Output.DICT,
    )
    read: dict[int, str] = {}
    for i, text in enumerate(data["text"]):
        text = text.strip()
        if not text:
            continue
        middle = data["top"][i] + data["height"][i] / 2
        slot = next((k for k, (a, b) in enumerate(slots) if a <= middle <= b), None)
        if slot is not None:
            read[slot] = read.get(slot, "") + text
    for k, cell in enumerate(cells):
        text = read.get(k)
        first, printed = cell[0], "".join(w.text for w in cell)
        unit = _unit(printed)  # the digits-only pass drops it
        was = printed.removesuffix(unit)
        if _WELL_FORMED.match(was) and not _too_wide(cell, was):
            if text != was:  # two readings that disagree: the cell read alone decides, or it is left blank
                third = _read_alone(_digits_box(cell, 0), image, len(was) == 1)
                if third == was:
                    continue
                if third == text and _confused(was, text) and _digit_shaped(cell, text):
                    was = text
                else:
                    was = ""
                cell[:] = [_Word(was + unit if was else "", first.left, first.top, cell[-1].right, first.bottom)]
        elif (
            text
            and _WELL_FORMED.match(text)
            and (id(cell) not in suspects or _digit_shaped(cell, text))
            and (text[0].isdigit() or _DASH.search(printed))  # a sign only where the page showed a dash
            and not _too_wide(cell, text)
        ):
            cell[:] = [_Word(text + unit, first.left, first.top, cell[-1].right, max(w.bottom for w in cell))]


def _too_wide(cell: list[_Word], digits: str) -> bool:
    """True when a cell's digits take far more room than ``digits`` would (a digit is about 0.55 of its
    height wide): the page pass gave a box over 1123 the reading 23, a lost glyph no reading of the
    digits alone can bring back."""
    left, top, right, bottom = _digits_box(cell, 0)
    return right - left > (0.75 * len(digits.replace(".", "")) + 0.5) * (bottom - top)


def _wider_than_read(cell: list[_Word]) -> bool:
    """True for a cell read as a well-formed number whose box is far wider than its digits."""
    text = "".join(w.text for w in cell)
    text = text.removesuffix(_unit(text))
    return _WELL_FORMED.match(text) is not None and _too_wide(cell, text)


def _unit(printed: str) -> str:
    """The unit a number cell ends with (万元, 元), or ''."""
    return next((u for u in ("万元", "元") if printed.endswith(u)), "")


def _digits_box(cell: list[_Word], pad: int) -> tuple[int, int, int, int]:
    """The box of a number cell's digits, ``pad`` pixels wider each way: a unit printed after them
    (万元) is left out, the digits-only pass would read its strokes as digits."""
    words = cell
    while len(words) > 1 and words[-1].text in ("万", "元", "万元"):
        words = words[:-1]
    right = max(w.right for w in words) + pad
    if len(words) < len(cell):  # the page pass's box of the digits can reach into the unit's
        right = min(right, cell[len(words)].left - 2)
    return (
        min(w.left for w in words) - pad,
        min(w.top for w in words) - pad,
        right,
        max(w.bottom for w in words) + pad,
    )


def _confused(first: str, digits: str) -> bool:
    """True when the digits-only readings may stand for the Chinese model's: both well-formed, as
    long and with the point in the same place, a glyph read as another (9 for 0). A digit more or
    less is a stray mark or a lost glyph, which no reading proves."""
    if not _WELL_FORMED.match(digits) or len(digits) != len(first):
        return False
    return [c == "." for c in digits] == [c == "." for c in first]


def _read_alone(box: tuple[int, int, int, int], image: Image, single: bool) -> str:
    """A cell read by itself, digits only, as one line of text or as one character: at its size and
    enlarged to about 50 pixels tall. Tesseract loses a small glyph alone at one size or the other
    (it returns nothing then, or a speck as a point); a well-formed reading both sizes give, or the
    one that one size gives, is the cell's. Two well-formed readings that differ give nothing."""
    import pytesseract

    config = f"--psm {10 if single else 7} -c tessedit_char_whitelist=0123456789.-+"
    readings = {
        pytesseract.image_to_string(_isolated(image, box, scale), lang="eng", config=config).strip()
        for scale in (1.0, max(1.0, 50 / max(box[3] - box[1], 1)))
    }
    readings = {r for r in readings if _WELL_FORMED.match(r)}  # a speck read as a point is no reading
    return readings.pop() if len(readings) == 1 else ""


def _isolated(image: Image, box: tuple[int, int, int, int], scale: float) -> Image:
    """The marks in ``box`` alone, ``scale`` times their size, with white around them as wide as they
    are tall: beside a neighbouring row's strokes, Tesseract reads them as something else."""
    from PIL import Image as PILImage

    left, top, right, bottom = box
    crop = image.crop((left - 3, top - 3, right + 3, bottom + 3))
    if scale > 1:
        crop = crop.resize((round(scale * crop.width), round(scale * crop.height)), PILImage.Resampling.BICUBIC)
    margin = crop.height
    canvas = PILImage.new("L", (crop.width + 2 * margin, crop.height + 2 * margin), 255)
    canvas.paste(crop, (margin, margin))
    return canvas


def _missed_ink(lines: list[_Line], image: Image, height: float) -> list[list[_Word]]:
    """Marks the first pass did not return at all: Tesseract's page pass drops a lone 0 or 1 standing
    between number cells. In each table row with numbers, the ink of the row's band to the right of its
    last label is cut into runs at gaps wider than half a character; a run no word of the row
    overlaps becomes a blank cell of its own, for the digits-only pass to read. Ruling lines are not
    marks: a pixel row inked across most of the band is cleared, and ink that goes on above or below
    the band (a vertical rule, a neighbouring row's glyph) is left alone."""
    import numpy as np

    ink = np.asarray(image) < 128
    missed: list[list[_Word]] = []
    for line in lines:
        numbers = [k for k, c in enumerate(line.chunks) if _is_number(c)]
        if len(line.chunks) < 2 or not numbers:
            continue
        labels = [c for c in line.chunks if not _is_number(c) and not _SPECK.match("".join(w.text for w in c))]
        h = line.height
        top, bottom = min(w.top for w in line.words), max(w.bottom for w in line.words)
        band_top, band_bottom = max(0, int(top - 0.25 * h)), min(ink.shape[0], int(bottom + 0.25 * h))
        start = max((c[-1].right for c in labels), default=line.chunks[0][0].left - 2 * h)
        start = max(0, int(start + 0.3 * h))
        end = ink.shape[1]
        if end - start < h or band_bottom - band_top < h:
            continue
        band = ink[band_top:band_bottom, start:end].copy()
        band[band.mean(axis=1) > 0.5] = False  # a horizontal rule
        columns = np.flatnonzero(band.any(axis=0))
        if not len(columns):
            continue
        runs: list[list[int]] = [[columns[0], columns[0]]]
        for x in columns[1:]:
            if x - runs[-1][1] > 0.5 * h:
                runs.append([x, x])
            else:
                runs[-1][1] = x
        words = [w for c in line.chunks for w in c]
        for a, b in runs:
            left, right = start + a, start + b + 1
            if any(w.left - 0.2 * h < right and left < w.right + 0.2 * h for w in words):
                continue
            rows = np.flatnonzero(band[:, a : b + 1].any(axis=1))
            glyph_top, glyph_bottom = band_top + rows[0], band_top + rows[-1] + 1
            if rows[0] == 0 or rows[-1] == len(band) - 1 or not 0.5 * h <= glyph_bottom - glyph_top <= 1.3 * h:
                continue
            cell = [_Word("", left, glyph_top, right, glyph_bottom)]
            line.chunks.append(cell)
            missed.append(cell)
        line.chunks.sort(key=lambda c: c[0].left)
    return missed


def _missed_lines(lines: list[_Line], image: Image, height: float) -> list[list[_Word]]:
    """Lines the first pass did not return at all: in a table printed one cell a line, Tesseract drops a
    line holding a lone 1 or 0. Between two lines of one cell, at least one of them a number, a gap
    taller than a line is searched for ink; a mark of a character's height there, in one piece (at most
    half a character's gap inside it), becomes a line of one blank cell for the digits-only pass to
    read. It is kept only when read as a number with a number's shape (``_keep_read_ink``)."""
    import numpy as np

    ink = np.asarray(image) < 128
    missed: list[list[_Word]] = []
    found: list[_Line] = []
    for above, below in pairwise(lines):
        if len(above.chunks) != 1 or len(below.chunks) != 1:
            continue
        if not (_is_number(above.chunks[0]) or _is_number(below.chunks[0])):
            continue
        top = max(w.bottom for w in above.words) + int(0.15 * height)
        bottom = min(w.top for w in below.words) - int(0.15 * height)
        if bottom - top < 1.2 * height:
            continue
        band = ink[top:bottom].copy()
        band[:, band.mean(axis=0) > 0.5] = False  # a vertical rule's remains, not a mark
        rows = np.flatnonzero(band.any(axis=1))
        if not len(rows) or rows[0] == 0 or rows[-1] == len(band) - 1:
            continue  # nothing there, or ink that runs on into a neighbouring line
        tall = rows[-1] - rows[0] + 1
        if not 0.5 * height <= tall <= 1.3 * height:
            continue  # not one line of characters
        columns = np.flatnonzero(band.any(axis=0))
        if np.any(np.diff(columns) > 0.5 * height) or columns[-1] - columns[0] + 1 > 6 * height:
            continue  # more than one mark, or a long one: words, not a lone number
        cell = [_Word("", int(columns[0]), top + int(rows[0]), int(columns[-1]) + 1, top + int(rows[-1]) + 1)]
        line = _Line(cell, [cell])
        found.append(line)
        missed.append(cell)
    lines += found
    lines.sort(key=lambda line: min(w.top for w in line.words))
    return missed


def _keep_read_ink(lines: list[_Line], missed: list[list[_Word]], image: Image) -> None:
    """A missed mark stays a cell only when the digits-only pass read it as a number with a number's
    shape (each digit at most 0.8 of its height wide, a Chinese character is about square); a narrow
    one the strip lost is a 1 when it reads as one alone. Any other mark is dropped again."""
    for cell in missed:
        word = cell[0]
        text = "".join(w.text for w in cell)
        if not text and _reads_as_one(cell, image):
            cell[:] = [_Word("1", word.left, word.top, cell[-1].right, word.bottom)]
            continue
        if not (text and _WELL_FORMED.match(text) and _digit_shaped(cell, text)):
            cell.clear()
    for line in lines:
        line.chunks = [c for c in line.chunks if c]


def _reads_as_one(cell: list[_Word], image: Image) -> bool:
    """A lone character (由, i) is a 1 when its box is clearly narrower than tall (at most 0.8: a
    digit's shape; a Chinese character is about square) and, read alone as a single digit, it is 1. A
    strip of several cells loses such a narrow glyph; a single-character pass over it alone, with
    white around it, does not."""
    box = _digits_box(cell, 0)
    if box[2] - box[0] > 0.8 * (box[3] - box[1]):
        return False
    return _read_alone(box, image, single=True) == "1"


def _split_at_number_columns(lines: list[_Line], height: float) -> None:
    """Split off a number the first pass joined to the label before it: a label that fills its cell up
    to the next column (4.保护第三方合法权益 0) leaves less than the gap between them. A word is split off
    when it is a number, the word before it is not, and number cells of at least three other rows of
    the page start where it does (within half a character): a column of numbers."""
    starts = sorted(
        c[0].left
        for line in lines
        if len(line.chunks) >= 2
        for c in line.chunks
        if len(c) == 1 and _WELL_FORMED.match(c[0].text)
    )
    columns: list[list[int]] = []
    for x in starts:
        if columns and x - columns[-1][-1] <= height / 2:
            columns[-1].append(x)
        else:
            columns.append([x])
    anchors = [median(c) for c in columns if len(c) >= 3]
    if not anchors:
        return
    for line in lines:
        if len(line.chunks) < 2:
            continue
        split: list[list[_Word]] = []
        for chunk in line.chunks:
            cut = next(
                (
                    i
                    for i in range(1, len(chunk))
                    if _WELL_FORMED.match(chunk[i].text)
                    and not _NUMBERISH.match(chunk[i - 1].text)
                    and any(abs(chunk[i].left - a) <= height / 2 for a in anchors)
                ),
                None,
            )
            split += [chunk] if cut is None else [chunk[:cut], chunk[cut:]]
        line.chunks = split


def _split_numbers_apart(lines: list[_Line], height: float) -> None:
    """A cell of several words that are each a well-formed number, apart by more than half a character,
    is that many cells: narrow columns (the 复议/诉讼 table's fifteen) leave less than the gap between
    cells between their numbers (0 0)."""
    for line in lines:
        if len(line.chunks) < 2:
            continue
        split: list[list[_Word]] = []
        for chunk in line.chunks:
            numbers = len(chunk) > 1 and all(_WELL_FORMED.match(w.text) for w in chunk)
            split += _chunks(chunk, gap=height / 2) if numbers else [chunk]
        line.chunks = split


def _lines(data: dict[str, list]) -> list[_Line]:
    """Tesseract's words grouped into its lines, top to bottom, each left to right."""
    grouped: dict[tuple[int, int, int], list[_Word]] = {}
    for i, text in enumerate(data["text"]):
        text = text.strip()
        if not text or float(data["conf"][i]) < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        left, top = data["left"][i], data["top"][i]
        grouped.setdefault(key, []).append(_Word(text, left, top, left + data["width"][i], top + data["height"][i]))
    lines = [_Line(sorted(words, key=lambda w: w.left)) for words in grouped.values()]
    return sorted(lines, key=lambda line: min(w.top for w in line.words))


def _chunks(words: list[_Word], gap: float) -> list[list[_Word]]:
    """Words separated by more than ``gap`` pixels are in different cells."""
    chunks = [[words[0]]]
    for w in words[1:]:
        if w.left - chunks[-1][-1].right > gap:
            chunks.append([w])
        else:
            chunks[-1].append(w)
    return chunks


def _join(words: list[_Word]) -> str:
    """Words of one cell or line: no space beside a Chinese character, one between other words."""
    out = ""
    for w in words:
        if out and not (_CJK.search(out[-1]) or _CJK.search(w.text[0])):
            out += " "
        out += w.text
    return out


def _continues(line: _Line, table: list[_Line], height: float) -> bool:
    """True when a line is the wrapped rest of the table row above it: a cell too long for its column
    goes on below, inside the column (its first line filled the cell up to the next column). Each of the
    line's cells starts where a cell of the row above starts, whose text reaches to within two characters
    of the table's next column, and none is a number (a row's numbers stand on its first line)."""
    above = table[-1]
    if any(_is_number(chunk) for chunk in line.chunks):
        return False
    starts = sorted({chunk[0].left for row in table for chunk in row.chunks})
    for chunk in line.chunks:
        cell = next((c for c in above.chunks if abs(c[0].left - chunk[0].left) <= height / 2), None)
        if cell is None:
            return False
        following = [x for x in starts if x > cell[-1].right]
        if not following or following[0] - cell[-1].right > 2.2 * height:
            return False
    return True


def _table_rows(rows: list[_Line], height: float) -> list[str]:
    """Rows of one table as tab-separated cells, aligned on the columns the cells start in."""
    starts = sorted(chunk[0].left for row in rows for chunk in row.chunks)
    columns: list[list[int]] = []
    for x in starts:
        if columns and x - columns[-1][-1] <= height:
            columns[-1].append(x)
        else:
            columns.append([x])
    anchors = [median(c) for c in columns]
    out: list[str] = []
    for row in rows:
        cells = [""] * len(anchors)
        for chunk in row.chunks:
            col = min(range(len(anchors)), key=lambda k: abs(anchors[k] - chunk[0].left))
            cells[col] = (cells[col] + _join(chunk)) if cells[col] else _join(chunk)
        out.append("\t".join(cells))
    return out
