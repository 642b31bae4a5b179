"""引用: who cites a document or regulation — regions and reports by province, article, sentence."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from indexer.errors import NianbaoError
from ui.common import did_you_mean, entity_names, library, region_label, report_card, setup, show_cards

FIRST = 15  # sentences shown at once; the rest on request


@st.cache_data(show_spinner=False)
def answer(name: str) -> dict:
    return library().cites(name, limit=50).to_json()


def main() -> None:
    setup("引用：谁引用了哪份文件")
    names = entity_names("document")
    typed = st.text_input(
        "文件或法规（任意简称，如：政府信息公开条例、《条例》）", value=st.query_params.get("name", ""), key="doc_query"
    )
    matches = [n for n in names if typed and typed.strip("《》 ") in n][:50] if typed else names[:50]
    choice = st.selectbox(
        "或从常被引用的文件中选择", [None, *matches], key="doc_choice", format_func=lambda v: "—" if v is None else v
    )
    name = choice or typed
    if not name:
        st.info("输入文件名称或从列表中选择。")
        return
    try:
        result = answer(name)
    except NianbaoError as exc:
        if not did_you_mean(exc, "doc_query"):
            st.warning(f"未找到：{exc}")
        return
    st.query_params["name"] = result["canonical"]
    st.subheader(result["canonical"])
    cols = st.columns(3)
    cols[0].metric("引用报告", result["reports"])
    cols[1].metric("地区", result["regions"])
    cols[2].metric("省份", len(result["by_province"]))
    if result.get("versions"):
        st.caption(
            "文中写明版本的报告："
            + "，".join(f"{v}年版 {n} 份" for v, n in result["versions"].items())
            + "（未写明版本的报告不计入）"
        )
    if result["by_year"]:
        st.bar_chart(pd.Series(result["by_year"], name="报告数"), x_label="年度", y_label="报告数")
    province, cards = None, []
    shown = result["hits"] if st.session_state.get("doc_all") == name else result["hits"][:FIRST]
    for hit in shown:
        if hit["province"] != province or not cards:
            province = hit["province"]
            count = result["by_province"].get(province or "未识别", 0)
            cards.append(f"<h4>{html.escape(province or '地区未识别')} （{count}）</h4>")
        article = f" · {hit['article']}" if hit["article"] else ""
        article += f" · {'、'.join(hit['versions'])}年版" if hit.get("versions") else ""
        caption = f"{region_label(None, hit['city'], hit['county'])} · {hit['year'] or ''}{article}"
        cards.append(report_card(hit["report_id"], hit["title"] or "打开报告", caption=caption, text=hit["sentence"]))
    show_cards(cards)
    if len(shown) < len(result["hits"]):
        if st.button(f"显示全部 {len(result['hits'])} 条引用", key="doc_more"):
            st.session_state["doc_all"] = name
            st.rerun()


main()
