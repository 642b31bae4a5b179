"""A report's three statistics tables as its template prints them: rows and columns in template order, in
Chinese; a blank cell blank with its reason on hover, a derived cell marked with its basis, a cell in a
failing check highlighted with the check, each number a link to the passage it was read from."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from indexer.labels import (
    CHECK_LABELS,
    FIELD_LABELS,
    REQUEST_ROW_LABELS,
    REVIEW_BLOCK_LABELS,
    TABLE_LABELS,
    note_label,
)
from indexer.model import APPLICANT_COLUMNS, REVIEW_FIELDS

CSS = """<style>
table.nb-t{border-collapse:collapse;font-size:.9em;margin:.2rem 0 1rem}
.nb-t th,.nb-t td{border:1px solid #ddd;padding:.2rem .45rem}.nb-t td{text-align:right}
.nb-t th{background:#f6f6f6;font-weight:500}.nb-t th.nb-row{text-align:left;font-weight:400}
.nb-t td.nb-derived{background:#eef6ff}.nb-t td.nb-fail{background:#ffe1e1}.nb-t td.nb-blank{background:#fafafa}
.nb-t a{color:inherit;text-decoration:none}.nb-t a:hover{text-decoration:underline}.nb-t.nb-list td{text-align:left}
</style>"""
_COLUMNS_IN_DETAIL = re.compile(rf"({'|'.join(APPLICANT_COLUMNS)})[:：]")


def failing_cells(model: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    """The cells each failing table check concerns, with the check's name and message."""
    out: dict[tuple[str, str, str], str] = {}
    rows = list((model.get("requests") or {}).get("rows") or {})
    for c in model.get("consistency") or []:
        if c["ok"] is not False:
            continue
        note = f"{CHECK_LABELS.get(c['check'], c['check'])} 不成立：{c['detail']}"
        columns = _COLUMNS_IN_DETAIL.findall(c["detail"]) or ["总计"]
        if c["check"] == "requests.balance":
            cells = [("requests", r, col) for r in ("新收", "上年结转", "总计", "结转下年度") for col in columns]
        elif c["check"] == "requests.total_row":
            cells = [("requests", "总计", col) for col in columns]
        elif c["check"] == "requests.row_sum":
            named = [r for r in rows if r in c["detail"]]
            cells = [("requests", r, "总计") for r in named]
        elif c["check"] == "review.sum":
            cells = [("review_litigation", b, "总计") for b in REVIEW_BLOCK_LABELS if c["detail"].startswith(b)]
        else:
            continue
        for cell in cells:
            out.setdefault(cell, note)
    return out


def _cell(model: dict[str, Any], report_id: str, key: tuple[str, str, str], value: Any, notes: dict) -> str:
    table, row, col = key
    derived, unproven, failing = notes["derived"], notes["unproven"], notes["failing"]
    classes, title = [], []
    if value is None:
        classes.append("nb-blank")
        title.append(f"未能确认：{note_label(unproven[key]) if key in unproven else '表中未印出'}")
        shown = ""
    else:
        shown = f"{value:,.10g}" if isinstance(value, float) else f"{value:,}"
        if key in derived:
            classes.append("nb-derived")
            shown += "*"
            title.append(f"推算：{note_label(derived[key])}")
    if key in failing:
        classes.append("nb-fail")
        title.append(failing[key])
    if value is not None and f"{table}/{row}/{col}" in (model.get("sources") or {}):
        link = f"?id={quote(report_id)}&cell={quote(f'{report_id}:{table}/{row}/{col}')}"
        shown = f"<a href='{html.escape(link, quote=True)}' target='_self'>{html.escape(shown)}</a>"
    else:
        shown = html.escape(shown)
    attrs = f" class='{' '.join(classes)}'" if classes else ""
    if title:
        attrs += f" title='{html.escape(chr(10).join(title), quote=True)}'"
    return f"<td{attrs}>{shown}</td>"


def _notes(model: dict[str, Any]) -> dict[str, dict]:
    derived = {(d["table"], d["row"], d["column"]): d["basis"] for d in model.get("derived_cells") or []}
    # A row the arithmetic placed whole has column None: every column of it is derived.
    for d in model.get("derived_cells") or []:
        if d["column"] is None and d["table"] == "requests":
            for col in APPLICANT_COLUMNS:
                derived.setdefault(("requests", d["row"], col), d["basis"])
    unproven = {(u["table"], u["row"], u["column"]): u["reason"] for u in model.get("unproven_cells") or []}
    return {"derived": derived, "unproven": unproven, "failing": failing_cells(model)}


def _header(first: str, columns: list[str]) -> str:
    return "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in [first, *columns]) + "</tr>"


def printed_tables(model: dict[str, Any], report_id: str) -> list[tuple[str, str]]:
    """(title, HTML) of each table the report has, in the order the template prints them."""
    notes = _notes(model)
    out = []
    proactive = model.get("proactive") or {}
    if proactive:
        parts, fields, rows_html = [], None, []
        for row, cells in proactive.items():
            if tuple(cells) != fields:
                if rows_html:
                    parts.append(rows_html)
                fields = tuple(cells)
                rows_html = [_header("信息内容", [FIELD_LABELS.get(f, f) for f in fields])]
            body = "".join(_cell(model, report_id, ("proactive", row, f), v, notes) for f, v in cells.items())
            rows_html.append(f"<tr><th class='nb-row'>{html.escape(row)}</th>{body}</tr>")
        parts.append(rows_html)
        tables = "".join(f"<table class='nb-t'>{''.join(p)}</table>" for p in parts)
        out.append((f"二、{TABLE_LABELS['proactive']}", tables))
    requests = model.get("requests") or {}
    if requests.get("rows"):
        columns = requests.get("columns") or list(APPLICANT_COLUMNS)
        lines = [_header("", columns)]
        for row, values in requests["rows"].items():
            pairs = zip(columns, values, strict=True)
            body = "".join(_cell(model, report_id, ("requests", row, col), v, notes) for col, v in pairs)
            lines.append(f"<tr><th class='nb-row'>{html.escape(REQUEST_ROW_LABELS.get(row, row))}</th>{body}</tr>")
        out.append((f"三、{TABLE_LABELS['requests']}", f"<table class='nb-t'>{''.join(lines)}</table>"))
    review = model.get("review_litigation") or {}
    if review:
        lines = [_header("", [FIELD_LABELS.get(f, f) for f in REVIEW_FIELDS])]
        for block, cells in review.items():
            body = "".join(
                _cell(model, report_id, ("review_litigation", block, f), cells.get(f), notes) for f in REVIEW_FIELDS
            )
            lines.append(f"<tr><th class='nb-row'>{html.escape(REVIEW_BLOCK_LABELS.get(block, block))}</th>{body}</tr>")
        out.append((f"四、{TABLE_LABELS['review_litigation']}", f"<table class='nb-t'>{''.join(lines)}</table>"))
    return out
