"""Indicators computed from the three statistics tables, per report and aggregated, with one definition
each (``DEFINITIONS``: label, formula, when it is null), and the checks between one unit's consecutive
reports.

Counts are the printed (or derived) cells; a cell the parser could not prove makes every indicator that
needs it null, with the reason. A rate is null when its denominator is 0 (never 0 or infinity).
Aggregates sum the counts of a group and recompute each rate from the sums (never a mean of rates), over
the reports where both parts are known, and say how many reports stand behind each figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from indexer.model import APPLICANT_COLUMNS

Cells = dict[tuple[str, str, str], float | None]  # (table, row, column) → value
Reasons = dict[tuple[str, str, str], str]

_OUTCOME_PREFIXES = {"不予公开": "不予公开.", "无法提供": "无法提供.", "不予处理": "不予处理."}
_REVIEW = {"复议": "复议", "直接起诉": "直接起诉", "复议后起诉": "复议后起诉"}
# The proactive table's documents: (key, row in 2019, row in 2021); fields by template.
_DOCUMENTS = (("规章", "规章", "规章"), ("规范性文件", "规范性文件", "行政规范性文件"))
DOCUMENT_FIELDS = {
    "2019": (("new_made", "新制作"), ("new_published", "新公开"), ("total", "对外公开总数")),
    "2021": (("in_force", "现行有效"), ("issued", "本年制发"), ("repealed", "本年废止")),
}


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    kind: str  # count | rate | flag
    formula: str
    null_when: str
    numerator: tuple[str, ...] = ()  # rates: the counts summed above and below the line
    denominator: tuple[str, ...] = ()


def _count(key: str, label: str, formula: str, null_when: str = "the cell is not proven") -> Definition:
    return Definition(key, label, "count", formula, null_when)


def _rate(key: str, label: str, numerator: tuple[str, ...], denominator: tuple[str, ...], formula: str) -> Definition:
    below = " + ".join(denominator)
    return Definition(
        key, label, "rate", formula, f"{below} is 0, or a part is not proven", tuple(numerator), tuple(denominator)
    )


_OTHER_TEMPLATE = "the report uses the other template, or the cell is not proven"
_NO_FEES_2019 = "the 2019 template prints none, or the cell is not proven"
DEFINITIONS: tuple[Definition, ...] = (
    _count("收到申请", "收到申请", "申请表 一、本年新收 · 总计"),
    _count("上年结转", "上年结转", "申请表 二、上年结转 · 总计"),
    _count("办结", "办结", "申请表 三、（七）总计 · 总计"),
    _count("予以公开", "予以公开", "申请表 （一）予以公开 · 总计"),
    _count("部分公开", "部分公开", "申请表 （二）部分公开 · 总计"),
    _count("不予公开", "不予公开", "申请表 （三）不予公开 各项之和 · 总计"),
    _count("无法提供", "无法提供", "申请表 （四）无法提供 各项之和 · 总计"),
    _count("不予处理", "不予处理", "申请表 （五）不予处理 各项之和 · 总计"),
    _count("结转下年度", "结转下年度", "申请表 四、结转下年度继续办理 · 总计"),
    _count("自然人申请", "自然人申请", "申请表 一、本年新收 · 自然人"),
    _rate("公开率", "公开率", ("予以公开", "部分公开"), ("办结",), "(予以公开 + 部分公开) ÷ 办结"),
    _rate("不予公开率", "不予公开率", ("不予公开",), ("办结",), "不予公开 ÷ 办结"),
    _rate("无法提供率", "无法提供率", ("无法提供",), ("办结",), "无法提供 ÷ 办结"),
    _rate("不予处理率", "不予处理率", ("不予处理",), ("办结",), "不予处理 ÷ 办结"),
    _rate("结转率", "结转率", ("结转下年度",), ("收到申请", "上年结转"), "结转下年度 ÷ (收到申请 + 上年结转)"),
    _rate("自然人申请占比", "自然人申请占比", ("自然人申请",), ("收到申请",), "自然人申请 ÷ 收到申请"),
    Definition(
        "零申请", "零申请", "flag", "收到申请 = 0 (aggregates: the number of such reports)", "收到申请 is not proven"
    ),
    _count("复议", "行政复议", "复议诉讼表 行政复议 · 总计"),
    _count("复议纠正", "复议纠正", "复议诉讼表 行政复议 · 结果纠正"),
    _count("直接起诉", "直接起诉", "复议诉讼表 未经复议直接起诉 · 总计"),
    _count("直接起诉纠正", "直接起诉纠正", "复议诉讼表 未经复议直接起诉 · 结果纠正"),
    _count("复议后起诉", "复议后起诉", "复议诉讼表 复议后起诉 · 总计"),
    _count("复议后起诉纠正", "复议后起诉纠正", "复议诉讼表 复议后起诉 · 结果纠正"),
    _rate("复议纠错率", "复议纠错率", ("复议纠正",), ("复议",), "复议纠正 ÷ 复议"),
    _rate("直接起诉纠错率", "直接起诉纠错率", ("直接起诉纠正",), ("直接起诉",), "直接起诉纠正 ÷ 直接起诉"),
    _rate("复议后起诉纠错率", "复议后起诉纠错率", ("复议后起诉纠正",), ("复议后起诉",), "复议后起诉纠正 ÷ 复议后起诉"),
    _rate(
        "争议转化率",
        "争议转化率",
        ("复议", "直接起诉", "复议后起诉"),
        ("办结",),
        "(复议 + 直接起诉 + 复议后起诉) ÷ 办结",
    ),
    *(
        _count(
            f"{doc}.{label}",
            f"{doc}{label}",
            f"主动公开表 {row_2019 if template == '2019' else row_2021} · {label} ({template} 模板)",
            "the report uses the other template, or the cell is not proven",
        )
        for template, fields in DOCUMENT_FIELDS.items()
        for doc, row_2019, row_2021 in _DOCUMENTS
        for _, label in fields
    ),
    _count("行政许可决定", "行政许可决定数", "主动公开表 行政许可 · 处理决定数量"),
    _count("行政处罚决定", "行政处罚决定数", "主动公开表 行政处罚 · 处理决定数量"),
    _count(
        "收费金额",
        "收费金额（万元）",
        "主动公开表 行政事业性收费 · 收费金额 (2021 模板)",
        "the 2019 template prints none, or the cell is not proven",
    ),
    _count("不通过检查", "不通过的检查", "the report's own consistency checks that fail", "never"),
)
BY_KEY = {d.key: d for d in DEFINITIONS}
# Bump when a definition changes: the figures stored beside each report's cells are then recomputed.
INDICATORS_VERSION = "3"  # 2: the stored figures compressed; 3: against a preset dictionary
# The checks whose failure flags a report's indicators: the tables' own arithmetic, and the prose's count of
# applications against the table. A prose figure that disagrees with itself (narrative.breakdown …) is
# counted in 不通过检查 but does not flag the tables.
TABLE_CHECKS = ("requests.%", "review.%", "proactive.%", "narrative.requests")


def is_table_check(check_id: str) -> bool:
    """Whether a failing check flags the report's indicators (``TABLE_CHECKS``, in Python)."""
    return check_id.startswith(("requests.", "review.", "proactive.")) or check_id == "narrative.requests"


def stored_figures(template: str | None, cells: Iterable[tuple], checks: Iterable[tuple[str, int | None]]) -> bytes:
    """A report's indicators as the store keeps them beside its cells (JSON: key → [value, reason], and
    the failing checks, compressed by ``pack`` against the figures' dictionary), from its cells [(tbl,
    row, col, value, derived, reason) …] and checks [(check_id, ok) …]."""
    from indexer.store.schema import pack_json

    values: Cells = {}
    reasons: Reasons = {}
    for tbl, row, col, value, _, reason in cells:
        values[(tbl, row, col)] = value
        if reason:
            reasons[(tbl, row, col)] = reason
    failing = [c for c, ok in checks if ok == 0]
    table = sum(1 for c in failing if is_table_check(c))
    r = report_indicators({"uid": "", "template": template}, values, reasons, len(failing), table)
    figures = {k: [f.value, f.reason] for k, f in r.figures.items()}
    return pack_json({"figures": figures, "failing": len(failing), "table": table}, "figures")


def from_stored(meta: dict[str, Any], stored: bytes) -> ReportIndicators:
    """A report's indicators read back from ``stored_figures`` (without its cells)."""
    import json

    from indexer.store.schema import unzip

    data = json.loads(unzip(stored))
    figures = {k: _figure(v, why) for k, (v, why) in data["figures"].items()}
    return ReportIndicators(
        meta["uid"], meta.get("title"), meta.get("publisher"), meta.get("level"), meta.get("province"),
        meta.get("city"), meta.get("county"), meta.get("region_code"), meta.get("year"), meta.get("template"),
        data["failing"], {d.key: figures[d.key] for d in DEFINITIONS}, {}, data["table"],
    )  # fmt: skip


_FIGURES: dict[tuple[Any, Any], Figure] = {}


def _figure(value: float | None, reason: str | None) -> Figure:
    """One Figure per (value, reason) read back: a panel of 10,000 reports repeats a few thousand of
    them 430,000 times, and making each anew was half of reading the panel. Figures are not changed
    once made, so they are shared."""
    key = (value, reason)
    made = _FIGURES.get(key)
    if made is None:
        if len(_FIGURES) > 200_000:
            _FIGURES.clear()
        made = _FIGURES[key] = Figure(value, reason)
    return made


GROUPINGS = ("province", "city", "county", "level", "year")


@dataclass(frozen=True)
class Figure:
    """One indicator of one report (or group): a value, or None with the reason."""

    value: float | None
    reason: str | None = None


@dataclass
class ReportIndicators:
    uid: str
    title: str | None
    publisher: str | None
    level: str | None
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None
    year: int | None
    template: str | None
    failing_checks: int
    figures: dict[str, Figure]
    cells: Cells = field(default_factory=dict)
    failing_table_checks: int = 0

    @property
    def flagged(self) -> bool:
        """The report's own checks of its tables' numbers fail (``TABLE_CHECKS``): its figures may be wrong."""
        return self.failing_table_checks > 0

    def row(self) -> dict[str, Any]:
        """The panel's row: metadata, then every indicator, then every table cell."""
        out: dict[str, Any] = {
            "report_id": self.uid,
            "title": self.title,
            "publisher": self.publisher,
            "level": self.level,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "region_code": self.region_code,
            "year": self.year,
            "template": self.template,
            "flagged": self.flagged,
            "failing_table_checks": self.failing_table_checks,
        }
        out.update({d.key: self.figures[d.key].value for d in DEFINITIONS})
        out.update({f"{t}.{r}.{c}": v for (t, r, c), v in sorted(self.cells.items())})
        return out


def report_indicators(
    meta: dict[str, Any], cells: Cells, reasons: Reasons, failing_checks: int, failing_table_checks: int = 0
) -> ReportIndicators:
    """Every indicator of one report from its stored table cells."""
    template = meta.get("template")
    figures: dict[str, Figure] = {}

    def cell(table: str, row: str, col: str) -> Figure:
        key = (table, row, col)
        if key not in cells:
            return Figure(None, f"{row} · {col} is not in the report's table")
        value = cells[key]
        return Figure(value, None if value is not None else f"{row} · {col} not proven: {reasons.get(key, '')}")

    outcome_rows: dict[str, list[str]] = {prefix: [] for prefix in _OUTCOME_PREFIXES.values()}
    for table, row, col in cells:  # one pass: the sub-rows of each outcome (不予公开.…) by their prefix
        if table == "requests" and col == "总计" and "." in row:
            head = row.split(".", 1)[0] + "."
            if head in outcome_rows:
                outcome_rows[head].append(row)

    def total(prefix: str) -> Figure:
        parts = [("requests", row, "总计") for row in outcome_rows[prefix]]
        if not parts:
            return Figure(None, f"no {prefix.rstrip('.')} rows in the report's table")
        missing = [k[1] for k in parts if cells[k] is None]
        if missing:
            return Figure(None, f"{'、'.join(missing)} not proven")
        return Figure(sum(cells[k] for k in parts))  # type: ignore[misc]

    figures["收到申请"] = cell("requests", "新收", "总计")
    figures["上年结转"] = cell("requests", "上年结转", "总计")
    figures["办结"] = cell("requests", "总计", "总计")
    figures["予以公开"] = cell("requests", "予以公开", "总计")
    figures["部分公开"] = cell("requests", "部分公开", "总计")
    for name, prefix in _OUTCOME_PREFIXES.items():
        figures[name] = total(prefix)
    figures["结转下年度"] = cell("requests", "结转下年度", "总计")
    figures["自然人申请"] = cell("requests", "新收", APPLICANT_COLUMNS[0])
    for block in _REVIEW:
        figures[block] = cell("review_litigation", block, "总计")
        figures[f"{block}纠正"] = cell("review_litigation", block, "纠正")
    for doc, row_2019, row_2021 in _DOCUMENTS:
        for t, fields in DOCUMENT_FIELDS.items():
            for name, label in fields:
                if template != t:
                    figures[f"{doc}.{label}"] = Figure(None, f"the report uses the {template} template")
                else:
                    figures[f"{doc}.{label}"] = cell("proactive", row_2019 if t == "2019" else row_2021, name)
    figures["行政许可决定"] = cell("proactive", "行政许可", "decisions")
    figures["行政处罚决定"] = cell("proactive", "行政处罚", "decisions")
    if template == "2021":
        figures["收费金额"] = cell("proactive", "行政事业性收费", "amount_wan_yuan")
    else:
        figures["收费金额"] = Figure(None, f"the {template} template prints no 收费金额")
    figures["不通过检查"] = Figure(failing_checks)
    received = figures["收到申请"]
    figures["零申请"] = (
        Figure(1 if received.value == 0 else 0) if received.value is not None else Figure(None, received.reason)
    )
    for d in DEFINITIONS:
        if d.kind == "rate":
            figures[d.key] = rate(d, figures)
    return ReportIndicators(
        meta["uid"],
        meta.get("title"),
        meta.get("publisher"),
        meta.get("level"),
        meta.get("province"),
        meta.get("city"),
        meta.get("county"),
        meta.get("region_code"),
        meta.get("year"),
        template,
        failing_checks,
        {d.key: figures[d.key] for d in DEFINITIONS},
        dict(cells),
        failing_table_checks,
    )


def rate(d: Definition, counts: dict[str, Figure]) -> Figure:
    """A rate from its counts: None with the reason when a part is unknown or the denominator is 0."""
    if all(counts[k].value == 0 for k in d.denominator):  # null whatever the numerator is
        return Figure(None, f"{' + '.join(d.denominator)} is 0")
    unknown = [k for k in (*d.numerator, *d.denominator) if counts[k].value is None]
    if unknown:
        return Figure(None, f"{'、'.join(unknown)} not known")
    below = sum(counts[k].value for k in d.denominator)  # type: ignore[misc]
    return Figure(sum(counts[k].value for k in d.numerator) / below)  # type: ignore[misc]


# ------------------------------------------------------------------ aggregates


@dataclass
class Group:
    """One group's figures: counts summed, rates recomputed from the sums, each with its report count."""

    key: dict[str, Any]
    reports: int
    flagged: int
    figures: dict[str, Figure]
    behind: dict[str, int]  # indicator → reports whose parts are known (the figure's base)
    report_ids: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.key,
            "reports": self.reports,
            "flagged": self.flagged,
            "figures": {k: f.value for k, f in self.figures.items()},
            "reports_behind": self.behind,
            "null_reasons": {k: f.reason for k, f in self.figures.items() if f.value is None},
            "report_ids": self.report_ids,
        }


def aggregate(panel: Iterable[ReportIndicators], by: Iterable[str] = (), exclude_flagged: bool = False) -> list[Group]:
    """Groups of reports (all of them when ``by`` is empty) with their figures."""
    by = tuple(by)
    unknown = set(by) - set(GROUPINGS)
    if unknown:
        from indexer.errors import NianbaoError

        raise NianbaoError(f"cannot group by {', '.join(sorted(unknown))}: one of {', '.join(GROUPINGS)}")
    groups: dict[tuple, list[ReportIndicators]] = defaultdict(list)
    for r in panel:
        if exclude_flagged and r.flagged:
            continue
        groups[tuple(getattr(r, g) for g in by)].append(r)
    out = []
    for key, members in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        out.append(_group(dict(zip(by, key, strict=True)), members))
    return out


def _group(key: dict[str, Any], members: list[ReportIndicators]) -> Group:
    figures: dict[str, Figure] = {}
    behind: dict[str, int] = {}
    for d in DEFINITIONS:
        if d.kind in ("count", "flag"):
            known = [m.figures[d.key].value for m in members if m.figures[d.key].value is not None]
            behind[d.key] = len(known)
            figures[d.key] = Figure(sum(known)) if known else Figure(None, "no report of the group has it")  # type: ignore[arg-type]
    for d in DEFINITIONS:
        if d.kind != "rate":
            continue
        parts = (*d.numerator, *d.denominator)
        usable = [m for m in members if all(m.figures[k].value is not None for k in parts)]
        behind[d.key] = len(usable)
        if not usable:
            figures[d.key] = Figure(None, "no report of the group has all its parts")
            continue
        below = sum(m.figures[k].value for m in usable for k in d.denominator)  # type: ignore[misc]
        above = sum(m.figures[k].value for m in usable for k in d.numerator)  # type: ignore[misc]
        figures[d.key] = Figure(above / below) if below else Figure(None, f"{' + '.join(d.denominator)} sums to 0")
    return Group(
        key,
        len(members),
        sum(1 for m in members if m.flagged),
        figures,
        behind,
        [m.uid for m in members],
    )


def ranking(groups: list[Group], indicator: str, min_reports: int = 5) -> tuple[list[Group], list[Group]]:
    """Groups of at least ``min_reports`` reports ranked by an indicator (highest first), and the groups
    the guard leaves out (too few reports, or the figure is null)."""
    if indicator not in BY_KEY:
        from indexer.errors import NianbaoError

        raise NianbaoError(f"unknown indicator '{indicator}': one of {', '.join(BY_KEY)}")
    ranked = [g for g in groups if g.reports >= min_reports and g.figures[indicator].value is not None]
    left = [g for g in groups if g not in ranked]
    ranked.sort(key=lambda g: -g.figures[indicator].value)  # type: ignore[operator]
    return ranked, left
