"""The three statistics tables: 第二十条 proactive disclosure, applications, review and litigation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from indexer.model import (
    APPLICANT_COLUMNS,
    REVIEW_BLOCKS,
    REVIEW_FIELDS,
    DerivedCell,
    Value,
)
from indexer.parse import flat
from indexer.parse.cells import Token, is_tab_layout, parse_number, pick_reading, readings, tokenize

# ---------------------------------------------------------------- 第二十条 proactive table

PROACTIVE_2019: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("规章", ("规章",), ("new_made", "new_published", "total")),
    ("规范性文件", ("规范性文件", "行政规范性文件"), ("new_made", "new_published", "total")),
    ("行政许可", ("行政许可",), ("prev_items", "change", "decisions")),
    ("其他对外管理服务事项", ("其他对外管理服务事项",), ("prev_items", "change", "decisions")),
    ("行政处罚", ("行政处罚",), ("prev_items", "change", "decisions")),
    ("行政强制", ("行政强制",), ("prev_items", "change", "decisions")),
    ("行政事业性收费", ("行政事业性收费",), ("prev_items", "change")),
    ("政府集中采购", ("政府集中采购",), ("items", "amount_wan_yuan")),
)
PROACTIVE_2021: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("规章", ("规章",), ("issued", "repealed", "in_force")),
    ("行政规范性文件", ("行政规范性文件", "规范性文件"), ("issued", "repealed", "in_force")),
    ("行政许可", ("行政许可",), ("decisions",)),
    ("其他对外管理服务事项", ("其他对外管理服务事项",), ("decisions",)),
    ("行政处罚", ("行政处罚",), ("decisions",)),
    ("行政强制", ("行政强制",), ("decisions",)),
    ("行政事业性收费", ("行政事业性收费",), ("amount_wan_yuan",)),
    ("政府集中采购", ("政府集中采购",), ("items", "amount_wan_yuan")),
)
# Rows the 2021 template does not print; absent means absent, not missing.
_OPTIONAL_2021 = {"其他对外管理服务事项", "政府集中采购"}

_COMPACT = re.compile(r"\s+")
# A note after a row's label: 规章（县级无此项）.
_LABEL_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
# Space-separated numbers glued to a label: "行政许可447 32 2705".
_NUM = r"(?:减少|减|增加|增|下降|新增)?[+\-−]?\d+(?:\.\d+)?(?:万元|元)?"
# Cells run together once spaces go: "246减45 52772" is 246 | 减45 | 52772.
_CELL_GAP = r"(?:\s+|(?=减少|减|增加|增|下降|新增))"
_GLUED = re.compile(rf"^(?P<label>.*?[^\d\s.+\-−])?\s*(?P<nums>{_NUM}(?:{_CELL_GAP}{_NUM})+)$")


def _row_label(text: str) -> str:
    """A 第二十条 row's label as the spec names it: without spaces or a note after it."""
    return _LABEL_NOTE.sub("", _COMPACT.sub("", text))


_LABEL_DIGITS = re.compile(r"(?<=[\u4e00-\u9fff）)”\"])(?:0+|[1-9])$")


def _split_label_digits(tokens: list[Token]) -> list[Token]:
    """OCR reads a row's first cell into its label when they stand close: "予以公开0", "政府信息00". A
    label of the template never ends with a digit, so trailing zeros (each a cell: no number begins with
    0) or one digit are cells; a longer run could be split several ways and stays text."""
    return _split_tail(tokens, lambda text: (m := _LABEL_DIGITS.search(text)) and m.start(), digits_apart=True)


def _split_tail(tokens: list[Token], tail: Callable[[str], int | None], digits_apart: bool = False) -> list[Token]:
    """Each text cell whose end ``tail`` finds digits at (their offset in it) as its text and the number
    after it, or each of the digits a cell of its own (``digits_apart``)."""
    out: list[Token] = []
    for t in tokens:
        at = tail(t.text) if t.number is None else None
        if not at:
            out.append(t)
            continue
        cut = t.start + at
        out.append(Token(t.text[:at], t.line, t.field, None, None, t.blank_lines_before, t.start, cut))
        digits = t.text[at:]
        for i, part in enumerate(digits if digits_apart else [digits]):
            a = cut + (i if digits_apart else 0)
            out.append(
                Token(part, t.line, t.field + (i + 1 if digits_apart else 0), int(part), None, 0, a, a + len(part))
            )
    return out


def _split_glued(tokens: list[Token], labels: tuple[str, ...] = ()) -> list[Token]:
    """Cells a space-separated extraction glued together: "行政许可447 32 2705", "政府集中采购45996.82万元"."""
    out: list[Token] = []
    for t in tokens:
        m = _GLUED.match(t.text) if t.number is None else None
        if m is None and t.number is None:
            m = next(
                (
                    re.match(rf"^(?P<label>{re.escape(a)})\s*(?P<nums>{_NUM})$", t.text)
                    for a in labels
                    if t.text.startswith(a)
                ),
                None,
            )
        if m is None:
            out.append(t)
            continue
        if m.group("label"):
            a, b = m.span("label")
            label = m.group("label").strip()
            out.append(Token(label, t.line, t.field, None, None, t.blank_lines_before, t.start + a, t.start + b))
        base = t.start + m.start("nums")
        for i, num in enumerate(re.finditer(_NUM, m.group("nums"))):
            value, unit = parse_number(num.group()) or (None, None)
            a, b = base + num.start(), base + num.end()
            out.append(Token(num.group(), t.line, t.field + i + 1, value, unit, 0, a, b))
    return out


def parse_proactive(
    region: str, template: str, ocr: bool = False
) -> tuple[dict[str, dict[str, Value]], list[DerivedCell], list[str]]:
    """The 第二十条 table from its region of text: every field a value or None with a reason. ``ocr``:
    a row label one character off its name (政府集中来购) is that row when no other row's name is as
    close, and a warning says the label was read tolerantly."""
    spec = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    if flat.is_flat(region):
        rows, derived = flat.parse_proactive(region, spec, _OPTIONAL_2021 if template == "2021" else set())
        return rows, derived, ["第二十条表: 网页抓取文本, 单元格无分隔, 按列数与数字格式拆分"]
    labels = {alias: key for key, aliases, _ in spec for alias in aliases}
    tokens = _join_wrapped_labels(_split_glued(tokenize(region), tuple(sorted(labels, key=len, reverse=True))), labels)
    tokens = _rejoin_split_decimals(tokens, 0)  # an amount cut after its decimal point (9742. | 62万元)
    rows: dict[str, dict[str, Value]] = {}
    warnings: list[str] = []
    i = 0
    read: list[Token] = []  # the numbers some row took
    first: int | None = None  # where the first row's label stands
    short = False  # some row printed fewer numbers than it has columns
    for key, aliases, fields in spec:
        at = next(
            (j for j in range(i, len(tokens)) if _row_label(tokens[j].text) in aliases),
            None,
        )
        if at is None and ocr:
            at = next((j for j in range(i, len(tokens)) if _one_off(_row_label(tokens[j].text), aliases, labels)), None)
            if at is not None:
                warnings.append(f"第二十条表: OCR 行标签 '{tokens[at].text}' 与 '{key}' 一字之差, 按 '{key}' 读")
        if at is None:
            if not (template == "2021" and key in _OPTIONAL_2021):
                rows[key] = {f: Value(None, reason=f"row '{key}' not found in the table") for f in fields}
            continue
        first = at if first is None else first
        i = at + 1
        numbers: list[Token] = []
        while i < len(tokens) and tokens[i].number is not None:
            numbers.append(tokens[i])
            i += 1
        read += numbers
        if len(numbers) > len(fields):
            numbers = _rejoin_split_decimals(numbers, len(numbers) - len(fields))
        numbers = pick_reading(numbers, _of_width(len(fields)))
        marks = [t.text for t in tokens[i : i + len(fields)] if t.text in _NOT_APPLICABLE]
        if not numbers and len(marks) == len(fields):  # 规章 / / /: a county makes no 规章
            reasons = (f"'{key}' row prints '{m}' (not applicable)" for m in marks)
            rows[key] = {f: Value(None, reason=r) for f, r in zip(fields, reasons, strict=True)}
            continue
        short = short or len(numbers) < len(fields)
        if i < len(tokens) and _row_label(tokens[i].text) not in labels and not numbers:
            warnings.append(f"第二十条表 '{key}' 行没有数字")
        rows[key] = _place_proactive(key, fields, numbers)
    if first is not None and short and not is_tab_layout(region):
        taken = set(map(id, read))
        widest = max(len(fields) for _, _, fields in spec)
        strays = _stray_runs([t if t.number is not None and id(t) not in taken else None for t in tokens[first:]])
        if any(len(run) > widest for run in strays):
            reason = _LOST_LAYOUT.format(" ".join(t.text for t in max(strays, key=len)[:8]))
            rows = {key: {f: Value(None, reason=reason) for f in cells} for key, cells in rows.items()}
            warnings.append("第二十条表: 文本失去了表格版式, 数字与行标签分离, 不读数字")
    return rows, [], warnings


# A text made from a PDF without its layout (pdfminer's and markitdown's text: each cell a box, the boxes
# in an order of their own) puts row labels in one place and numbers in another: numbers follow a
# column's header, row labels follow each other with no number between them. A row's numbers are then
# not the numbers after its label, so none is read. Fewer numbers apart than a row has cells may be a
# page's number or a row whose label OCR misread (行政强制 | 过 | 3 | 6): not a lost layout.
_LOST_LAYOUT = (
    "the text lost the table's layout (numbers stand apart from their row labels: {} …),"
    " so no number can be placed in its row; the original PDF or page keeps the layout"
)


def _stray_runs(tokens: list[Token | None]) -> list[list[Token]]:
    """The runs of consecutive stray numbers (None stands for any other cell)."""
    runs: list[list[Token]] = [[]]
    for t in tokens:
        if t is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(t)
    return [r for r in runs if r]


def _join_wrapped_labels(tokens: list[Token], labels: dict[str, str]) -> list[Token]:
    """A row label wrapped over lines (one cell a line from a narrow column: 其他对外管理服 / 务事项), or
    split over cells of its row by a converter that saw a column border inside it (行政规范性 | 文件 | 12),
    is one label cell when its pieces, joined, are the label."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        joined = None
        if t.number is None and _row_label(t.text) not in labels:
            text = t.text
            for j in range(k + 1, min(k + 4, len(tokens))):
                a, b = tokens[j - 1], tokens[j]
                beside = b.line == a.line and b.field > a.field
                if b.number is not None or not (b.line == a.line + 1 or beside):
                    break
                text += tokens[j].text
                if _row_label(text) in labels:
                    joined = j
                    break
        if joined is None:
            out.append(t)
            k += 1
            continue
        last = tokens[joined]
        text = "".join(x.text for x in tokens[k : joined + 1])
        out.append(Token(text, last.line, t.field, None, None, t.blank_lines_before, t.start, last.end))
        k = joined + 1
    return out


_DECIMAL_HEAD = re.compile(r"\d+\.\d*")
_DECIMAL_TAIL = re.compile(r"\d+(?:万元|元)?")


def _rejoin_split_decimals(numbers: list[Token], surplus: int) -> list[Token]:
    """Amounts a converter cut at a column border it saw inside them, each pair side by side in a row made
    one number: always where the first piece ends in its decimal point (9742. | 62万元: no cell of its
    own), and, up to ``surplus`` times, where a row prints more numbers than it has cells (746.7 | 5万元:
    the cell after a decimal is its last digits, and no count has decimals)."""
    out: list[Token] = []
    for t in numbers:
        a = out[-1] if out else None
        if (
            a is not None
            and (surplus or a.number is None)  # "9742." is no cell of its own
            and a.line == t.line
            and t.field == a.field + 1
            and _DECIMAL_HEAD.fullmatch(a.text)
            and _DECIMAL_TAIL.fullmatch(t.text)
            and (parsed := parse_number(a.text + t.text)) is not None
        ):
            text = a.text + t.text
            out[-1] = Token(text, a.line, a.field, parsed[0], parsed[1], a.blank_lines_before, a.start, t.end)
            surplus -= a.number is not None
            continue
        out.append(t)
    return out


def _of_width(n: int) -> Callable[[list[Token]], bool]:
    return lambda cells: len(cells) == n


def _one_off(label: str, aliases: tuple[str, ...], labels: dict[str, str]) -> bool:
    """OCR's one-character confusion of a row's name: as long as one of ``aliases``, differing from it in
    one character that is not its first, and not that close to any other row's name."""

    def close(name: str) -> bool:
        return len(name) == len(label) >= 4 and sum(a != b for a, b in zip(name, label, strict=True)) == 1

    return (
        any(close(a) and a[0] == label[0] for a in aliases)
        and label not in labels
        and not any(close(other) for other in labels if other not in aliases)
    )


# What a cell prints for "not applicable" (the 2021 template's 规章 row of a county, for one).
_NOT_APPLICABLE = frozenset(("/", "／", "—", "——", "-", "--", "无", "不适用"))


def _place_proactive(key: str, fields: tuple[str, ...], numbers: list[Token]) -> dict[str, Value]:
    if len(numbers) == len(fields):
        return {f: Value(_in_wan_yuan(f, t), span=t.span) for f, t in zip(fields, numbers, strict=True)}
    if "amount_wan_yuan" in fields and len(numbers) == 1 and numbers[0].unit in ("万元", "元"):
        # The one printed number carries a money unit, so it can only be the amount.
        out = {f: Value(None, reason=f"'{key}' row prints only the amount '{numbers[0].text}'") for f in fields}
        out["amount_wan_yuan"] = Value(_in_wan_yuan("amount_wan_yuan", numbers[0]), span=numbers[0].span)
        return out
    printed = " ".join(t.text for t in numbers) or "nothing"
    reason = f"'{key}' row prints {len(numbers)} numbers ({printed}) for {len(fields)} columns"
    return {f: Value(None, reason=reason) for f in fields}


def _in_wan_yuan(field_name: str, token: Token) -> int | float:
    assert token.number is not None
    if field_name == "amount_wan_yuan" and token.unit == "元":
        return round(token.number / 10000, 6)
    return token.number


# ---------------------------------------------------------------- applications table

_REQUEST_HEAD: tuple[tuple[str, str], ...] = (
    ("新收", r"新收|本年新"),
    ("上年结转", r"上年结转|上年结"),
    ("予以公开", r"予以公开"),
    ("部分公开", r"部分公开"),
    ("不予公开.国家秘密", r"国家秘密"),
    ("不予公开.法律法规禁止", r"法律行政法规|法规禁止"),
    ("不予公开.三安全一稳定", r"三安全"),
    ("不予公开.第三方合法权益", r"第三方"),
    ("不予公开.内部事务", r"内部事务"),
    ("不予公开.过程性信息", r"过程性"),
    ("不予公开.行政执法案卷", r"执法案卷"),
    ("不予公开.行政查询事项", r"行政查询|查询事项"),
    ("无法提供.不掌握", r"不掌握"),
    ("无法提供.需另行制作", r"另行制作|没有现成"),
    ("无法提供.补正后仍不明确", r"补正后|仍不明确"),
    ("不予处理.信访举报投诉", r"信访|举报投诉"),
    ("不予处理.重复申请", r"重复申请"),
    ("不予处理.公开出版物", r"出版物"),
    ("不予处理.大量反复申请", r"大量反复|反复申请"),
    ("不予处理.确认或重新出具", r"重新出具|确认或"),
)
_REQUEST_2019_TAIL = (("其他处理", r"其他处理"),)
_REQUEST_2021_TAIL = (
    ("其他处理.逾期不补正", r"逾期不补正|不补正"),
    ("其他处理.逾期未缴费", r"逾期未按|缴纳费用|未缴费|逾期未缴"),
    ("其他处理.其他", r"(?:^|[\s\d.、．)）])其他\s*$"),
)
_REQUEST_END = (("总计", r"总计|合计"), ("结转下年度", r"结转下年|下年度"))
REQUEST_ROWS_2019 = tuple(k for k, _ in _REQUEST_HEAD + _REQUEST_2019_TAIL + _REQUEST_END)
REQUEST_ROWS_2021 = tuple(k for k, _ in _REQUEST_HEAD + _REQUEST_2021_TAIL + _REQUEST_END)
OUTCOME_ROWS_2019 = REQUEST_ROWS_2019[2:-2]
OUTCOME_ROWS_2021 = REQUEST_ROWS_2021[2:-2]
_NCOL = len(APPLICANT_COLUMNS)
_MARKS_2021 = re.compile(r"逾期不补正|逾期未按收费|缴纳费用")


def requests_template(region: str) -> str | None:
    """'2021' when the table splits （六）其他处理, '2019' when it prints it as one row."""
    if _MARKS_2021.search(region):
        return "2021"
    if re.search(r"其他处理", region):
        return "2019"
    return None


@dataclass
class _Unit:
    """A printed row: the label text before it and the numbers it carries."""

    label: str
    numbers: list[Token] = field(default_factory=list)
    row: str | None = None
    width: int = 0  # tab fields on the line of its last number, empty ones included
    # Digits glued to the end of the label ("（七）总计3"): the row's first cell when a converter put it in
    # the label's cell, taken when the row is a cell short without them.
    lead: Token | None = None
    # A line of text right after the row that starts with no row number: the end of the row's label when
    # it wrapped (5.要求行政机关确认 | 或重新出具已获取信息), read only when the label alone names no row.
    wrapped: str = ""


def _units(tokens: list[Token], widths: list[int], row_per_line: bool, warnings: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    label: list[str] = []
    last_label: Token | None = None
    current: _Unit | None = None
    # The field of the last text cell on each line: a number before it is a stray, not a cell.
    last_text_field: dict[int, int] = {}
    for t in tokens:
        if t.number is None:
            last_text_field[t.line] = t.field
    number_lines = {t.line for t in tokens if t.number is not None}
    for k, t in enumerate(tokens):
        if t.number is None:
            if current is not None:
                units.append(current)
                current = None
            if (
                row_per_line
                and not label
                and units
                and units[-1].numbers[-1].line == t.line - 1
                and t.line not in number_lines
                and not _ENUMERATED.match(t.text)
            ):
                units[-1].wrapped = t.text  # maybe the rest of the row's label, on a line of its own
            label.append(t.text)
            last_label = t
            continue
        following = tokens[k + 1].text if k + 1 < len(tokens) else ""
        complete = current is not None and len(current.numbers) >= _NCOL
        if not row_per_line and complete and following.startswith((f"{t.text}.", f"{t.text}、", f"{t.text}．")):
            warnings.append(f"申请表: 序号前多出的数字 '{t.text}' 不是单元格, 已忽略")
            continue  # an OCR'd copy of the next label's own number: "4" before "4.无正当理由…"
        if row_per_line:
            if last_text_field.get(t.line, -1) > t.field:
                warnings.append(f"申请表: 标签前的数字 '{t.text}' 不是单元格, 已忽略")
                continue
            if current is not None and current.numbers[-1].line != t.line:
                units.append(current)
                current = None
        elif current is not None and t.blank_lines_before and len(current.numbers) >= _NCOL:
            units.append(current)
            current = None
        if current is None:
            current = _Unit(" ".join(label), lead=_glued_lead(last_label, t))
            label = []
        current.numbers.append(t)
    if current is not None:
        units.append(current)
    for u in units:
        u.width = widths[u.numbers[-1].line]
    return _merge_wrapped(units)


# Every row label of the applications table starts with its number: 一、 （三） 1. (and a header line
# with 自然人, 申请人情况); a line of text that does not follow a row wrapped from its label.
_ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|自然人|申请人|商业企业)"
)
_LEAD_DIGITS = re.compile(r"(?<=[\u4e00-\u9fff）)”\"])[1-9]\d*$|(?<=[\u4e00-\u9fff）)”\"])0$")


def _glued_lead(label: Token | None, first: Token) -> Token | None:
    """The number glued to the end of a label cell on the same line as the row's first number."""
    if label is None or label.line != first.line:
        return None
    m = _LEAD_DIGITS.search(label.text)
    if m is None:
        return None
    at = label.start + m.start()
    return Token(m.group(), label.line, label.field, int(m.group()), None, 0, at, at + len(m.group()))


def _merge_wrapped(units: list[_Unit]) -> list[_Unit]:
    """A row whose numbers wrapped onto an unlabelled next line is one row."""
    out: list[_Unit] = []
    for u in units:
        if out and not u.label.strip() and len(out[-1].numbers) + len(u.numbers) == _NCOL:
            out[-1].numbers += u.numbers
        else:
            out.append(u)
    return out


# Numbers a space apart inside a label's text: a row that was not read as one (its label garbled).
_UNREAD_ROW = re.compile(r"\d+(?: \d+){2,}")


def _assign_rows(units: list[_Unit], specs: tuple[tuple[str, str], ...], warnings: list[str]) -> None:
    order = [k for k, _ in specs]
    patterns = [(k, re.compile(p)) for k, p in specs]
    last = -1
    for u in units:
        best: tuple[int, int] | None = None  # (match start, row index)
        for label in (u.label, u.label + u.wrapped) if u.wrapped else (u.label,):
            # A row's name before numbers left unread is not this row's; a label wrapped over lines is
            # one word; the header's column names (其他, 总计) name no row.
            label = _label_words(_UNREAD_ROW.split(label)[-1])
            for idx, (_, pat) in enumerate(patterns):
                for m in pat.finditer(label):
                    if best is None or m.start() > best[0]:
                        best = (m.start(), idx)
            if best is not None:
                break
        if best is not None and best[1] > last:
            u.row = order[best[1]]
            last = best[1]
    # Rows whose label was lost (OCR) take their place between two recognised rows.
    anchors = [(-1, -1)] + [(i, order.index(u.row)) for i, u in enumerate(units) if u.row] + [(len(units), len(order))]
    for (ui, ri), (uj, rj) in zip(anchors, anchors[1:], strict=False):
        gap_units = [u for u in units[ui + 1 : uj] if u.row is None]
        if gap_units and len(gap_units) == rj - ri - 1:
            for u, r in zip(gap_units, order[ri + 1 : rj], strict=True):
                u.row = r
        elif gap_units:
            texts = "; ".join(f"'{u.label[-20:]}' {[t.text for t in u.numbers]}" for u in gap_units)
            warnings.append(f"申请表: 无法确定所属行的数字行: {texts}")


def parse_requests(
    region: str, template: str, ocr: bool = False
) -> tuple[dict[str, list[Value]], list[DerivedCell], list[str]]:
    """The applications table: 7 applicant columns per row, None where a cell cannot be proven.

    ``ocr``: the text was read by OCR, where a row short of numbers may have had a cell misread as a
    character (1 read as 由) rather than left blank. A row one number short is placed by arithmetic all
    the same: whether its missing cell was blank or misread, the row total gives its value, and only the
    cells every admissible placement agrees on are kept. A row shorter than that is not placed: two cells
    lost may be a total and a part that the total no longer shows (1 … 1 read as 由 … |)."""
    warnings: list[str] = []
    specs = _REQUEST_HEAD + (_REQUEST_2021_TAIL if template == "2021" else _REQUEST_2019_TAIL) + _REQUEST_END
    outcome_rows = OUTCOME_ROWS_2021 if template == "2021" else OUTCOME_ROWS_2019
    if flat.is_flat(region):
        return _parse_flat_requests(region, specs, outcome_rows, warnings)
    tab = is_tab_layout(region)
    tokens = _split_glued(tokenize(region))
    if ocr:
        tokens = _split_label_digits(tokens)
    widths = [len(line.split("\t")) for line in region.split("\n")]
    units = _split_piled(_units(tokens, widths, tab, warnings), specs, tab)
    _assign_rows(units, specs, warnings)
    lost = None if tab else _piled_labels(units, specs)
    if lost is not None:
        reason = _LOST_LAYOUT.format(lost)
        warnings.append("申请表: 文本失去了表格版式, 数字与行标签分离, 不读数字")
        return {k: [Value(None, reason=reason) for _ in range(_NCOL)] for k, _ in specs}, [], warnings
    span_of = _grid_span(units) if tab else None
    grid: dict[str, list[Value]] = {}
    derived: list[DerivedCell] = []
    pending: list[_Unit] = []
    unplaced: dict[str, list[Token]] = {}  # rows whose printed digits could not be placed
    for u in units:
        if u.row is None or u.row in grid:
            continue
        u.numbers = pick_reading(u.numbers, _row_sums)
        if u.lead is not None and len(u.numbers) == _NCOL - 1:
            u.numbers = [u.lead, *u.numbers]  # no label of the template ends with a digit
        if len(u.numbers) == _NCOL:
            grid[u.row] = [Value(t.number, span=t.span) for t in u.numbers]
        elif len(u.numbers) > _NCOL:
            printed = " ".join(t.text for t in u.numbers)
            reason = f"'{u.row}' row prints {len(u.numbers)} numbers ({printed}) for {_NCOL} columns"
            grid[u.row] = [Value(None, reason=reason) for _ in range(_NCOL)]
        else:
            pending.append(u)
    for u in pending:
        assert u.row is not None
        if ocr and len(u.numbers) < _NCOL - 1:
            printed = " ".join(t.text for t in u.numbers) or "nothing"
            reason = (
                f"OCR'd '{u.row}' row shows {len(u.numbers)} numbers ({printed}) for {_NCOL} columns:"
                " a misread cell cannot be told from a blank one"
            )
            grid[u.row] = [Value(None, reason=reason) for _ in range(_NCOL)]
            continue
        merged = next((t for t in u.numbers if t.parts), None)
        if merged is not None:  # "3 0": one number spaced out, or two cells merged; a blank, or none
            reason = (
                f"'{u.row}' row prints '{merged.text}', one number or two, and {len(u.numbers)} numbers for"
                f" {_NCOL} columns: which cells are blank cannot be told"
            )
            grid[u.row] = [Value(None, reason=reason) for _ in range(_NCOL)]
            unplaced[u.row] = u.numbers
            continue
        limit = _available(grid) if u.row in (*outcome_rows, "总计", "结转下年度") else None
        placed = _place_by_field(u, span_of(u), limit, derived) if span_of is not None else None
        grid[u.row] = placed or _place_by_arithmetic(u, limit, derived)
        if ocr:  # what the identities later derive for it was blank or misread, not certainly blank
            for cell in grid[u.row]:
                if cell.value is None and cell.reason:
                    cell.reason = f"OCR'd text: {cell.reason}"
    _derive_printed(grid, outcome_rows, derived, unplaced)
    order = [k for k, _ in specs]
    return {k: grid[k] for k in order if k in grid}, derived, warnings


# The header's applicant columns, and the two after them that are rows' names too: what names a row
# comes after them.
_HEADER_END = re.compile(r"自然人|商业企业|科研机构|社会公益组织|法律服务机构")
_HEADER_TAIL = re.compile(r"^(?:其他)?(?:总计)?")


def _split_piled(units: list[_Unit], specs: tuple[tuple[str, str], ...], tab: bool) -> list[_Unit]:
    """Rows that a converter put together: one unit naming k rows, with m ≤ k whole rows of numbers,
    each adding up to its total, is the last m of those rows. The numbers are the rows' one after
    another when read one cell a line (pdftotext's text of a PDF: "（七）总计 | 四、结转下年度继续办理 |
    13 2 0 0 0 0 15 | 0 0 0 0 0 0 0"; the rows before had their numbers before their labels, or were
    blank), or stacked k to a cell in the row's seven cells (two rows merged into one, "0<br>0").
    Numbers that are not whole rows are left as they are."""
    out: list[_Unit] = []
    k = 0
    while k < len(units):
        u = units[k]
        named = _named_rows(u.label, specs)
        bare = 0
        while k + 1 + bare < len(units) and not units[k + 1 + bare].label.strip():
            bare += 1
        numbers = [t for v in units[k : k + 1 + bare] for t in v.numbers]
        rows = _stacked(numbers, len(named)) if len(named) >= 2 else None
        if rows is None and not tab and len(named) >= 2:
            rows = [numbers[i : i + _NCOL] for i in range(0, len(numbers), _NCOL)]
        if (
            rows is not None
            and 0 < len(numbers) <= len(named) * _NCOL
            and all(map(_row_sums, rows))
            and not (bare and _room_after(units[k + 1 + bare :], named[-1], specs) == bare)
        ):
            last = units[k + bare]
            named = named[len(named) - len(rows) :]  # rows printed before their labels stood have none here
            out += [_Unit(label, row, width=last.width) for label, row in zip(named, rows, strict=True)]
            k += 1 + bare
            continue
        out.append(u)
        k += 1
    return out


def _room_after(rest: list[_Unit], label: str, specs: tuple[tuple[str, str], ...]) -> int:
    """How many rows the template has between the row ``label`` names and the next unit that names one:
    when the unlabelled numbers after a pile are as many rows, they may as well be those rows with
    their labels lost (a blank row, then OCR), and the pile is not split."""

    def index(text: str) -> int | None:
        return next((i for i, (_, pattern) in enumerate(specs) if re.search(pattern, text)), None)

    here = index(label)
    after = next((i for u in rest if (i := index(_label_words(u.label))) is not None), len(specs))
    return after - here - 1 if here is not None else -1


def _stacked(numbers: list[Token], k: int) -> list[list[Token]] | None:
    """k rows from numbers on one line stacked k to a cell in seven cells, or None."""
    if len({t.line for t in numbers}) != 1:
        return None
    cells: dict[int, list[Token]] = {}
    for t in numbers:
        cells.setdefault(t.field, []).append(t)
    if len(cells) != _NCOL or any(len(c) != k for c in cells.values()):
        return None
    return [[cells[f][i] for f in sorted(cells)] for i in range(k)]


def _label_words(label: str) -> str:
    """A unit's label as its rows' names are looked for in it: its pieces wrapped over lines one word,
    and only what follows the table's header when it holds the header (its applicant columns)."""
    text = _SPACES.sub("", label)
    header = [m.end() for m in _HEADER_END.finditer(text)]
    if not header:
        return text
    text = text[header[-1] :]
    m = _HEADER_TAIL.match(text)
    return text[m.end() :] if m else text


_SPACES = re.compile(r"\s+")


def _named_rows(label: str, specs: tuple[tuple[str, str], ...]) -> list[str]:
    """The pieces of a label that each name one row, in the template's order (after the table's header,
    when the label holds it); [] when the rows it names are out of order or overlap."""
    return list(_named_rows_of(label, specs))


@lru_cache(maxsize=1 << 12)  # the template's labels recur in every report
def _named_rows_of(label: str, specs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    text = _label_words(label)
    found: list[tuple[int, int]] = []  # (where, row index)
    for idx, (_, pattern) in enumerate(specs):
        m = re.search(pattern, text)
        if m:
            found.append((m.start(), idx))
    found.sort()
    if any(b[1] <= a[1] for a, b in zip(found, found[1:], strict=False)):
        return ()
    starts = [0] + [at for at, _ in found[1:]] + [len(text)]
    return tuple(text[a:b] for a, b in zip(starts, starts[1:], strict=False))[: len(found)]


# Rows whose names are also the columns' (总计, 其他): the header names them too.
_COLUMN_NAMED = ("总计", "其他处理.其他")


def _piled_labels(units: list[_Unit], specs: tuple[tuple[str, str], ...]) -> str | None:
    """What shows that a text read one cell a line lost the table's layout, or None: the labels of
    several rows stand together with no number between them, and numbers with no label before them (a
    run longer than a row) that the rows' order does not place. A blank row alone gives the first, a
    lost label alone the second; labels moved away from rows that kept their numbers (pdftotext's text
    across a page) leave numbers that the rows' order places."""
    patterns = [re.compile(p) for k, p in specs if k not in _COLUMN_NAMED]
    piled = next((u for u in units if sum(1 for p in patterns if p.search(u.label)) >= 2), None)
    bare = next((u for u in units if not u.label.strip() and u.row is None and len(u.numbers) >= _NCOL), None)
    if piled is None or bare is None:
        return None
    return " ".join(t.text for t in bare.numbers[:8])


def _row_sums(numbers: list[Token]) -> bool:
    """Seven cells whose last is the sum of the six before it."""
    values = [t.number for t in numbers]
    return len(values) == _NCOL and sum(v or 0 for v in values[:-1]) == values[-1]


def _parse_flat_requests(
    region: str, specs: tuple[tuple[str, str], ...], outcome_rows: tuple[str, ...], warnings: list[str]
) -> tuple[dict[str, list[Value]], list[DerivedCell], list[str]]:
    """The table of a flattened page: each run of glued digits is the row whose label precedes it."""
    region = flat.with_ocr_digits(region)
    found = flat.runs(region)
    units = [_Unit(region[(found[i - 1].end if i else 0) : run.start]) for i, run in enumerate(found)]
    _assign_rows(units, specs, warnings)
    row_runs: dict[str, flat.Run] = {}
    for u, run in zip(units, found, strict=True):
        if u.row is not None and u.row not in row_runs:
            row_runs[u.row] = run
    grid, derived = flat.solve_requests(row_runs, _identities(set(row_runs), outcome_rows))
    warnings.append("申请表: 网页抓取文本, 单元格无分隔, 按行合计与表内勾稽关系拆分")
    order = [k for k, _ in specs]
    return {k: grid[k] for k in order if k in grid}, derived, warnings


def _grid_span(units: list[_Unit]) -> Callable[[_Unit], tuple[int, int]] | None:
    """Where a row's cells sit among its tab fields, when nine in ten complete rows agree: the same
    fields in every row (a true grid), or the last seven fields of each line (a label spanning two
    fields in some rows: 三、本年度办理结果 | （一）予以公开 | …). Without a complete row, the last
    seven fields when every printed row has them."""
    full = [u for u in units if len(u.numbers) == _NCOL]
    if full:
        spans = Counter((u.numbers[0].field, u.numbers[-1].field) for u in full)
        (first, last), count = spans.most_common(1)[0]
        if last - first == _NCOL - 1 and count * 10 >= len(full) * 9:
            return lambda u: (first, last)
        if sum(_last_fields(u) == (u.numbers[0].field, u.numbers[-1].field) for u in full) * 10 >= len(full) * 9:
            return _last_fields
        return None
    # No row prints all seven (a web page leaves zeros blank): every row that prints a number must
    # still carry a label and seven fields, its numbers among the last seven (its width is that of its
    # last number's line, so none lies beyond them).
    printed = [u for u in units if u.numbers and u.row is not None]
    if len(printed) >= 3 and all(u.width > _NCOL and u.numbers[0].field >= _last_fields(u)[0] for u in printed):
        return _last_fields
    return None


def _last_fields(u: _Unit) -> tuple[int, int]:
    """The last seven tab fields of a row's line."""
    return u.width - _NCOL, u.width - 1


def _place_by_field(
    u: _Unit, span: tuple[int, int], limit: list[int | float] | None, derived: list[DerivedCell]
) -> list[Value] | None:
    """Cells placed by their tab field, when that placement passes the row's own arithmetic."""
    # Only a row printed across the whole grid shows where its blank cells are; a shorter row lost cells.
    if u.width <= span[1] or span[0] < 0 or not all(span[0] <= t.field <= span[1] for t in u.numbers):
        return None
    row: list[int | float | None] = [None] * _NCOL
    spans: list[tuple[int, int] | None] = [None] * _NCOL
    for t in u.numbers:
        row[t.field - span[0]] = t.number
        spans[t.field - span[0]] = t.span
    gaps = tuple(i for i, v in enumerate(row) if v is None)
    printed_at = [i for i, v in enumerate(row) if v is not None]
    if gaps and printed_at and min(gaps) > max(printed_at):
        return None  # blanks only after the last number: a short row padded to the grid, not a blank total
    filled = flat.completed([v for v in row if v is not None], gaps)
    if filled is None:
        known_parts = sum(v for v in row[:-1] if v is not None)
        if row[-1] is not None and known_parts > row[-1]:
            return None
        blank = f"cell of '{u.row}' is blank in the printed table"
        return [
            Value(v, span=at) if v is not None else Value(None, reason=blank) for v, at in zip(row, spans, strict=True)
        ]
    if limit is not None and any(v > cap for v, cap in zip(filled, limit, strict=True)):
        return None
    for g in gaps:
        basis = f"blank in the printed table; forced by the row total of '{u.row}'"
        derived.append(DerivedCell("requests", u.row or "", APPLICANT_COLUMNS[g], filled[g], basis))
    return [Value(v, derived=i in gaps, span=spans[i] or _row_span(u)) for i, v in enumerate(filled)]


def _row_span(u: _Unit) -> tuple[int, int] | None:
    """Where a row's printed numbers are: the passage a cell placed or derived from them comes from."""
    return (u.numbers[0].start, u.numbers[-1].end) if u.numbers else None


def _available(grid: dict[str, list[Value]]) -> list[int | float] | None:
    """Per column, 新收 + 上年结转: no outcome can exceed what there was to handle."""
    new, carried = grid.get("新收"), grid.get("上年结转")
    if not new or not carried or any(v.value is None for v in new + carried):
        return None
    return [a.value + b.value for a, b in zip(new, carried, strict=True)]  # type: ignore[operator]


def _place_by_arithmetic(u: _Unit, limit: list[int | float] | None, derived: list[DerivedCell]) -> list[Value]:
    """Place a row that lost cells: keep only what every admissible placement agrees on."""
    assert u.row is not None
    printed = [t.number for t in u.numbers]
    missing = _NCOL - len(printed)
    solutions: list[tuple[list[int | float], tuple[int, ...]]] = []
    if missing <= 3:
        for gaps in combinations(range(_NCOL), missing):
            vector = flat.completed(printed, gaps)
            if vector is None:
                continue
            if limit is not None and any(v > cap for v, cap in zip(vector, limit, strict=True)):
                continue
            solutions.append((vector, gaps))
    text = " ".join(t.text for t in u.numbers) or "nothing"
    reason = f"'{u.row}' row prints {len(printed)} numbers ({text}) for {_NCOL} columns"
    if not solutions:
        return [Value(None, reason=reason + "; no placement satisfies the row total") for _ in range(_NCOL)]
    agreed = [{vec[col] for vec, _ in solutions} for col in range(_NCOL)]
    cells = [
        Value(next(iter(values)), span=_row_span(u))
        if len(values) == 1
        else Value(None, reason=reason + "; the dropped cell's position cannot be proven")
        for values in agreed
    ]
    positions = {gaps for _, gaps in solutions}
    if len(positions) == 1:  # where the printed numbers stand is certain: each cell points at its own
        printed_at = iter(u.numbers)
        for col, cell in enumerate(cells):
            if col not in next(iter(positions)):
                cell.span = next(printed_at).span
    gap_values = {vec[g] for vec, gaps in solutions for g in gaps}
    if all(c.value is not None for c in cells) and len(gap_values) == 1:
        column: str | None = None
        if len(positions) == 1 and missing == 1:
            col = next(iter(positions))[0]
            column = APPLICANT_COLUMNS[col]
            cells[col].derived = True
        basis = reason + "; every placement consistent with the row total"
        basis += (" and with 新收 + 上年结转" if limit is not None else "") + " gives this row"
        derived.append(DerivedCell("requests", u.row, column, gap_values.pop(), basis))
    return cells


def _identities(rows: set[str], outcome_rows: tuple[str, ...]) -> list[list[tuple[str, int, int]]]:
    """The table's own arithmetic, each identity as (row, column, coefficient) summing to 0."""
    out: list[list[tuple[str, int, int]]] = []
    for row in rows:
        out.append([(row, c, 1) for c in range(_NCOL - 1)] + [(row, _NCOL - 1, -1)])
    present = [r for r in outcome_rows if r in rows]
    for c in range(_NCOL):
        if "总计" in rows and len(present) == len(outcome_rows):
            out.append([(r, c, 1) for r in present] + [("总计", c, -1)])
        if {"新收", "上年结转", "总计", "结转下年度"} <= rows:
            out.append([("新收", c, 1), ("上年结转", c, 1), ("总计", c, -1), ("结转下年度", c, -1)])
    return out


def _derive_printed(
    grid: dict[str, list[Value]],
    outcome_rows: tuple[str, ...],
    derived: list[DerivedCell],
    unplaced: dict[str, list[Token]],
) -> None:
    """``_derive_from_identities``, where a row that printed digits it could not place ("1 0": 10, or 1 and
    0) takes the values the identities force only if some reading of those digits shows them. A table
    whose printed rows do not add up forces values its printed digits deny (4 | 0 0 | 1 0 | 1 5 read as
    4 0 0 0 0 1 5): that row stays unread, with the reason, and nothing is derived from it."""
    before = {row: list(cells) for row, cells in grid.items()}
    kept = len(derived)
    _derive_from_identities(grid, outcome_rows, derived)
    denied = {
        row
        for row, numbers in unplaced.items()
        if any(c.derived for c in grid[row]) and not any(_shows(r, grid[row]) for r in readings(numbers))
    }
    if not denied:
        return
    grid.update({row: list(cells) for row, cells in before.items()})
    del derived[kept:]
    for row in denied:
        shown = " | ".join(" ".join(p.text for p in t.parts) if t.parts else t.text for t in unplaced[row])
        reason = f"'{row}' row prints {shown}: the table's identities force values that no reading of it gives"
        grid[row] = [Value(None, reason=reason) for _ in range(_NCOL)]
    _derive_from_identities(grid, outcome_rows, derived, frozen=denied)


def _shows(reading: list[Token], cells: list[Value]) -> bool:
    """Whether a row's cells can be what a reading of its printed digits shows: its numbers, in order, are
    cells of the row (the others were blank, or lost: OCR drops a cell), a cell left None fitting any."""
    k = 0
    for cell in cells:
        if k < len(reading) and (cell.value is None or cell.value == reading[k].number):
            k += 1
    return k == len(reading)


def _derive_from_identities(
    grid: dict[str, list[Value]],
    outcome_rows: tuple[str, ...],
    derived: list[DerivedCell],
    frozen: Collection[str] = frozenset(),
) -> None:
    """Fill blank cells that an identity forces, keeping a value only if no identity contradicts it;
    the cells of ``frozen`` rows stay as they are, and nothing is derived through them."""
    identities = [i for i in _identities(set(grid), outcome_rows) if not any(r in frozen for r, _, _ in i)]
    changed = True
    new_cells: list[tuple[str, int, str]] = []
    while changed:
        changed = False
        for identity in identities:
            unknown = [(r, c, k) for r, c, k in identity if grid[r][c].value is None]
            if len(unknown) != 1:
                continue
            r, c, k = unknown[0]
            rest = sum(k2 * grid[r2][c2].value for r2, c2, k2 in identity if (r2, c2) != (r, c))  # type: ignore[operator]
            value = -rest * k
            if value < 0 or value != int(value):
                continue
            was = (
                "blank or misread by OCR"
                if (grid[r][c].reason or "").startswith("OCR'd")
                else "blank in the printed table"
            )
            grid[r][c] = Value(int(value), derived=True)
            new_cells.append((r, c, _describe_identity(identity, was)))
            changed = True
    for r, c, basis in new_cells:
        if any(
            all(grid[r2][c2].value is not None for r2, c2, _ in identity)
            and sum(k * grid[r2][c2].value for r2, c2, k in identity) != 0  # type: ignore[misc]
            for identity in identities
            if (r, c) in {(r2, c2) for r2, c2, _ in identity}
        ):
            grid[r][c] = Value(None, reason=f"cell of '{r}' is blank and the table's identities disagree on it")
            continue
        derived.append(DerivedCell("requests", r, APPLICANT_COLUMNS[c], grid[r][c].value, basis))  # type: ignore[arg-type]


def _describe_identity(identity: list[tuple[str, int, int]], was: str = "blank in the printed table") -> str:
    rows = {r for r, _, _ in identity}
    if len(rows) == 1:
        return f"{was}; forced by the row total of '{next(iter(rows))}'"
    if "新收" in rows:
        return f"{was}; forced by 新收 + 上年结转 = 总计 + 结转下年度"
    return f"{was}; forced by （七）总计 = sum of the outcome rows"


# ---------------------------------------------------------------- 行政复议 / 行政诉讼 table

_REVIEW_CELLS = len(REVIEW_BLOCKS) * len(REVIEW_FIELDS)


def parse_review(region: str) -> tuple[dict[str, dict[str, Value]], list[DerivedCell], list[str]]:
    """The 15 numbers of the review/litigation table, blank cells None."""
    raw = tokenize(region)
    tokens = _split_glued(_header_numbers(raw))
    numbers = pick_reading([t for t in tokens if t.number is not None], _block_sums)
    values: list[Value]
    warnings: list[str] = []
    derived: list[DerivedCell] = []
    glued = flat.parse_review(region) if flat.is_flat(region, glued=1) or _glued_cells(numbers) else None
    if glued is not None:
        values, derived = glued
        warnings.append("复议/诉讼表: 网页抓取文本, 单元格无分隔, 按各部分合计拆分")
    elif len(numbers) == _REVIEW_CELLS:
        values = [Value(t.number, span=t.span) for t in numbers]
    else:
        values = (
            _review_by_field(region, raw)
            or _review_by_arithmetic(numbers, derived)
            or [
                Value(
                    None,
                    reason=f"复议/诉讼表 prints {len(numbers)} numbers for {_REVIEW_CELLS} cells"
                    + ("; which cells are blank cannot be told" if numbers else ""),
                )
                for _ in range(_REVIEW_CELLS)
            ]
        )
        if numbers and all(v.value is None for v in values):
            warnings.append(f"复议/诉讼表: {len(numbers)} 个数字无法对应到 {_REVIEW_CELLS} 个单元格")
    table: dict[str, dict[str, Value]] = {}
    for b, block in enumerate(REVIEW_BLOCKS):
        table[block] = {f: values[b * len(REVIEW_FIELDS) + i] for i, f in enumerate(REVIEW_FIELDS)}
    return table, derived, warnings


# A cell of the table's header with a number after it: a converter that put the header's words and the
# numbers under them in one cell (结果维持<br>0 → "结果维持0").
_HEADER_NUMBER = re.compile(r"^(?P<label>.*(?:维持|纠正|结果|审结|总计))(?P<num>\d)$")  # 00 or 10 may be two cells


def _header_numbers(tokens: list[Token]) -> list[Token]:
    """Each header word with one digit glued after it as the word and the number (the review table's
    header words never end in a digit; more digits could be one cell or several, and stay text)."""
    return _split_tail(tokens, lambda text: (m := _HEADER_NUMBER.match(text)) and m.start("num"))


def _glued_cells(numbers: list[Token]) -> bool:
    """The table's numbers as one run of digits on a line of its own (000000000000000: a page's text with
    every element run together, the header's words on the line before): no count begins with 0, and no
    one cell holds as many digits as the table has cells."""
    return len(numbers) == 1 and _GLUED_CELLS.fullmatch(numbers[0].text) is not None


_GLUED_CELLS = re.compile(rf"0\d+|\d{{{_REVIEW_CELLS},}}")


def _block_sums(numbers: list[Token]) -> bool:
    """Fifteen cells, each block's 总计 the sum of its four parts."""
    values = [t.number or 0 for t in numbers]
    w = len(REVIEW_FIELDS)
    return len(values) == _REVIEW_CELLS and all(
        sum(values[b * w : b * w + w - 1]) == values[b * w + w - 1] for b in range(len(REVIEW_BLOCKS))
    )


def _review_by_arithmetic(numbers: list[Token], derived: list[DerivedCell]) -> list[Value] | None:
    """Fourteen numbers for the fifteen cells (one blank, or misread by OCR): each place the missing
    cell could stand is tried, filled from its block's 总计 (总计 = the four results); a placement is
    admissible when every block then adds up. The cells every admissible placement agrees on are kept;
    None when no placement is admissible."""
    width = len(REVIEW_FIELDS)
    if len(numbers) != _REVIEW_CELLS - 1:
        return None
    printed = [t.number for t in numbers]
    solutions: list[tuple[int, list[int | float]]] = []
    for gap in range(_REVIEW_CELLS):
        cells: list[int | float | None] = [*printed[:gap], None, *printed[gap:]]
        block = gap // width
        parts, total = cells[block * width : block * width + width - 1], cells[block * width + width - 1]
        if total is None:
            cells[gap] = sum(parts)  # type: ignore[arg-type]
        else:
            cells[gap] = total - sum(v for v in parts if v is not None)
        if cells[gap] < 0 or cells[gap] != int(cells[gap]):  # type: ignore[operator]
            continue
        if all(sum(cells[b * width : b * width + width - 1]) == cells[b * width + width - 1] for b in range(3)):  # type: ignore[arg-type, misc]
            solutions.append((gap, cells))  # type: ignore[arg-type]
    if not solutions:
        return None
    reason = f"复议/诉讼表 prints {len(numbers)} numbers for {_REVIEW_CELLS} cells"
    values: list[Value] = []
    for k in range(_REVIEW_CELLS):
        seen = {cells[k] for _, cells in solutions}
        values.append(
            Value(seen.pop(), span=(numbers[0].start, numbers[-1].end))
            if len(seen) == 1
            else Value(None, reason=reason + "; the dropped cell's position cannot be proven")
        )
    if len(solutions) == 1:
        gap = solutions[0][0]
        at = iter(numbers)
        for k, v in enumerate(values):
            if k == gap:
                v.derived = True
                basis = reason + "; the only placement with which every block adds up to its 总计 gives it"
                derived.append(
                    DerivedCell(
                        "review_litigation", REVIEW_BLOCKS[k // width], REVIEW_FIELDS[k % width], v.value, basis
                    )
                )  # type: ignore[arg-type]
            else:
                v.span = next(at).span
    return values


def _review_by_field(region: str, tokens: list[Token]) -> list[Value] | None:
    """A single data line of exactly 15 tab fields places its numbers, blank fields stay None."""
    lines = region.split("\n")
    data_lines = [i for i, ln in enumerate(lines) if any(parse_number(f) is not None for f in ln.split("\t"))]
    if len(data_lines) != 1:
        return None
    fields = lines[data_lines[0]].split("\t")
    span_of = {t.field: t.span for t in tokens if t.line == data_lines[0]}
    while len(fields) > _REVIEW_CELLS and not fields[-1].strip():  # blank fields after the last cell
        fields.pop()
    if len(fields) != _REVIEW_CELLS or any(f.strip() and parse_number(f) is None for f in fields):
        return None
    return [
        Value(parse_number(f)[0], span=span_of.get(k))  # type: ignore[index]
        if f.strip()
        else Value(None, reason="cell is blank in the printed table")
        for k, f in enumerate(fields)
    ]
