"""做法: which regions report a practice or platform, with their passages and figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indexer.errors import NianbaoError
from ui.common import entity_names, library, region_label, report_card, setup, show_cards

PICKER = 300  # names listed in the picker at once


@st.cache_data(show_spinner=False)
def answer(name: str) -> dict:
    return library().practice(name, limit=50).to_json()


def main() -> None:
    setup("做法与平台")
    measures, platforms = entity_names("measure"), entity_names("platform")
    wanted = st.query_params.get("name")
    only_platforms = set(platforms) - set(measures)  # sets: the picker labels thousands of names a run
    options = [*measures, *[p for p in platforms if p in only_platforms]]
    if not options:
        st.info("库中还没有做法或平台。")
        return
    typed = st.text_input("名称包含（如：开放日、热线、一网通办）", key="practice_filter").strip()
    matching = [n for n in options if typed in n] if typed else options
    if not matching:
        st.info(f"没有名称包含“{typed}”的做法或平台。")
        return
    # A picker of every name (4,000 at 10,000 reports) took a second of the page's first render.
    shown = matching[:PICKER]
    if wanted in matching and wanted not in shown:
        shown.insert(0, wanted)
    if len(matching) > len(shown):
        st.caption(f"共 {len(matching)} 个名称，下面列出报告最多的 {PICKER} 个；输入上面的筛选词查找其他。")
    index = shown.index(wanted) if wanted in shown else 0
    name = st.selectbox(
        "做法或平台（可输入筛选）",
        shown,
        index=index,
        key="practice",
        format_func=lambda n: f"{n}（平台）" if n in only_platforms else n,
    )
    try:
        result = answer(name)
    except NianbaoError as exc:
        st.warning(str(exc))
        return
    st.query_params["name"] = name
    cols = st.columns(3)
    cols[0].metric("报告", result["reports"])
    cols[1].metric("地区", result["regions"])
    cols[2].metric("省份", len(result["by_province"]))
    if result["by_province"]:
        st.bar_chart(pd.Series(result["by_province"], name="报告数"), horizontal=True)
    cards = []
    for hit in result["hits"]:
        figures = "、".join(hit["figures"])
        caption = f"{region_label(hit['province'], hit['city'], hit['county'])} · {hit['year'] or ''}"
        caption += f" · 数字：{figures}" if figures else ""
        cards.append(report_card(hit["report_id"], hit["title"] or "打开报告", caption=caption, text=hit["sentence"]))
    show_cards(cards)


main()
