"""做法: which regions report a practice or platform, with their passages and figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indexer.errors import NianbaoError
from ui.common import entity_names, library, region_label, report_link, setup, show_text


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
    index = options.index(wanted) if wanted in options else 0
    name = st.selectbox(
        "做法或平台（可输入筛选）",
        options,
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
    for hit in result["hits"]:
        with st.container(border=True):
            figures = "、".join(hit["figures"])
            st.caption(
                f"{region_label(hit['province'], hit['city'], hit['county'])} · {hit['year'] or ''}"
                + (f" · 数字：{figures}" if figures else "")
            )
            show_text(hit["sentence"])
            report_link(hit["report_id"], hit["title"] or "打开报告")


main()
