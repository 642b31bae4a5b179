"""Consistency checks: the tables' printed rules, the prose against the tables, completeness."""

from __future__ import annotations

from indexer.model import APPLICANT_COLUMNS, REVIEW_FIELDS, SECTION_KINDS, Check, Section, Value


def _fmt(values: list[Value]) -> str:
    return "[" + ", ".join("?" if v.value is None else f"{v.value:g}" for v in values) + "]"


def requests_checks(rows: dict[str, list[Value]] | None, outcome_rows: tuple[str, ...]) -> list[Check]:
    if rows is None:
        return [
            Check(cid, None, "cannot be evaluated: the applications table is absent")
            for cid in ("requests.balance", "requests.total_row", "requests.row_sum")
        ]
    return [_balance(rows), _total_row(rows, outcome_rows), _row_sum(rows)]


def _balance(rows: dict[str, list[Value]]) -> Check:
    needed = ("新收", "上年结转", "总计", "结转下年度")
    missing = [r for r in needed if r not in rows]
    if missing:
        return Check("requests.balance", None, f"cannot be evaluated: row(s) {', '.join(missing)} not printed")
    bad, unknown = [], []
    for c, col in enumerate(APPLICANT_COLUMNS):
        cells = [rows[r][c].value for r in needed]
        if any(v is None for v in cells):
            unknown.append(col)
            continue
        new, carried, total, carry_over = cells
        if new + carried != total + carry_over:  # type: ignore[operator]
            bad.append(f"{col}: {new:g} + {carried:g} ≠ {total:g} + {carry_over:g}")
    if bad:
        return Check("requests.balance", False, "新收 + 上年结转 ≠ 总计 + 结转下年度 — " + "; ".join(bad))
    if unknown:
        return Check("requests.balance", None, f"cannot be evaluated for column(s) {', '.join(unknown)}")
    return Check("requests.balance", True, "新收 + 上年结转 = 总计 + 结转下年度 in every column")


def _total_row(rows: dict[str, list[Value]], outcome_rows: tuple[str, ...]) -> Check:
    missing = [r for r in (*outcome_rows, "总计") if r not in rows]
    if missing:
        return Check("requests.total_row", None, f"cannot be evaluated: row(s) {', '.join(missing)} not printed")
    bad, unknown = [], []
    for c, col in enumerate(APPLICANT_COLUMNS):
        parts = [rows[r][c].value for r in outcome_rows]
        total = rows["总计"][c].value
        if total is None or any(v is None for v in parts):
            unknown.append(col)
            continue
        s = sum(parts)  # type: ignore[arg-type]
        if s != total:
            bad.append(f"{col}: outcomes add up to {s:g}, （七）总计 prints {total:g}")
    if bad:
        return Check("requests.total_row", False, "（七）总计 ≠ sum of outcome rows — " + "; ".join(bad))
    if unknown:
        return Check("requests.total_row", None, f"cannot be evaluated for column(s) {', '.join(unknown)}")
    return Check("requests.total_row", True, "（七）总计 = sum of the outcome rows in every column")


def _row_sum(rows: dict[str, list[Value]]) -> Check:
    bad, unknown = [], []
    for row, cells in rows.items():
        if any(v.value is None for v in cells):
            unknown.append(row)
            continue
        s = sum(v.value for v in cells[:-1])  # type: ignore[misc]
        if s != cells[-1].value:
            bad.append(f"{row} {_fmt(cells)}: columns add up to {s:g}, 总计 prints {cells[-1].value:g}")
    if bad:
        return Check("requests.row_sum", False, "applicant columns ≠ 总计 column — " + "; ".join(bad))
    if unknown:
        return Check("requests.row_sum", None, f"cannot be evaluated for row(s) {', '.join(unknown)}")
    return Check("requests.row_sum", True, "applicant columns add up to the 总计 column in every row")


def review_checks(table: dict[str, dict[str, Value]] | None) -> list[Check]:
    if table is None:
        return [Check("review.sum", None, "cannot be evaluated: the review/litigation table is absent")]
    checks = []
    for block, cells in table.items():
        values = [cells[f].value for f in REVIEW_FIELDS]
        if any(v is None for v in values):
            checks.append(Check("review.sum", None, f"{block}: cannot be evaluated, blank cells"))
            continue
        *parts, total = values
        ok = sum(parts) == total  # type: ignore[arg-type]
        detail = f"{block}: 维持 {parts[0]:g} + 纠正 {parts[1]:g} + 其他 {parts[2]:g} + 尚未审结 {parts[3]:g}"
        detail += f" = {sum(parts):g}, 总计 {'=' if ok else '≠'} {total:g}"  # type: ignore[arg-type]
        checks.append(Check("review.sum", ok, detail))
    return checks


def narrative_requests_check(stated: tuple[int, bool] | None, rows: dict[str, list[Value]] | None) -> Check:
    """The applications the prose states against the table's 新收 (and （七）总计 when it says handled)."""
    if stated is None:
        return Check("narrative.requests", None, "cannot be evaluated: the prose states no number of applications")
    count, handled = stated
    new = rows.get("新收") if rows else None
    if new is None or new[-1].value is None:
        return Check("narrative.requests", None, f"prose states {count} applications; the table's 新收 总计 is missing")
    problems = []
    if new[-1].value != count:
        problems.append(f"table 新收 总计 = {new[-1].value:g}")
    processed = rows.get("总计") if rows else None
    if handled and processed is not None and processed[-1].value is not None and processed[-1].value != count:
        problems.append(f"table （七）总计 (handled) = {processed[-1].value:g}")
    if problems:
        return Check("narrative.requests", False, f"prose states {count} applications, but " + "; ".join(problems))
    return Check("narrative.requests", True, f"prose and table agree: {count} applications")


def sections_check(sections: list[Section]) -> Check:
    present = {s.kind for s in sections}
    missing = [k for k in SECTION_KINDS if k not in present]
    if missing:
        return Check("sections.missing", False, "missing section(s): " + ", ".join(missing))
    return Check("sections.missing", True, "all six sections present")


def tables_check(template: str, absent: list[str]) -> Check:
    if template == "other":
        return Check("tables.missing", True, "free-form report (before the 2019 template): no tables expected")
    if absent:
        return Check("tables.missing", False, "missing table(s): " + ", ".join(absent))
    return Check("tables.missing", True, "all three tables present")
