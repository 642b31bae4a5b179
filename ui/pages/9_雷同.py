"""雷同: copied content — a report's sections beside last year's and beside the closest other report, the
shared passages marked; and the most-copied sections for the chosen province, year and level."""

from __future__ import annotations

import html

import streamlit as st

from indexer.copies import SectionMatch
from indexer.errors import NianbaoError
from indexer.labels import LEVEL_LABELS, SECTION_LABELS
from ui.common import library, report_link, setup


def marked(text: str, spans: list[tuple[int, int]]) -> str:
    """Text escaped, with the shared passages in <mark>."""
    out, pos = [], 0
    for a, n in sorted(spans):
        if a < pos:
            continue
        out += [html.escape(text[pos:a]), "<mark>", html.escape(text[a : a + n]), "</mark>"]
        pos = a + n
    out.append(html.escape(text[pos:]))
    return "".join(out)


def side_by_side(match: SectionMatch, title: str) -> None:
    score = "—" if match.similarity is None else f"{match.similarity:.0%}"
    st.markdown(f"**{title}**：相似度 {score} · {match.other_year or ''} {match.other_publisher or ''}")
    left, right = st.columns(2)
    left.markdown(
        f"<div class='nb-text'>{marked(match.text, [(a, n) for a, _, n in match.shared])}</div>", unsafe_allow_html=True
    )
    right.markdown(
        f"<div class='nb-text'>{marked(match.other_text, [(b, n) for _, b, n in match.shared])}</div>",
        unsafe_allow_html=True,
    )
    report_link(match.other_uid, match.other_title or "打开对方报告")


def one_report(uid: str) -> None:
    try:
        found = library().report_copies(uid)
    except NianbaoError as exc:
        st.error(str(exc))
        return
    report_link(uid, "打开本报告")
    if not found:
        st.info("这份报告没有足够长的章节正文可供比较（统计表和模板用语不计）。")
    for kind, sides in found.items():
        with st.expander(SECTION_LABELS.get(kind, kind), expanded=True):
            if sides["previous"] is None and sides["closest"] is None:
                st.caption("没有上一年的报告，也没有相似的其他报告。")
            if sides["previous"] is not None:
                side_by_side(sides["previous"], "与本机关上一年报告")
            if sides["closest"] is not None:
                side_by_side(sides["closest"], "与最相似的其他报告（同年或更早）")


def overview() -> None:
    provinces, years = library().values("province"), library().values("year")
    cols = st.columns(4)
    province = cols[0].selectbox("省份", [None, *provinces], format_func=lambda v: v or "全部", key="c_prov")
    year = cols[1].selectbox(
        "年度", [None, *years], format_func=lambda v: "全部" if v is None else str(v), key="c_year"
    )
    level = cols[2].selectbox(
        "层级", [None, *LEVEL_LABELS], format_func=lambda v: "全部" if v is None else LEVEL_LABELS[v], key="c_level"
    )
    minimum = cols[3].slider("最低相似度", 0.5, 1.0, 0.8, 0.05, key="c_min")
    kinds = library().most_copied(minimum, province=province, year=year, level=level)
    if not kinds:
        st.info("当前筛选条件下没有雷同的章节。")
        return
    st.subheader("雷同最多的章节")
    st.dataframe(
        [{"章节": SECTION_LABELS.get(k, k), "报告数": r, "雷同对数": n} for k, r, n in kinds],
        hide_index=True,
        width="stretch",
    )
    st.subheader("最相似的章节对")
    for p in library().copies(minimum, province=province, year=year, level=level, limit=30):
        with st.container(border=True):
            relation = "（同一发布机关）" if p.relation == "own" else ""
            st.markdown(
                f"**{p.similarity:.0%}** · {SECTION_LABELS.get(p.kind, p.kind)} · "
                f"{p.year or ''} {html.escape(p.publisher or '')} ← {p.other_year or ''} "
                f"{html.escape(p.other_publisher or '')}{relation}"
            )
            for passage in p.shared[:1]:
                st.caption(f"共同段落：{passage[:120]}")
            cols = st.columns(2)
            with cols[0]:
                st.page_link("pages/9_雷同.py", label="逐节对比", query_params={"id": p.uid})
            with cols[1]:
                report_link(p.other_uid, p.other_title or "打开对方报告")


def main() -> None:
    setup("内容雷同")
    st.caption(
        "比较各章节的正文（统计表和多数报告共有的模板用语不计）：与本机关上一年的报告、与其他机关同年或更早的报告。"
        "相似度为去除模板用语后五字片段的 Jaccard 相似度。"
    )
    wanted = (st.query_params.get("id") or "").strip()
    if wanted:
        one_report(wanted)
        st.divider()
    overview()


main()
