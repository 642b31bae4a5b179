"""Checks between one unit's consecutive reports: what this year's tables carry over from last year's.

- 上年结转 this year = 结转下年度 last year, column by column (申请表).
- 2021 template: 现行有效 last year + 本年制发 − 本年废止 = 现行有效 this year (规章, 行政规范性文件).
- 2019 template: 上一年项目数量 + 本年增/减 last year = 上一年项目数量 this year (行政许可, 其他对外管理服务事项,
  行政处罚, 行政强制, 行政事业性收费).

Each check is ``ok`` or ``failed`` with both numbers and both reports, or ``not_evaluable`` with the
reason (no previous report, a cell not proven, the template changed between the years). A unit is a
publisher (or, without one, a region code).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from indexer.indicators import ReportIndicators
from indexer.model import APPLICANT_COLUMNS

_STOCK_2021 = (("规章", "规章"), ("行政规范性文件", "行政规范性文件"))
_ITEMS_2019 = ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费")


@dataclass
class CrossYearCheck:
    unit: str
    check: str
    year: int
    previous_year: int
    report_id: str
    previous_report_id: str | None
    status: str  # ok | failed | not_evaluable
    value: float | None = None  # this year's figure
    expected: float | None = None  # what last year's report makes it
    detail: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def unit_of(r: ReportIndicators) -> str | None:
    return r.publisher or r.region_code


def cross_year_checks(panel: Iterable[ReportIndicators]) -> list[CrossYearCheck]:
    """Every check between each report and its unit's report of the year before."""
    units: dict[str, dict[int, ReportIndicators]] = defaultdict(dict)
    for r in panel:
        unit = unit_of(r)
        if unit and r.year:
            units[unit].setdefault(r.year, r)
    out: list[CrossYearCheck] = []
    for unit, by_year in sorted(units.items()):
        for year in sorted(by_year):
            out += _checks(unit, by_year[year], by_year.get(year - 1))
    return out


def _checks(unit: str, r: ReportIndicators, prev: ReportIndicators | None) -> list[CrossYearCheck]:
    year = r.year or 0
    if prev is None:
        return [
            CrossYearCheck(
                unit,
                "上一年报告",
                year,
                year - 1,
                r.uid,
                None,
                "not_evaluable",
                detail=f"本单位没有 {year - 1} 年的报告",
            )
        ]
    out = []

    def compare(check: str, value: float | None, expected: float | None, missing: str | None) -> None:
        if missing:
            out.append(
                CrossYearCheck(unit, check, year, year - 1, r.uid, prev.uid, "not_evaluable", value, expected, missing)
            )
            return
        ok = value == expected
        detail = "" if ok else f"{year} 年为 {value:g}，按 {year - 1} 年报告应为 {expected:g}"
        out.append(
            CrossYearCheck(
                unit, check, year, year - 1, r.uid, prev.uid, "ok" if ok else "failed", value, expected, detail
            )
        )

    for col in APPLICANT_COLUMNS:
        value = r.cells.get(("requests", "上年结转", col))
        expected = prev.cells.get(("requests", "结转下年度", col))
        missing = _missing((f"{year} 年上年结转", value), (f"{year - 1} 年结转下年度", expected))
        compare(f"上年结转 = 上年结转下年度 · {col}", value, expected, missing)
    if r.template != prev.template:
        reason = f"模板不同（{year - 1} 年 {prev.template}，{year} 年 {r.template}），表格不可逐项衔接"
        out.append(
            CrossYearCheck(unit, "主动公开表衔接", year, year - 1, r.uid, prev.uid, "not_evaluable", detail=reason)
        )
        return out
    if r.template == "2021":
        for label, row in _STOCK_2021:
            last_in_force = prev.cells.get(("proactive", row, "in_force"))
            issued = r.cells.get(("proactive", row, "issued"))
            repealed = r.cells.get(("proactive", row, "repealed"))
            value = r.cells.get(("proactive", row, "in_force"))
            missing = _missing(
                (f"{year - 1} 年{label}现行有效", last_in_force),
                (f"{year} 年{label}本年制发", issued),
                (f"{year} 年{label}本年废止", repealed),
                (f"{year} 年{label}现行有效", value),
            )
            expected = None if missing else last_in_force + issued - repealed  # type: ignore[operator]
            compare(f"{label}：上年现行有效 + 本年制发 − 本年废止 = 现行有效", value, expected, missing)
    elif r.template == "2019":
        for row in _ITEMS_2019:
            last_items = prev.cells.get(("proactive", row, "prev_items"))
            change = prev.cells.get(("proactive", row, "change"))
            value = r.cells.get(("proactive", row, "prev_items"))
            missing = _missing(
                (f"{year - 1} 年{row}上一年项目数量", last_items),
                (f"{year - 1} 年{row}本年增/减", change),
                (f"{year} 年{row}上一年项目数量", value),
            )
            expected = None if missing else last_items + change  # type: ignore[operator]
            compare(f"{row}：上年项目数量 + 本年增/减 = 本年的上一年项目数量", value, expected, missing)
    return out


def _missing(*parts: tuple[str, float | None]) -> str | None:
    unknown = [name for name, value in parts if value is None]
    return f"{'、'.join(unknown)}未能确认" if unknown else None
