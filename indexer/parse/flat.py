"""Table cells of a page flattened by a web crawler: labels and numbers glued, with no separator.

A crawled page may print 规章000行政规范性文件8855698 for two table rows. The row labels are known
from the template; the digits after a label must be split into the row's cells. Every split is tried
that gives each cell a well-formed number of its kind (a count has no leading zero and no sign, a
change may be signed, an amount may have decimals) and satisfies the table's arithmetic (a row's
total, 新收 + 上年结转 = 总计 + 结转下年度, （七）总计 = Σ outcomes, each 复议/诉讼 block's 总计). A cell
is kept only when every admissible split gives it the same value, and records that basis; any other
cell is ``None`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations, product

from indexer.model import APPLICANT_COLUMNS, REVIEW_BLOCKS, REVIEW_FIELDS, DerivedCell, Value

_SIGN = r"(?:减少|增加|下降|新增|减|增|[+\-−－])"
_PIECE = re.compile(rf"(?P<sign>{_SIGN})?(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|元)?")
_RUN = re.compile(rf"(?:\s*{_SIGN}?\s*\d+(?:\.\d+)?(?:万元|元)?)+")
_NEGATIVE = ("减少", "减", "下降", "-", "−", "－")
_MAX_SOLUTIONS = 5000  # splits kept per row before a run is declared undecidable

Count = "count"  # a non-negative integer
Signed = "signed"  # an integer that may carry a sign (本年增/减)
Amount = "amount"  # a non-negative amount, decimals allowed (万元)


@dataclass(frozen=True)
class Run:
    """A run of glued numbers: its pieces (a whitespace or a sign starts a new one) and where it is."""

    text: str
    start: int
    end: int

    def pieces(self) -> list[tuple[str, str, str]]:
        """(sign, digits, unit) of each piece."""
        return [(m["sign"] or "", m["num"], m["unit"] or "") for m in _PIECE.finditer(re.sub(r"\s+", " ", self.text))]


# OCR's look-alikes of 0 and 1 glued to a digit or a sign (180l47, 2O5, +l): in a run of glued cells they are digits.
_LOOKALIKE = re.compile(r"(?<![A-Za-z])(?:(?<=[\d+\-−－减增])[OoＯ〇lI]+|[OoＯ〇lI]+(?=\d))(?![A-Za-z])")
_AS_DIGIT = str.maketrans("OoＯ〇lI", "000011")


def with_ocr_digits(region: str) -> str:
    """``region`` with OCR's O, 〇, l and I read as the digits they stand beside (same length: every
    offset stays). Without it a run would end at the letter, and its first digits alone could split
    into the row's cells (180l47 read as 1 | 8 | 0)."""
    return _LOOKALIKE.sub(lambda m: m.group().translate(_AS_DIGIT), region)


def runs(text: str, start: int = 0, end: int | None = None) -> list[Run]:
    """Every run of numbers in ``text[start:end]``; a run's last digit followed by '.' or '、' is the
    next label's ordinal (…禁止公开00000002.危及…), not a cell, and a digit alone so followed is a
    heading's (4、政府信息公开行政复议…)."""
    out: list[Run] = []
    for m in _RUN.finditer(text, start, len(text) if end is None else end):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        if b < len(text) and text[b] in ".、．" and text[b - 1].isdigit():
            if b - a == 1:
                continue  # a heading's own ordinal: 4、政府信息公开行政复议…
            b -= 1
        if a < b:
            out.append(Run(text[a:b], a, b))
    return out


_GLUED_LABEL = re.compile(r"(?:(?![减增降])[\u4e00-\u9fff）)])[+\-−－]?\d")
_NUMBER_LINE = re.compile(r"^\s*(?:减少|增加|减|增)?\s*[+\-−－]?\d+(?:\.\d+)?\s*(?:万元|元)?\s*$", re.M)


# Numbers separated by spaces: cells a PDF extraction or a copy kept apart, for the spaced-row parser.
_SPACED = re.compile(r"\d[ ]+(?:减少|增加|减|增)?[+\-−－]?\d")
# A row's numbers kept apart by spaces and the next row's label after them on the same line (a page whose
# text was taken with a space between cells: 规章0 0 0规范性文件8 8 14): rows not on lines of their own.
_ROW_AFTER_ROW = re.compile(
    r"\d(?:[ ]+(?:减少|增加|减|增)?[+\-−－]?\d+(?:\.\d+)?)+[ ]*(?:万元|元)?[ ]*[\u4e00-\u9fff（(]"
)


def is_flat(region: str, glued: int = 2) -> bool:
    """True when a table region is glued text: no tab, no cell on a line of its own, and labels followed
    at once by their digits (规章000行政规范性文件8855698), with no numbers kept apart by spaces unless
    rows follow each other on a line (规章0 0 0规范性文件8 8 14: a space then starts a cell)."""
    return (
        "\t" not in region
        and len(_GLUED_LABEL.findall(region)) >= glued
        and len(_NUMBER_LINE.findall(region)) < 3
        and (_SPACED.search(region) is None or _ROW_AFTER_ROW.search(region) is not None)
    )


# ---------------------------------------------------------------- splitting a run


def _number(sign: str, digits: str, unit: str, kind: str) -> int | float | None:
    """The value of one cell's text, or None when it is not a well-formed number of its kind."""
    if not digits or digits[0] == "." or digits[-1] == ".":
        return None
    whole = digits.split(".")[0]
    if len(whole) > 1 and whole[0] == "0":
        return None
    if "." in digits and kind != Amount:
        return None
    if unit and kind != Amount:
        return None
    if sign and kind != Signed:
        return None
    value: int | float = float(digits) if "." in digits else int(digits)
    return -value if sign in _NEGATIVE else value


def splits(
    pieces: list[tuple[str, str, str]],
    kinds: tuple[str, ...],
    forced: dict[int, Callable[[list[int | float]], int | float]] | None = None,
) -> Iterator[list[int | float]]:
    """Every way to cut the pieces into ``len(kinds)`` well-formed cells. A piece's sign belongs to its
    first cell, its unit to its last; a forced cell (a total) must print the value its function gives
    from the cells before it."""
    forced = forced or {}
    k = len(kinds)

    def walk(p: int, at: int, idx: int, values: list[int | float]) -> Iterator[list[int | float]]:
        if idx == k:
            if p == len(pieces):
                yield list(values)
            return
        if p == len(pieces):
            return
        sign, digits, unit = pieces[p]
        first = at == 0
        rest = digits[at:]
        ends = range(1, len(rest) + 1)
        if idx in forced:
            want = forced[idx](values)
            text = _plain(want)
            ends = [len(text)] if rest.startswith(text) else []  # type: ignore[assignment]
        for n in ends:
            last = n == len(rest)
            if not last and (rest[n] == "." or rest[n - 1] == "."):
                continue
            value = _number(sign if first else "", rest[:n], unit if last else "", kinds[idx])
            if value is None or (idx in forced and value != forced[idx](values)):
                continue
            values.append(value)
            if last:
                yield from walk(p + 1, 0, idx + 1, values)
            else:
                yield from walk(p, at + n, idx + 1, values)
            values.pop()

    yield from walk(0, 0, 0, [])


def _plain(value: int | float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _agreed(
    solutions: list[list[int | float]], n: int, run: Run, what: str, basis: str
) -> tuple[list[Value], list[str]]:
    """Cells every solution agrees on, with the basis; the others None with the reason."""
    if not solutions:
        pieces = len(run.pieces())
        if pieces > 1 and _SPACED.search(run.text):
            # Numbers kept apart by spaces, fewer than the cells: some cells were blank, and where they
            # stood is lost with the layout.
            reason = (
                f"{what} prints '{run.text}', {pieces} numbers kept apart by spaces for {n} cells, and no split"
                f" fits {basis}: which cells are blank cannot be told"
            )
        else:
            reason = f"{what} prints '{run.text}' with no separator, and no split into {n} cells fits {basis}"
        return [Value(None, reason=reason) for _ in range(n)], [""] * n
    if len(solutions) >= _MAX_SOLUTIONS:
        reason = f"{what} prints '{run.text}' with no separator: too many splits into {n} cells to decide"
        return [Value(None, reason=reason) for _ in range(n)], [""] * n
    cells: list[Value] = []
    bases: list[str] = []
    for col in range(n):
        seen = {s[col] for s in solutions}
        if len(seen) == 1:
            cells.append(Value(seen.pop(), span=(run.start, run.end)))
            how = "the only split" if len(solutions) == 1 else f"all {len(solutions)} splits"
            bases.append(f"read from the glued '{run.text}': {how} into {n} cells fitting {basis} give it")
        else:
            cells.append(
                Value(
                    None,
                    reason=f"{what} prints '{run.text}' with no separator; {len(solutions)} splits into {n} cells "
                    f"fit {basis} and give this cell {len(seen)} values",
                )
            )
            bases.append("")
    return cells, bases


# ---------------------------------------------------------------- 第二十条 proactive table

_FIELD_KIND = {"change": Signed, "amount_wan_yuan": Amount}
_NOT_APPLICABLE = re.compile(
    r"\s*(?:[（(][^（）()]{0,12}[）)])?\s*(?:[/／]|——|—|-{1,2}|无|不适用)(?:\s*(?:[/／]|——|—|-{1,2}))*"
)


def parse_proactive(
    region: str, spec: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...], optional: set[str]
) -> tuple[dict[str, dict[str, Value]], list[DerivedCell]]:
    rows: dict[str, dict[str, Value]] = {}
    derived: list[DerivedCell] = []
    region = with_ocr_digits(region)
    pos = 0
    for key, aliases, fields in spec:
        found = None
        for alias in sorted(aliases, key=len, reverse=True):
            m = re.compile(re.escape(alias) + r"(?:[（(][^（）()]{0,12}[）)])?").search(region, pos)
            if m and (found is None or m.start() < found.start()):
                found = m
        if found is None:
            if key not in optional:
                rows[key] = {f: Value(None, reason=f"row '{key}' not found in the table") for f in fields}
            continue
        pos = found.end()
        mark = _NOT_APPLICABLE.match(region, pos)
        run = _RUN.match(region, pos)
        if run is None:
            why = (
                f"'{key}' row prints '{mark.group(0).strip()}' (not applicable)" if mark else f"'{key}' row: no numbers"
            )
            rows[key] = {f: Value(None, reason=why) for f in fields}
            continue
        r = Run(run.group(0).strip(), run.start(), run.end())
        pos = run.end()
        kinds = tuple(_FIELD_KIND.get(f, Count) for f in fields)
        solutions = _first(splits(r.pieces(), kinds))
        cells, bases = _agreed(solutions, len(fields), r, f"'{key}' row", "the columns' kinds")
        rows[key] = dict(zip(fields, cells, strict=True))
        derived += [
            DerivedCell("proactive", key, f, c.value, b)
            for f, c, b in zip(fields, cells, bases, strict=True)
            if c.value is not None and b
        ]
    return rows, derived


def _first(solutions: Iterator[list[int | float]]) -> list[list[int | float]]:
    out: list[list[int | float]] = []
    for s in solutions:
        out.append(s)
        if len(out) >= _MAX_SOLUTIONS:
            break
    return out


# ---------------------------------------------------------------- applications table

_NCOL = len(APPLICANT_COLUMNS)


def row_candidates(run: Run) -> tuple[list[list[int | float]], tuple[int, ...]]:
    """The splits of a row's run into seven counts whose last is the sum of the six before it, and the
    numbers of cells left blank that the splits assume (none). A run of fewer than seven digits cannot
    be seven cells: the row left cells blank (a table that leaves a column blank, as tables with a cell
    fewer in a row do), and every split into six or five counts is placed in every way among the seven
    columns and completed from the row's total (a missing part is the total less the others, a missing
    total their sum, the missing parts of a row that already adds up 0). A longer run that fits no split
    into seven stays without candidates: a row whose own total does not add up looks the same."""
    pieces = run.pieces()
    found = _first(splits(pieces, (Count,) * _NCOL, {_NCOL - 1: lambda v: sum(v[: _NCOL - 1])}))
    if found or sum(len(digits) for _, digits, _ in pieces) >= _NCOL:
        return found, ()
    vectors: list[list[int | float]] = []
    blanks: list[int] = []
    for missing in (1, 2):
        before = len(vectors)
        for printed in _first(splits(pieces, (Count,) * (_NCOL - missing))):
            for gaps in combinations(range(_NCOL), missing):
                vector = completed(printed, gaps)
                if vector is not None and vector not in vectors:
                    vectors.append(vector)
        if len(vectors) > before:
            blanks.append(missing)
    return vectors[:_MAX_SOLUTIONS], tuple(blanks)


def completed(printed: list[int | float | None], gaps: tuple[int, ...]) -> list[int | float] | None:
    """A row of seven counts with blanks at ``gaps`` filled from its own total (a missing part is the
    total less the others, a missing total their sum, several missing parts of a row that adds up 0), or
    None when that is not forced or impossible. A printed None is a cell to fill too."""
    it = iter(printed)
    row: list[int | float | None] = [None if col in gaps else next(it) for col in range(_NCOL)]
    parts, total = row[:-1], row[-1]
    known = sum(v for v in parts if v is not None)
    unknown = [i for i, v in enumerate(row) if v is None]
    if total is None:
        if len(unknown) != 1:
            return None
        row[-1] = known
    elif len(unknown) == 1:
        row[unknown[0]] = total - known
    elif known == total:
        for i in unknown:
            row[i] = 0  # counts are never negative: the blank parts of a row that adds up are 0
    else:
        return None
    if any(v is None or v < 0 or v != int(v) for v in row):
        return None
    return row  # type: ignore[return-value]


def solve_requests(
    row_runs: dict[str, Run], identities: list[list[tuple[str, int, int]]]
) -> tuple[dict[str, list[Value]], list[DerivedCell]]:
    """Cells of the applications table from each row's run, the rows' totals and the identities
    between rows: a cell is kept when every split of every row that fits all of them agrees on it."""
    found = {row: row_candidates(run) for row, run in row_runs.items()}
    candidates = {row: vectors for row, (vectors, _) in found.items()}
    capped = _cap_by_available(candidates)
    rows = [r for r in row_runs if 0 < len(candidates[r]) < _MAX_SOLUTIONS]
    ambiguous = [r for r in rows if len(candidates[r]) > 1]
    usable = [i for i in identities if all(r in rows for r, _, _ in i)]
    space = 1
    for r in ambiguous:
        space *= len(candidates[r])
    chosen: dict[str, list[list[int | float]]] = {r: candidates[r] for r in rows}
    basis_of = "its row total"
    if usable and ambiguous and space <= 200_000:
        fixed = {r: candidates[r][0] for r in rows if r not in ambiguous}
        surviving: dict[str, list[list[int | float]]] = {r: [] for r in ambiguous}
        any_fit = False
        for combo in product(*(candidates[r] for r in ambiguous)):
            grid = {**fixed, **dict(zip(ambiguous, combo, strict=True))}
            if all(sum(k * grid[r][c] for r, c, k in i) == 0 for i in usable):
                any_fit = True
                for r, vec in zip(ambiguous, combo, strict=True):
                    if vec not in surviving[r]:
                        surviving[r].append(vec)
        if any_fit:
            chosen.update(surviving)
            basis_of = "its row total and the table's identities between rows"
    table: dict[str, list[Value]] = {}
    derived: list[DerivedCell] = []
    for row, run in row_runs.items():
        blanks = found[row][1]
        basis = basis_of
        if row in capped:
            basis += ", no column above its 新收 + 上年结转"
        if blanks:
            n = " or ".join(str(_NCOL - b) for b in reversed(blanks))
            basis += f", read as {n} numbers (fewer than {_NCOL} digits) placed among the {_NCOL} columns"
        cells, bases = _agreed(chosen.get(row, candidates[row]), _NCOL, run, f"'{row}' row", basis)
        table[row] = cells
        derived += [
            DerivedCell("requests", row, APPLICANT_COLUMNS[i], c.value, b)
            for i, (c, b) in enumerate(zip(cells, bases, strict=True))
            if c.value is not None and b
        ]
    return table, derived


def _cap_by_available(candidates: dict[str, list[list[int | float]]]) -> set[str]:
    """Drop, in place, each row's splits that give a column more than its 新收 + 上年结转 (no outcome, no
    总计, no 结转下年度 can exceed what there was to handle), when those two rows are certain. Returns
    the rows so narrowed."""
    new, carried = candidates.get("新收", []), candidates.get("上年结转", [])
    if len(new) != 1 or len(carried) != 1:
        return set()
    available = [a + b for a, b in zip(new[0], carried[0], strict=True)]
    narrowed: set[str] = set()
    for row, vectors in candidates.items():
        if row in ("新收", "上年结转") or not 0 < len(vectors) < _MAX_SOLUTIONS:
            continue  # (a row with too many splits was cut short: what is left of it proves nothing)
        kept = [v for v in vectors if all(x <= cap for x, cap in zip(v, available, strict=True))]
        if len(kept) < len(vectors):
            candidates[row] = kept  # none left: the row cannot be read so (its cells stay None)
            narrowed.add(row)
    return narrowed


# ---------------------------------------------------------------- 行政复议 / 行政诉讼 table


def parse_review(region: str) -> tuple[list[Value], list[DerivedCell]] | None:
    """The 15 cells from the glued digits after the table's header, each block's 总计 its parts' sum."""
    found = runs(with_ocr_digits(region))
    if not found:
        return None
    run = Run(" ".join(r.text for r in found), found[0].start, found[-1].end)
    width = len(REVIEW_FIELDS)
    n = len(REVIEW_BLOCKS) * width
    forced = {b * width + width - 1: (lambda v, b=b: sum(v[b * width : b * width + width - 1])) for b in range(3)}
    solutions = _first(splits(run.pieces(), (Count,) * n, forced))
    cells, bases = _agreed(solutions, n, run, "复议/诉讼表", "each block's 总计")
    derived = [
        DerivedCell("review_litigation", REVIEW_BLOCKS[i // width], REVIEW_FIELDS[i % width], c.value, b)
        for i, (c, b) in enumerate(zip(cells, bases, strict=True))
        if c.value is not None and b
    ]
    return cells, derived
