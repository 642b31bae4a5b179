"""对比: one unit's reports side by side by year — indicators and every table cell, the cells that changed
marked — with the checks between consecutive years and the problems that recur."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from indexer.indicators import BY_KEY
from indexer.labels import FIELD_LABELS, TABLE_LABELS
from ui.common import figure_text, library, report_link, setup, show_text

SHOWN = ("收到申请", "办结", "公开率", "不予公开率", "无法提供率", "结转率", "复议", "复议纠错率", "争议转化率",
         "行政许可决定", "行政处罚决定", "不通过检查")  # fmt: skip
MARKS = {"ok": "○ 通过", "failed": "× 不通过", "not_evaluable": "－ 无法检查"}
CHANGED = "background-color: #fff1b8"


@st.cache_data(show_spinner=False)
def units() -> list[tuple[str, list[int]]]:
    return library().units()


def _items(heading: str, items: list[dict], *passages: tuple[str, str]) -> None:
    """Items of one kind between two years: how many kinds, then each with its passages (prefix, key)."""
    st.markdown(f"{heading}：{len({i['label'] for i in items})} 类")
    for item in items:
        st.markdown(f"**{item['label']}**")
        for prefix, key in passages:
            show_text(prefix + _short(item[key]))


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _cells_table(reports: list[Any], table: str) -> pd.DataFrame:
    """One row per cell of ``table`` (行, 列), one column per year; then 变化: the years it changed in."""
    years = [r.year for r in reports]
    keys = list(dict.fromkeys(k for r in reports for k in r.cells if k[0] == table))
    rows = []
    for _, row, col in keys:
        values = [r.cells.get((table, row, col)) for r in reports]
        changed = [
            f"{y}"
            for y, a, b in zip(years[1:], values, values[1:], strict=False)
            if a is not None and b is not None and a != b
        ]
        rows.append(
            {"行": row, "列": FIELD_LABELS.get(col, col), **{str(y): v for y, v in zip(years, values, strict=True)},
             "变化": "、".join(changed)}
        )  # fmt: skip
    return pd.DataFrame(rows)


def _mark_changes(frame: pd.DataFrame, years: list[str]) -> pd.io.formats.style.Styler:
    def style(row: pd.Series) -> list[str]:
        out = []
        for i, column in enumerate(row.index):
            if column in years and i and years.index(column) > 0:
                before = row[years[years.index(column) - 1]]
                now = row[column]
                out.append(CHANGED if pd.notna(before) and pd.notna(now) and before != now else "")
            else:
                out.append("")
        return out

    def number(v: Any) -> str:
        return "—" if pd.isna(v) else f"{v:,.10g}"

    return frame.style.apply(style, axis=1).format(number, subset=years)


def main() -> None:
    setup("同一单位逐年对比")
    known = units()
    if not known:
        st.info("库中还没有报告。")
        return
    names = [u for u, _ in known]
    years_of = dict(known)
    wanted = st.query_params.get("unit")
    several = sum(1 for _, y in known if len(y) > 1)
    st.caption(f"{len(known)} 个发布单位，其中 {several} 个有两年以上的报告（排在前面）。")
    unit = st.selectbox(
        "发布单位",
        names,
        index=names.index(wanted) if wanted in names else 0,
        format_func=lambda u: f"{u}（{'、'.join(map(str, years_of[u]))}）",
        key="c_unit",
    )
    st.query_params["unit"] = unit
    found = library().cross_year(unit)
    reports = [y["report"] for y in found["years"]]
    years = [str(r.year) for r in reports]
    cols = st.columns(len(reports))
    for col, r in zip(cols, reports, strict=True):
        with col:
            st.markdown(f"**{r.year} 年**{' ※' if r.flagged else ''}")
            report_link(r.uid, r.title or r.uid)
    if len(reports) == 1:
        st.info(f"{unit} 只有 {years[0]} 年的报告：没有可对比的上一年。")

    st.subheader("指标")
    indicators = pd.DataFrame(
        [{"指标": BY_KEY[k].label, **{str(r.year): figure_text(k, r.figures[k].value) for r in reports}} for k in SHOWN]
    )
    st.table(indicators.set_index("指标"))

    st.subheader("逐年检查")
    checks = found["checks"]
    failed = [c for c in checks if c.status == "failed"]
    st.caption(
        f"通过 {sum(c.status == 'ok' for c in checks)} 项，不通过 {len(failed)} 项，"
        f"无法检查 {sum(c.status == 'not_evaluable' for c in checks)} 项"
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "年度": f"{c.previous_year}→{c.year}",
                    "检查": c.check,
                    "结果": MARKS[c.status],
                    "本年": c.value,
                    "按上年应为": c.expected,
                    "说明": c.detail,
                }
                for c in checks
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    for c in failed:
        st.error(f"{c.previous_year}→{c.year} {c.check}：{c.detail}")

    st.subheader("问题是否再现")
    if not found["problems"]:
        st.caption("没有相邻两年的报告可比。")
    for pair in found["problems"]:
        with st.container(border=True):
            st.markdown(f"**{pair['year']} → {pair['next_year']}**")
            _items(
                "再次出现的问题",
                pair["recurring_problems"],
                (f"{pair['year']}：", "text"),
                (f"{pair['next_year']}：", "next_year_text"),
            )
            _items(
                "上年提出、本年报告已落实的改进",
                pair["fixes_reported_done"],
                (f"{pair['year']} 年提出：", "proposed"),
                (f"{pair['next_year']} 年报告：", "reported_next_year"),
            )

    st.subheader("统计表逐格对比")
    st.caption("与上一年不同的格以黄色标出；“变化”列为发生变化的年度。— 为未能确认的数。")
    for table in ("proactive", "requests", "review_litigation"):
        frame = _cells_table(reports, table)
        if frame.empty:
            continue
        changed = int((frame["变化"] != "").sum())
        with st.expander(f"{TABLE_LABELS[table]}（{len(frame)} 格，{changed} 格有变化）", expanded=table == "requests"):
            st.dataframe(_mark_changes(frame, years), hide_index=True, width="stretch")


main()
