"""Exports: the statistics tables of every stored report in long form, the indicator panel, and a
search's hits — for spreadsheets and R/pandas."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable
from typing import Any, TextIO

LONG_COLUMNS = (
    "report_id",
    "path",
    "title",
    "publisher",
    "province",
    "city",
    "county",
    "level",
    "year",
    "template",
    "kind",
    "table",
    "row",
    "column",
    "value",
    "derived",
    "ok",
    "detail",
)


def write_long_csv(conn: sqlite3.Connection, out: TextIO) -> int:
    """One line per table cell (kind=cell) and per check (kind=check); returns the number of lines."""
    writer = csv.writer(out)
    writer.writerow(LONG_COLUMNS)
    meta = "r.uid, r.path, r.title, r.publisher, r.province, r.city, r.county, r.level, r.year, r.template"
    count = 0
    cells = conn.execute(
        f"SELECT {meta}, 'cell', c.tbl, c.row, c.col, c.value, c.derived, NULL, c.reason "
        "FROM table_cells c JOIN reports r ON r.id = c.report_id ORDER BY r.id, c.idx"
    )
    checks = conn.execute(
        f"SELECT {meta}, 'check', NULL, NULL, k.check_id, NULL, NULL, k.ok, k.detail "
        "FROM checks k JOIN reports r ON r.id = k.report_id ORDER BY r.id, k.id"
    )
    for source in (cells, checks):
        for row in source:
            values = list(row)
            if values[14] is not None and float(values[14]).is_integer():
                values[14] = int(values[14])
            writer.writerow(values)
            count += 1
    return count


def write_frame(rows: list[dict], path: str, fmt: str) -> None:
    """Rows (dicts of one shape) to a CSV (UTF-8 with BOM, for Excel), XLSX or Parquet file."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    elif fmt == "parquet":
        frame.to_parquet(path, index=False, engine="pyarrow")
    else:
        raise ValueError(f"unknown format {fmt!r}")


HIT_COLUMNS = ("报告编号", "标题", "发布机关", "省份", "城市", "区县", "年度", "章节", "片段", "文件")


def hit_rows(result: Any, sections: dict[str, str], clean: Callable[[str], str] = str) -> list[list]:
    """A search's export: the header, then one row per passage of each report hit (a report without
    passages, one row); ``sections`` names the section kinds, ``clean`` tidies each snippet."""
    rows: list[list] = [list(HIT_COLUMNS)]
    for h in result.hits:
        for p in h.passages or [None]:
            section = sections.get(p.section, p.section) if p else ""
            snippet = clean(p.marked()) if p else ""
            rows.append([h.report_id, h.title, h.publisher, h.province, h.city, h.county, h.year, section, snippet,
                         h.path])  # fmt: skip
    return rows


def write_rows(rows: list[list], fmt: str) -> bytes:
    """Rows (the first a header) as a CSV (UTF-8 with BOM, for Excel) or an XLSX workbook."""
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("检索结果")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
