"""Consistency checks: the tables' printed rules, the prose against the tables, completeness. Their
messages are in Chinese: they are what a researcher reads (the check ids stay English)."""

from __future__ import annotations

from indexer.labels import SECTION_LABELS
from indexer.model import APPLICANT_COLUMNS, REVIEW_FIELDS, SECTION_KINDS, Check, Section, Value


def _fmt(values: list[Value]) -> str:
    return "[" + ", ".join("?" if v.value is None else f"{v.value:g}" for v in values) + "]"


def requests_checks(rows: dict[str, list[Value]] | None, outcome_rows: tuple[str, ...]) -> list[Check]:
    if rows is None:
        return [
            Check(cid, None, "无法检查：没有收到和处理申请情况表")
            for cid in ("requests.balance", "requests.total_row", "requests.row_sum")
        ]
    return [_balance(rows), _total_row(rows, outcome_rows), _row_sum(rows)]


def _balance(rows: dict[str, list[Value]]) -> Check:
    needed = ("新收", "上年结转", "总计", "结转下年度")
    missing = [r for r in needed if r not in rows]
    if missing:
        return Check("requests.balance", None, f"无法检查：表中未印出 {'、'.join(missing)} 行")
    bad, unknown = [], []
    for c, col in enumerate(APPLICANT_COLUMNS):
        cells = [rows[r][c].value for r in needed]
        if any(v is None for v in cells):
            unknown.append(col)
            continue
        new, carried, total, carry_over = cells
        if new + carried != total + carry_over:  # type: ignore[operator]
            bad.append(f"{col}：{new:g} + {carried:g} ≠ {total:g} + {carry_over:g}")
    if bad:
        return Check("requests.balance", False, "新收 + 上年结转 ≠ 总计 + 结转下年度 —— " + "；".join(bad))
    if unknown:
        return Check("requests.balance", None, f"以下各列无法检查（有未能确认的数）：{'、'.join(unknown)}")
    return Check("requests.balance", True, "每一列都有 新收 + 上年结转 = 总计 + 结转下年度")


def _total_row(rows: dict[str, list[Value]], outcome_rows: tuple[str, ...]) -> Check:
    missing = [r for r in (*outcome_rows, "总计") if r not in rows]
    if missing:
        return Check("requests.total_row", None, f"无法检查：表中未印出 {'、'.join(missing)} 行")
    bad, unknown = [], []
    for c, col in enumerate(APPLICANT_COLUMNS):
        parts = [rows[r][c].value for r in outcome_rows]
        total = rows["总计"][c].value
        if total is None or any(v is None for v in parts):
            unknown.append(col)
            continue
        s = sum(parts)  # type: ignore[arg-type]
        if s != total:
            bad.append(f"{col}：各项办理结果合计 {s:g}，（七）总计印作 {total:g}")
    if bad:
        return Check("requests.total_row", False, "（七）总计 ≠ 各项办理结果之和 —— " + "；".join(bad))
    if unknown:
        return Check("requests.total_row", None, f"以下各列无法检查（有未能确认的数）：{'、'.join(unknown)}")
    return Check("requests.total_row", True, "每一列的（七）总计都等于各项办理结果之和")


def _row_sum(rows: dict[str, list[Value]]) -> Check:
    bad, unknown = [], []
    for row, cells in rows.items():
        if any(v.value is None for v in cells):
            unknown.append(row)
            continue
        s = sum(v.value for v in cells[:-1])  # type: ignore[misc]
        if s != cells[-1].value:
            bad.append(f"{row} {_fmt(cells)}：各类申请人合计 {s:g}，总计印作 {cells[-1].value:g}")
    if bad:
        return Check("requests.row_sum", False, "各类申请人之和 ≠ 总计列 —— " + "；".join(bad))
    if unknown:
        return Check("requests.row_sum", None, f"以下各行无法检查（有未能确认的数）：{'、'.join(unknown)}")
    return Check("requests.row_sum", True, "每一行各类申请人之和都等于总计列")


def review_checks(table: dict[str, dict[str, Value]] | None) -> list[Check]:
    if table is None:
        return [Check("review.sum", None, "无法检查：没有行政复议、行政诉讼情况表")]
    checks = []
    for block, cells in table.items():
        values = [cells[f].value for f in REVIEW_FIELDS]
        if any(v is None for v in values):
            checks.append(Check("review.sum", None, f"{block}：有空白格，无法检查"))
            continue
        *parts, total = values
        ok = sum(parts) == total  # type: ignore[arg-type]
        detail = f"{block}：维持 {parts[0]:g} + 纠正 {parts[1]:g} + 其他 {parts[2]:g} + 尚未审结 {parts[3]:g}"
        detail += f" = {sum(parts):g}，总计 {'=' if ok else '≠'} {total:g}"  # type: ignore[arg-type]
        checks.append(Check("review.sum", ok, detail))
    return checks


def narrative_requests_check(stated: tuple[int, bool] | None, rows: dict[str, list[Value]] | None) -> Check:
    """The applications the prose states against the table's 新收 (and （七）总计 when it says handled)."""
    if stated is None:
        return Check("narrative.requests", None, "无法检查：正文未写明申请数")
    count, handled = stated
    new = rows.get("新收") if rows else None
    if new is None or new[-1].value is None:
        return Check("narrative.requests", None, f"正文写明申请 {count} 件，但表中新收总计未能确认")
    problems = []
    if new[-1].value != count:
        problems.append(f"表中新收总计为 {new[-1].value:g}")
    processed = rows.get("总计") if rows else None
    if handled and processed is not None and processed[-1].value is not None and processed[-1].value != count:
        problems.append(f"表中（七）总计（已办理）为 {processed[-1].value:g}")
    if problems:
        return Check("narrative.requests", False, f"正文写明申请 {count} 件，但" + "；".join(problems))
    return Check("narrative.requests", True, f"正文与表格一致：申请 {count} 件")


def sections_check(sections: list[Section]) -> Check:
    present = {s.kind for s in sections}
    missing = [k for k in SECTION_KINDS if k not in present]
    if missing:
        return Check("sections.missing", False, "缺少章节：" + "、".join(SECTION_LABELS.get(k, k) for k in missing))
    return Check("sections.missing", True, "六个部分齐全")


def tables_check(template: str, absent: list[str]) -> Check:
    if template == "other":
        return Check("tables.missing", True, "2019 年模板之前的自由格式报告：不要求统计表")
    if absent:
        return Check("tables.missing", False, "缺少统计表：" + "、".join(absent))
    return Check("tables.missing", True, "三张统计表齐全")
