"""问题与改进: problem categories ranked by regions, drill-down to sentences and fixes, recurrence."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from ui.common import library, problem_ranking, provinces_and_years, report_card, setup, show_cards


def main() -> None:
    setup("问题与改进")
    provinces, years = provinces_and_years()
    left, right = st.columns(2)
    province = left.selectbox("省份", [None, *provinces], format_func=lambda v: v or "全部", key="p_province")
    year = right.selectbox(
        "年度", [None, *reversed(years)], format_func=lambda v: str(v) if v else "全部", key="p_year"
    )
    rows = problem_ranking(province, year)
    if not rows:
        st.info("所选范围内没有识别出问题。")
        return
    table = pd.DataFrame(
        [
            {
                "问题类别": r["label"],
                "地区数": r["regions"],
                "报告数": r["reports"],
                "次年再现": "—" if r["recurrence"] is None else f"{r['recurrence']:.0%}",
                "常见改进": "、".join(f["label"] for f in r["fixes"]),
            }
            for r in rows
        ]
    )
    st.table(table.set_index("问题类别"))  # a few dozen rows: a static table renders faster than a grid
    labels = {r["label"]: r for r in rows}
    chosen = st.selectbox("查看类别", list(labels), key="p_category")
    r = labels[chosen]
    st.subheader(chosen)
    for fix in r["fixes"]:
        st.write(f"提出的改进：{fix['label']}（{fix['reports']} 份报告）")
    cards = [
        report_card(e["report_id"], "打开报告", caption=f"{e['region']} · {e['year']}", text=e["text"])
        for e in r["examples"]
    ]
    show_cards(cards)
    st.divider()
    publisher = st.text_input("某一发布机关的逐年对比（如：盐池县人民政府办公室）", key="p_publisher")
    if publisher:
        for pair in library().recurrence(publisher):
            st.markdown(f"**{pair['year']} → {pair['next_year']}**")
            for item in pair["recurring_problems"]:
                a, b = st.columns(2)
                a.markdown(f"↻ {html.escape(item['label'])}<br>{html.escape(item['text'])}", unsafe_allow_html=True)
                b.markdown(html.escape(item["next_year_text"]))
            for item in pair["fixes_reported_done"]:
                a, b = st.columns(2)
                a.markdown(f"○ {html.escape(item['label'])}<br>{html.escape(item['proposed'])}", unsafe_allow_html=True)
                b.markdown(html.escape(item["reported_next_year"]))
        st.caption("左：当年；右：次年。")


main()
