"""统计: indicators (公开率, 复议纠错率 …) by region and year — a trend by year, a region × year heatmap, a
ranking with its guard — and a click from any figure to the reports behind it; downloads of the panel."""

from __future__ import annotations

import html
import io
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indexer.indicators import BY_KEY, DEFINITIONS, aggregate, ranking
from indexer.labels import CHECK_LABELS, GROUPING_LABELS, LEVEL_LABELS
from ui.common import (
    figure_text,
    indicator_panel,
    library,
    provinces_and_years,
    report_anchor,
    report_card,
    setup,
    show_cards,
)
from ui.tables import CSS as TABLE_CSS

GROUPINGS = {"": "全部报告", "province": "省份", "city": "地市", "county": "区县", "level": "层级"}
DEFAULT = ["公开率", "收到申请", "复议纠错率"]


def _group_name(key: dict[str, Any], grouping: str) -> str:
    if not grouping:
        return "全部报告"
    value = key.get(grouping)
    if value is None:
        return "未识别"
    return LEVEL_LABELS.get(value, value) if grouping == "level" else str(value)


def _reports_behind(rows: list[Any], uids: list[str], caption: str) -> None:
    wanted = set(uids)
    chosen = [r for r in rows if r.uid in wanted]
    st.markdown(f"**{caption}**：{len(chosen)} 份报告")
    links = [
        report_anchor(r.uid, f"{'※ ' if r.flagged else ''}{r.year or '—'} {html.escape(r.title or r.uid)}")
        for r in sorted(chosen, key=lambda r: (r.year or 0, r.title or ""))
    ]
    if links:  # one block of links: a page link each took a second for a few hundred reports
        st.html("<div class='nb-links'>" + "<br>".join(links) + "</div>")


def _shade(share: float) -> tuple[str, str]:
    """A cell's background on a white-to-blue scale (0 → lightest, 1 → darkest) and a text colour that
    stays readable on it."""
    light, dark = (247, 251, 255), (8, 81, 156)
    rgb = (round(a + (b - a) * share) for a, b in zip(light, dark, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#fff" if share > 0.6 else "#222"


def heat_table(groups: list[str], years: list[int], cell: dict[tuple[str, int], Any], key: str) -> str:
    """The group × year figures as a table shaded by value (a heatmap that is text: it can be read,
    selected and copied, and draws at once); each cell's hover says how many reports it counts."""
    values = [g.figures[key].value for g in cell.values() if g.figures[key].value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    out = ["<table class='nb-t nb-heat'><tr><th></th>", *(f"<th>{y}</th>" for y in years), "</tr>"]
    for name in groups:
        out.append(f"<tr><th class='nb-row'>{html.escape(name)}</th>")
        for year in years:
            g = cell.get((name, year))
            value = g.figures[key].value if g else None
            if value is None:
                tip = f"{name} {year}：此项为空（{g.reports} 份报告）" if g else f"{name} {year}：没有报告"
                out.append(f"<td title='{html.escape(tip, quote=True)}'></td>")
                continue
            back, fore = _shade((value - low) / (high - low) if high > low else 0.5)
            text = figure_text(key, value)
            tip = html.escape(f"{name} {year}：{text}（{g.reports} 份报告）", quote=True)
            out.append(f"<td style='background:{back};color:{fore}' title='{tip}'>{text}</td>")
        out.append("</tr>")
    return "".join([*out, "</table>"])


def _wide(rows: list[Any]) -> pd.DataFrame:
    return pd.DataFrame([r.row() for r in rows])


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")


def _xlsx(summary: pd.DataFrame, wide: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name="汇总", index=False)
        wide.to_excel(writer, sheet_name="各报告", index=False)
    return buffer.getvalue()


def main() -> None:
    setup("统计比较")
    provinces, years = provinces_and_years()
    if not years:
        st.info("库中还没有统计表。")
        return
    top = st.columns([2, 2, 3])
    grouping = top[0].selectbox("分组", list(GROUPINGS), format_func=GROUPINGS.get, index=1, key="s_group")
    province = top[1].selectbox("省份", [None, *provinces], format_func=lambda p: p or "全部", key="s_province")
    span = (years[0], years[-1])
    if len(years) > 1:
        span = top[2].select_slider("年度", options=years, value=span, key="s_years")
    chosen = st.multiselect(
        "指标",
        [d.key for d in DEFINITIONS],
        default=DEFAULT,
        format_func=lambda k: BY_KEY[k].label,
        placeholder="选择指标",
        key="s_ind",
    )
    left, right = st.columns(2)
    exclude = left.checkbox("不计表内检查不通过的报告（※）", key="s_exclude")
    guard = right.number_input("排名门槛：每组至少几份报告", min_value=1, value=5, step=1, key="s_guard")
    if not chosen:
        st.info("请选择至少一项指标。")
        return
    rows = indicator_panel(province, span)
    kept = [r for r in rows if not (exclude and r.flagged)]
    flagged = sum(r.flagged for r in rows)
    st.caption(
        f"{len(rows)} 份报告，其中 {flagged} 份表内检查不通过（※，指标照算）"
        + ("，已不计" if exclude and flagged else "，已计入" if flagged else "")
        + "。比率由各组的合计重新计算，不是各报告比率的平均；指标定义见 README「指标」。"
    )
    by = [grouping] if grouping else []
    by_year = aggregate(kept, [*by, "year"])
    overall = aggregate(kept, by)
    main_key = chosen[0]
    label = BY_KEY[main_key].label

    st.subheader(f"趋势：{label}（按年度）")
    trend_groups = sorted(overall, key=lambda g: -g.reports)[:10]
    names = {_group_name(g.key, grouping) for g in trend_groups}
    fig = go.Figure()
    for name in sorted(names):
        points = [g for g in by_year if _group_name(g.key, grouping) == name]
        fig.add_trace(
            go.Scatter(
                x=[g.key["year"] for g in points],
                y=[g.figures[main_key].value for g in points],
                mode="lines+markers",
                name=name,
                customdata=[[name, g.key["year"], g.reports, g.behind[main_key]] for g in points],
                hovertemplate="%{customdata[0]} %{x}：%{y}<br>%{customdata[2]} 份报告（%{customdata[3]} 份有此项）",
            )
        )
    fig.update_xaxes(title="年度", tickmode="array", tickvals=list(range(span[0], span[1] + 1)), tickformat="d")
    fig.update_yaxes(title=label, tickformat=".0%" if BY_KEY[main_key].kind == "rate" else ",d")
    fig.update_layout(height=380, margin={"t": 20}, legend_title_text=GROUPINGS[grouping])
    if len(names) > 1 and len(overall) > len(trend_groups):
        st.caption(f"图中为报告最多的 {len(trend_groups)} 组；全部 {len(overall)} 组见下方热力图与表格。")
    clicked = st.plotly_chart(fig, key="s_trend", on_select="rerun", selection_mode="points")
    points = (clicked or {}).get("selection", {}).get("points", []) if clicked else []
    if points:
        name, year = points[0]["customdata"][0], points[0]["customdata"][1]
        group = next(g for g in by_year if _group_name(g.key, grouping) == name and g.key["year"] == year)
        _reports_behind(
            rows, group.report_ids, f"{name} {year} 年 · {label} {figure_text(main_key, group.figures[main_key].value)}"
        )

    st.subheader(f"{GROUPINGS[grouping] if grouping else '全部'} × 年度：{label}")
    groups_shown = sorted({_group_name(g.key, grouping) for g in by_year})
    columns = list(range(span[0], span[1] + 1))
    cell = {(_group_name(g.key, grouping), g.key["year"]): g for g in by_year}
    st.html(TABLE_CSS)
    st.html(heat_table(groups_shown, columns, cell, main_key))
    options = sorted(cell, key=lambda k: (k[0], k[1]))
    pick = st.selectbox(
        "查看某格背后的报告",
        options,
        index=None,
        format_func=lambda k: f"{k[0]} {k[1]} 年（{cell[k].reports} 份）",
        placeholder="选择组与年度",
        key="s_cell",
    )
    if pick:
        g = cell[pick]
        _reports_behind(
            rows, g.report_ids, f"{pick[0]} {pick[1]} 年 · {label} {figure_text(main_key, g.figures[main_key].value)}"
        )

    st.subheader(f"排名：{label}")
    if not grouping:
        st.caption("按省份、地市、区县或层级分组后才有排名。")
    else:
        ranked, left_out = ranking(overall, main_key, int(guard))
        st.caption(
            f"仅排名不少于 {int(guard)} 份报告且此项不为空的组：排名 {len(ranked)} 组，未排名 {len(left_out)} 组"
            "（报告不足或此项为空）。点选一行查看该组的报告。"
        )
        table = pd.DataFrame(
            [
                {
                    "名次": i + 1,
                    GROUPINGS[grouping]: _group_name(g.key, grouping),
                    "报告数": g.reports,
                    "※": g.flagged,
                    **{BY_KEY[k].label: figure_text(k, g.figures[k].value) for k in chosen},
                    f"{label}的基数（份）": g.behind[main_key],
                }
                for i, g in enumerate(ranked)
            ]
        )
        if ranked:
            selected = st.dataframe(
                table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="s_rank"
            )
            picked_rows = selected.selection.rows if selected else []
            if picked_rows:
                g = ranked[picked_rows[0]]
                _reports_behind(rows, g.report_ids, f"{_group_name(g.key, grouping)} · {label}")
        else:
            st.info(f"没有不少于 {int(guard)} 份报告的组：可降低排名门槛。")

    st.subheader("汇总表")
    summary = pd.DataFrame(
        [
            {
                **{GROUPING_LABELS[k]: (LEVEL_LABELS.get(v, v) if k == "level" else v) for k, v in g.key.items()},
                "报告数": g.reports,
                "※": g.flagged,
                **{BY_KEY[k].label: g.figures[k].value for k in chosen},
                **{f"{BY_KEY[k].label}·基数": g.behind[k] for k in chosen},
            }
            for g in by_year
        ]
    )
    rate_format = st.column_config.NumberColumn(format="percent")
    st.dataframe(
        summary,
        hide_index=True,
        width="stretch",
        column_config={BY_KEY[k].label: rate_format for k in chosen if BY_KEY[k].kind == "rate"},
    )
    # The files are made when a button is pressed, not on every run: the panel of 10,000 reports as CSV
    # took half a second a run. A press does not rerun the page: a rerun registers new callables and drops
    # the pressed one, and a download requested after that is lost.
    a, b, c = st.columns(3)
    a.download_button("下载汇总 CSV", lambda: _csv(summary), "nianbao-指标汇总.csv", "text/csv", on_click="ignore")
    b.download_button(
        "下载各报告指标 CSV", lambda: _csv(_wide(kept)), "nianbao-各报告指标.csv", "text/csv", on_click="ignore"
    )
    c.download_button(
        "下载 XLSX",
        lambda: _xlsx(summary, _wide(kept)),
        "nianbao-指标.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    with st.expander("指标定义"):
        st.dataframe(
            pd.DataFrame([{"指标": d.label, "计算": d.formula, "为空的情形": d.null_when} for d in DEFINITIONS]),
            hide_index=True,
            width="stretch",
        )
    with st.expander(f"表内检查不通过的报告（{flagged}）"):
        failing = library().failing_checks(("requests.", "review."))[:50]
        show_cards(
            [
                report_card(rid, title or "打开报告", text=f"{CHECK_LABELS.get(check, check)} 不成立：{detail}")
                for rid, title, check, detail in failing
            ]
        )


main()
