"""Table cells as extracted text gives them: numbers with signs and units, labels, blanks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import product

# "减 45" / "减少45" / "-39" / "+118" / "增3" / "45996.82万元" / "10518.1531 万元"
_NUMBER = re.compile(
    r"^(?P<word>减少|减|增加|增|下降|新增)?\s*(?P<sign>[+\-−－])?\s*(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<unit>万元|元|件|个|项|条|次)?$"
)  # 52,772: digits grouped in threes by a thousands separator
_NEGATIVE_WORDS = {"减少", "减", "下降"}


@dataclass(frozen=True)
class Token:
    """One non-empty table cell: where it stands and what it says."""

    text: str
    line: int  # index of the line in the table region
    field: int  # index of the tab-separated field in that line
    number: int | float | None
    unit: str | None
    blank_lines_before: int  # empty lines between this token's line and the previous token's
    start: int = 0  # where the cell's text is in the table region
    end: int = 0
    # A cell read as one number from digit groups a space apart ("13 0"): the cells it would be if a
    # converter had merged columns instead (13 | 0). The table parser picks by the row's width and sums.
    parts: tuple[Token, ...] = ()

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def readings(numbers: list[Token], limit: int = 64) -> Iterator[list[Token]]:
    """The ways to read a row's number cells: each cell with ``parts`` as one number or as its parts,
    the cells as printed first."""
    ambiguous = [k for k, t in enumerate(numbers) if t.parts]
    for n, choice in enumerate(product((False, True), repeat=len(ambiguous))):
        if n >= limit:
            return
        split = {k for k, c in zip(ambiguous, choice, strict=True) if c}
        yield [p for k, t in enumerate(numbers) for p in (t.parts if k in split else (t,))]


def pick_reading(numbers: list[Token], fits: Callable[[list[Token]], bool]) -> list[Token]:
    """The row's cells as printed, unless that reading does not fit (its width, its totals) and the
    readings that do all give the same values: then one of them."""
    if not any(t.parts for t in numbers) or fits(numbers):
        return numbers
    fitting = [r for r in readings(numbers) if fits(r)]
    if fitting and len({tuple(t.number for t in r) for r in fitting}) == 1:
        return fitting[0]
    return numbers


_NUMBER_START = frozenset("0123456789+-−－减增下新 ")


# OCR reads 0 as O or 〇 and 1 as l or I; a cell of only these and digits is a number.
_OCR_NUMBER = re.compile(r"^(?:减少|增加|减|增|[+\-−－])?\s*[0-9OoＯ〇lI]+(?:\.[0-9OoＯ〇lI]+)?\s*(?:万元|元)?$")
_OCR_DIGITS = str.maketrans("OoＯ〇lI", "000011")
# Single spaces inside a number in a tab-separated cell of its own: OCR's "3834 1" (two groups), or a PDF
# set with letter-spacing, every digit apart ("5 2 7 7 2", "减 4 5", "4 5 9 9 6 . 8 2 万元"). Groups of several
# digits ("8 8 14") are columns a converter merged into one cell, and two spaces or more are cells of a
# space-separated row: both are left to the table parser.
_DIGIT = "[0-9OoＯ〇lI]"
_WHOLE = rf"[1-9lI](?:{_DIGIT}* {_DIGIT}+|(?: {_DIGIT})+)"  # no number starts with 0: "0 0 0" is three cells
_FRACTION = r" ?\. ?(?:[0-9]+|[0-9](?: [0-9])+)"
_SPLIT_NUMBER = re.compile(
    rf"^(?:(?:减少|增加|减|增|[+\-−－]) ?)?{_WHOLE}(?:{_FRACTION})?(?: ?(?:万 ?元|元))?$"
    rf"|^{_DIGIT}+(?: {_DIGIT})*{_FRACTION}(?: ?(?:万 ?元|元))?$"
)
_SIGNED = r"(?:(?:减少|增加|减|增|[+\-−－]) ?)?"
_DIGIT_GROUPS = re.compile(rf"^{_SIGNED}{_DIGIT}+(?: {_DIGIT}+)*(?: {_DIGIT}+\.[0-9]+)?(?: ?(?:万元|元))?$")
_GROUP = re.compile(rf"{_SIGNED}{_DIGIT}+(?:\.[0-9]+)?(?: ?(?:万元|元))?")
_NUMBER_SPACE = re.compile(r"(?<=[0-9OoＯ〇lI.万]) (?=[0-9OoＯ〇lI.万元])")


def parse_number(cell: str) -> tuple[int | float, str | None] | None:
    """The signed value and unit a table cell prints, or None when it is not a number."""
    if not cell:
        return None
    if cell[0] not in _NUMBER_START or not cell.isascii() or not cell.isdigit():
        ocr = cell.translate(_OCR_DIGITS)
        if (
            ocr != cell
            and _OCR_NUMBER.match(cell)
            and (any(c.isdigit() for c in cell) or len(cell.strip("+-−－减增少加 ")) == 1)
        ):
            return parse_number(ocr)
    if cell[0] not in _NUMBER_START:
        return None
    if cell.isascii() and cell.isdigit():  # most cells: a plain count
        return int(cell), None
    m = _NUMBER.match(cell.strip())
    if m is None:
        return None
    raw = m.group("num").replace(",", "").replace("，", "")
    value: int | float = float(raw) if "." in raw else int(raw)
    negative = m.group("word") in _NEGATIVE_WORDS or m.group("sign") in ("-", "−", "－")
    return (-value if negative else value), m.group("unit")


def tokenize(region: str) -> list[Token]:
    """Every non-empty cell of a table region, in reading order."""
    tokens: list[Token] = []
    blank = 0
    line_start = 0
    for line_no, line in enumerate(region.split("\n")):
        fields = line.split("\t")
        field_start = line_start
        line_start += len(line) + 1
        if not any(f.strip() for f in fields):
            blank += 1
            continue
        for field_no, raw in enumerate(fields):
            at = field_start + len(raw) - len(raw.lstrip())
            field_start += len(raw) + 1
            cell = raw.strip()
            if not cell:
                continue
            parts: tuple[Token, ...] = ()
            spaced = len(fields) > 1 and " " in cell  # a cell without a space is one number or none
            if spaced and not _SPLIT_NUMBER.match(cell) and _DIGIT_GROUPS.match(cell):
                # Digit groups that cannot be one number ("0 0", "8 8 14"): columns merged into one cell.
                merged = list(_group_tokens(cell, line_no, field_no, at, blank))
                if len(merged) > 1:
                    tokens += merged
                    blank = 0
                    continue
            if spaced and _SPLIT_NUMBER.match(cell):
                if _DIGIT_GROUPS.match(cell):
                    parts = tuple(_group_tokens(cell, line_no, field_no, at))
                    parts = parts if len(parts) > 1 else ()
                cell = _NUMBER_SPACE.sub("", cell)  # a tab-separated cell is one cell: its number was spaced
            parsed = parse_number(cell)
            tokens.append(
                Token(
                    text=cell,
                    line=line_no,
                    field=field_no,
                    number=parsed[0] if parsed else None,
                    unit=parsed[1] if parsed else None,
                    blank_lines_before=blank,
                    start=at,
                    end=at + len(raw.strip()),
                    parts=parts,
                )
            )
            blank = 0
    return _rejoin_split_rows(tokens)


def _group_tokens(cell: str, line: int, field: int, at: int, blank: int = 0) -> Iterator[Token]:
    """Each space-separated digit group of a cell as a number cell of its own, ``blank`` empty lines
    before each."""
    for g in _GROUP.finditer(cell):
        parsed = parse_number(g.group())
        if parsed is not None:
            yield Token(g.group(), line, field, parsed[0], parsed[1], blank, at + g.start(), at + g.end())


def _rejoin_split_rows(tokens: list[Token]) -> list[Token]:
    """A converter that gave a row's label a line of its own can leave some of the row's numbers
    beside the label and the rest on the next line, each under its column ("行政规范性文件 | | | 42",
    then "| 11 | 0 |"). Such two lines are one row, its cells in column order: the second line prints
    numbers only, none in the label's column, none in a column the first line fills, and some left of
    a number of the first line (otherwise reading order is column order already)."""
    lines: list[list[Token]] = []
    for t in tokens:
        if lines and lines[-1][0].line == t.line:
            lines[-1].append(t)
        else:
            lines.append([t])
    out: list[Token] = []
    k = 0
    while k < len(lines):
        first = lines[k]
        second = lines[k + 1] if k + 1 < len(lines) else []
        text = [t for t in first if t.number is None]
        numbers = first[len(text) :]
        if (
            numbers
            and text
            and all(t.number is not None for t in numbers)
            and second
            and second[0].line == first[0].line + 1
            and all(t.number is not None for t in second)
            and min(t.field for t in second) > max(t.field for t in text)
            and not {t.field for t in numbers} & {t.field for t in second}
            and min(t.field for t in second) < max(t.field for t in numbers)
        ):
            moved = [replace(t, line=first[0].line, blank_lines_before=0) for t in second]
            out += text + sorted(numbers + moved, key=lambda t: t.field)
            k += 2
            continue
        out += first
        k += 1
    return out


def is_tab_layout(region: str) -> bool:
    """True when rows are printed one per line with tab-separated cells (not one cell per line)."""
    lines = [ln for ln in region.split("\n") if ln.strip()]
    rows = [ln for ln in lines if sum(1 for f in ln.split("\t") if parse_number(f) is not None) >= 2]
    return len(rows) >= 2 and len(rows) * 4 >= len([ln for ln in lines if parse_number(ln) is not None])
