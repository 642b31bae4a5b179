"""统计: compare the statistics tables across regions and years, with downloads and failing checks."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from ui.common import library, report_link, setup

CELLS = {
    ("requests", "新收", "总计"): "收到申请",
    ("requests", "总计", "总计"): "办结",
    ("requests", "予以公开", "总计"): "予以公开",
    ("requests", "部分公开", "总计"): "部分公开",
    ("review_litigation", "复议", "总计"): "行政复议",
    ("review_litigation", "复议", "纠正"): "复议纠正",
    ("review_litigation", "直接起诉", "总计"): "直接起诉",
    ("review_litigation", "直接起诉", "纠正"): "直接起诉纠正",
    ("review_litigation", "复议后起诉", "总计"): "复议后起诉",
    ("review_litigation", "复议后起诉", "纠正"): "复议后起诉纠正",
}


@st.cache_data(show_spinner=False)
def figures() -> pd.DataFrame:
    """One row per report with the chosen cells (None where the parser could not prove them)."""
    rows = library().cells(list(CELLS))
    data: dict[str, dict] = {}
    for rid, title, province, city, county, level, year, tbl, row, col, value in rows:
        d = data.setdefault(
            rid,
            {
                "report_id": rid,
                "title": title,
                "province": province,
                "city": city,
                "county": county,
                "level": level,
                "year": year,
            },
        )
        name = CELLS.get((tbl, row, col))
        if name:
            d[name] = value
    frame = pd.DataFrame(list(data.values()))
    for name in CELLS.values():
        if name not in frame:
            frame[name] = None
    return frame


def rates(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = frame.groupby(by, dropna=False)[list(CELLS.values())].sum(min_count=1).reset_index()
    grouped["公开率"] = (grouped["予以公开"] + grouped["部分公开"]) / grouped["办结"].where(grouped["办结"] > 0)
    corrected = grouped[["复议纠正", "直接起诉纠正", "复议后起诉纠正"]].sum(axis=1, min_count=1)
    cases = grouped[["行政复议", "直接起诉", "复议后起诉"]].sum(axis=1, min_count=1)
    grouped["纠错率"] = corrected / cases.where(cases > 0)
    grouped["报告数"] = frame.groupby(by, dropna=False).size().values
    return grouped


def main() -> None:
    setup("统计比较")
    frame = figures()
    if frame.empty:
        st.info("库中还没有统计表。")
        return
    level = st.radio(
        "比较层级",
        ["province", "city", "county"],
        horizontal=True,
        key="s_level",
        format_func={"province": "省", "city": "市", "county": "区县"}.get,
    )
    by = {"province": ["province"], "city": ["province", "city"], "county": ["province", "city", "county"]}[level]
    provinces = sorted(p for p in frame["province"].dropna().unique())
    chosen = st.multiselect("省份", provinces, key="s_provinces")
    if chosen:
        frame = frame[frame["province"].isin(chosen)]
    table = rates(frame, [*by, "year"])
    percent = st.column_config.NumberColumn(format="percent")  # formatted in the browser: no Styler pass
    st.dataframe(table, width="stretch", hide_index=True, column_config={"公开率": percent, "纠错率": percent})
    by_year = rates(frame, ["year"]).set_index("year")
    left, right = st.columns(2)
    left.caption("收到申请（按年度）")
    left.bar_chart(by_year["收到申请"])
    right.caption("公开率（按年度）")
    right.line_chart(by_year["公开率"])
    a, b = st.columns(2)
    a.download_button("下载 CSV", table.to_csv(index=False).encode("utf-8-sig"), "nianbao-stats.csv", "text/csv")
    if b.button("生成 XLSX"):  # writing a workbook takes seconds on a large store: only when asked
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="比较", index=False)
            frame.to_excel(writer, sheet_name="各报告", index=False)
        b.download_button(
            "下载 XLSX",
            buffer.getvalue(),
            "nianbao-stats.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    st.subheader("表内检查不通过的报告")
    failing = library().failing_checks(("requests.", "review."))
    st.caption(f"{len(failing)} 项")
    for rid, title, check, detail in failing[:50]:
        with st.container(border=True):
            st.markdown(f"**{check}**：{detail}")
            report_link(rid, title or "打开报告")


main()
