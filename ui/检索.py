"""Nianbao 年报 — the researcher's front end (Streamlit). Run with `nianbao ui`. This page: 检索."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from indexer.labels import LEVEL_LABELS, SECTION_LABELS
from indexer.search import SearchQuery
from indexer.search.base import SearchResult
from indexer.tables_export import hit_rows, write_rows
from ui.common import highlighted, library, plain, region_label, report_card, setup, show_cards

PER_PAGE = 10


def facet_choice(label: str, result: SearchResult | None, name: str, names: dict | None = None) -> str | None:
    """A filter whose options carry the facet counts of the current results."""
    pairs = result.facets.get(name, []) if result else []
    current = st.session_state.get(f"f_{name}")
    options = [None] + [v for v, _ in pairs]
    if current is not None and current not in options:
        options.append(current)
    counts = dict(pairs)

    def fmt(v):
        if v is None:
            return "全部"
        shown = names.get(v, v) if names else v
        return f"{shown} ({counts[v]})" if v in counts else str(shown)

    return st.selectbox(label, options, format_func=fmt, key=f"f_{name}")


SYNTAX_HELP = """
| 输入 | 找到的报告 |
|---|---|
| `政务 复议`（或 `政务 AND 复议`） | 同时含两者 |
| `政务 OR 复议` | 含其中之一 |
| `公开 -复议`、`公开 NOT 复议` | 含“公开”但不含“复议”（按原文排除，不论出现在哪一部分） |
| `"政府信息 公开"` | 原样含这一短语（引号内的空格保留） |
| `(政务 OR 复议) 公开` | 括号分组 |

其他写法一律按文字检索，不会报错：如 `title:x`、`政务*`、不成对的引号或括号、`政府信息公开(2021)`。
选了章节时，每个检索词都须出现在该章节中。“精确匹配”返回正文含该字符串的全部报告；
“相关度”按分词打分，并包含精确匹配能找到的全部报告。
"""


def main() -> None:
    setup("政府信息公开工作年度报告 · 检索")
    state = st.session_state
    state.setdefault("page", 1)
    text = st.text_input("检索词", key="q", placeholder="例如：政府开放日、政策解读、政府信息公开条例")
    with st.expander("检索语法"):
        st.markdown(SYNTAX_HELP)
    mode = st.radio(
        "方式",
        ["ranked", "exact"],
        horizontal=True,
        key="mode",
        format_func=lambda m: "相关度（分词）" if m == "ranked" else "精确匹配（原文子串）",
    )
    # The query from this run's filter values (in the session before their widgets draw), so the facets
    # the sidebar offers are the current query's, never the previous one's.
    years = state.get("years", (2008, 2025))
    query = SearchQuery(
        text=text,
        mode=mode,
        province=state.get("f_province"),
        city=state.get("f_city"),
        county=state.get("f_county"),
        level=state.get("f_level"),
        year_from=years[0] if years[0] > 2008 else None,
        year_to=years[1] if years[1] < 2025 else None,
        section=state.get("f_section"),
        sort=state.get("sort", "relevance"),
        page=state["page"],
        per_page=PER_PAGE,
    )
    filters = (query.text, query.mode, query.province, query.city, query.county, query.level, query.section, years,
               query.sort)  # fmt: skip
    if state.get("filters") not in (None, filters):
        state["page"] = 1
        query = replace(query, page=1)
    state["filters"] = filters
    with st.spinner("检索中…"):
        result = library().search(query)
    with st.sidebar:
        st.header("筛选")
        facet_choice("省份", result, "province")
        facet_choice("城市", result, "city")
        facet_choice("区县", result, "county")
        facet_choice("层级", result, "level", LEVEL_LABELS)
        facet_choice("章节", result, "section", SECTION_LABELS)
        st.slider("年度", 2008, 2025, (2008, 2025), key="years")
        st.radio(
            "排序",
            ["relevance", "year"],
            key="sort",
            format_func=lambda s: "相关度" if s == "relevance" else "年度（新→旧）",
        )
    pages = max(1, -(-result.total_reports // PER_PAGE))
    st.caption(
        f"共 {result.total_reports} 份报告 · 用时 {result.elapsed_ms:.0f} 毫秒 · 第 {query.page}/{pages} 页"
        + (f" · {result.notice}" if result.notice else "")
    )
    cards = []
    for hit in result.hits:
        level_label = LEVEL_LABELS.get(hit.level, hit.level or "")
        caption = (
            f"{region_label(hit.province, hit.city, hit.county)} · {hit.year or '年度未知'} · "
            f"{level_label} · 编号 {hit.report_id}"
        )
        passages = "".join(
            f"<div class='nb-passage'><span class='nb-section'>{SECTION_LABELS.get(p.section, p.section)}</span>"
            f"{highlighted(p)}</div>"
            for p in hit.passages
        )
        title = hit.title or "（无标题）"
        cards.append(report_card(hit.report_id, "打开报告", title=title, caption=caption, body=passages))
    show_cards(cards)
    left, middle, right = st.columns([1, 4, 1])
    if left.button("上一页", disabled=query.page <= 1):
        state["page"] = query.page - 1
        st.rerun()
    if right.button("下一页", disabled=query.page >= pages):
        state["page"] = query.page + 1
        st.rerun()
    if middle.button(f"导出全部 {result.total_reports} 份报告的结果", disabled=not result.total_reports):
        everything = library().search_all(query)  # every page: an export holds every result
        rows = hit_rows(everything, SECTION_LABELS, plain)
        a, b = st.columns(2)
        a.download_button("下载 CSV", write_rows(rows, "csv"), file_name="nianbao-检索结果.csv", mime="text/csv")
        b.download_button(
            "下载 XLSX",
            write_rows(rows, "xlsx"),
            file_name="nianbao-检索结果.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        st.caption(f"{len(everything.hits)} 份报告，{len(rows) - 1} 行（每份报告的每段命中一行）")


main()
