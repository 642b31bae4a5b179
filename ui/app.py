"""Nianbao 年报 — the researcher's front end (Streamlit). Run with `nianbao ui`."""

from __future__ import annotations

import html
import os

import streamlit as st

from indexer.search import SearchQuery, open_backend
from indexer.search.base import PassageHit, SearchResult

SECTION_LABELS = {
    "preamble": "标题与导言",
    "overview": "一、总体情况",
    "proactive": "二、主动公开",
    "applications": "三、依申请公开",
    "review_litigation": "四、复议诉讼",
    "problems": "五、问题及改进",
    "other": "六、其他事项",
}
LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门", "township": "乡镇"}
PER_PAGE = 10


@st.cache_resource
def backend():
    return open_backend(os.environ.get("NIANBAO_DB"))


def highlighted(p: PassageHit) -> str:
    """The snippet escaped, with its matches in <mark>: report text never renders as HTML or Markdown."""
    out, pos = [], 0
    for a, b in p.highlights:
        out += [html.escape(p.snippet[pos:a]), "<mark>", html.escape(p.snippet[a:b]), "</mark>"]
        pos = b
    out.append(html.escape(p.snippet[pos:]))
    return "".join(out).replace("\n", "")


def facet_choice(label: str, result: SearchResult | None, name: str, current: str | None, names=None) -> str | None:
    pairs = result.facets.get(name, []) if result else []
    options = [None] + [v for v, _ in pairs]
    if current and current not in options:
        options.append(current)
    counts = dict(pairs)

    def fmt(v):
        if v is None:
            return "全部"
        shown = names.get(v, v) if names else v
        return f"{shown} ({counts[v]})" if v in counts else str(shown)

    return st.selectbox(label, options, index=options.index(current), format_func=fmt, key=f"f_{name}")


def main() -> None:
    st.set_page_config(page_title="年报检索 Nianbao", layout="wide")
    st.title("政府信息公开工作年度报告 · 检索")
    state = st.session_state
    state.setdefault("page", 1)
    query_text = st.text_input("检索词", key="q", placeholder="例如：政府开放日、政策解读、政府信息公开条例")
    mode = st.radio(
        "方式",
        ["ranked", "exact"],
        horizontal=True,
        key="mode",
        format_func=lambda m: "相关度（分词）" if m == "ranked" else "精确匹配（原文子串）",
    )
    previous: SearchResult | None = state.get("last_result")
    with st.sidebar:
        st.header("筛选")
        province = facet_choice("省份", previous, "province", state.get("f_province"))
        city = facet_choice("城市", previous, "city", state.get("f_city"))
        county = facet_choice("区县", previous, "county", state.get("f_county"))
        level = facet_choice("层级", previous, "level", state.get("f_level"), LEVEL_LABELS)
        section = facet_choice("章节", previous, "section", state.get("f_section"), SECTION_LABELS)
        years = st.slider("年度", 2008, 2025, (2008, 2025), key="years")
        sort = st.radio(
            "排序",
            ["relevance", "year"],
            key="sort",
            format_func=lambda s: "相关度" if s == "relevance" else "年度（新→旧）",
        )
    query = SearchQuery(
        text=query_text,
        mode=mode,
        province=province,
        city=city,
        county=county,
        level=level,
        year_from=years[0] if years[0] > 2008 else None,
        year_to=years[1] if years[1] < 2025 else None,
        section=section,
        sort=sort,
        page=state["page"],
        per_page=PER_PAGE,
    )
    result = backend().search(query)
    state["last_result"] = result
    pages = max(1, -(-result.total_reports // PER_PAGE))
    st.caption(
        f"共 {result.total_reports} 份报告 · 用时 {result.elapsed_ms:.0f} 毫秒 · 第 {query.page}/{pages} 页"
        + (f" · {result.notice}" if result.notice else "")
    )
    for hit in result.hits:
        region = " / ".join(x for x in (hit.province, hit.city, hit.county) if x)
        with st.container(border=True):
            st.markdown(f"**{html.escape(hit.title or '（无标题）')}**", unsafe_allow_html=True)
            level = LEVEL_LABELS.get(hit.level, hit.level or "")
            st.caption(f"{region} · {hit.year or '年度未知'} · {level} · 编号 {hit.report_id}")
            for p in hit.passages:
                label = SECTION_LABELS.get(p.section, p.section)
                st.markdown(
                    f"<div class='nb-passage'><span class='nb-section'>{label}</span> {highlighted(p)}</div>",
                    unsafe_allow_html=True,
                )
    left, _, right = st.columns([1, 4, 1])
    if left.button("上一页", disabled=query.page <= 1):
        state["page"] = query.page - 1
        st.rerun()
    if right.button("下一页", disabled=query.page >= pages):
        state["page"] = query.page + 1
        st.rerun()
    st.markdown(
        "<style>.nb-passage{margin:.3rem 0;line-height:1.7}.nb-section{color:#888;font-size:.85em}"
        "mark{background:#ffe58f;padding:0 .1em}</style>",
        unsafe_allow_html=True,
    )


main()
