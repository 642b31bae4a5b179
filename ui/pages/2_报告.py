"""报告: one report — metadata, sections with entity mentions marked, tables with failing checks."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

import streamlit as st

from indexer.errors import NianbaoError
from indexer.labels import CHECK_LABELS, LEVEL_LABELS, REQUEST_ROW_LABELS, SECTION_LABELS, cell_label
from ui.common import KIND_LABELS, library, marked_text, region_label, setup, show_text
from ui.tables import CSS as TABLE_CSS
from ui.tables import printed_tables

ORIGINS = {"file": "文件", "upload": "上传", "url": "网页"}


@st.cache_data(show_spinner=False)
def report_choices(contains: str, wanted: str | None) -> dict[str, str]:
    """At most 300 reports whose title contains the filter (newest first), and the one asked for."""
    titles = library().report_titles(contains, wanted)
    return {uid: f"{title or '（无标题）'} [{uid}]" for uid, title in titles.items()}


@st.cache_data(show_spinner=False)
def report(uid: str) -> tuple[dict, str, list[tuple]]:
    view = library().report(uid)
    return view.model, view.text, view.mentions


def sources_and_versions(uid: str) -> None:
    """Every file and upload the report was seen in (the primary first), and its superseded versions."""
    entry = library().reports(uids=[uid])[0]
    st.markdown(f"**来源**（共 {len(entry.sources)} 个；第一个为解析和显示所用的主来源）")
    for s in entry.sources:
        if s["origin"] == "url":  # where it was fetched from: the original page, one click away
            st.markdown(f"[原网页：{html.escape(s['location'])}]({s['location']}) · 抓取于 {s['first_seen']}")
    head = ("来源", "位置", "格式", "版本", "首次见到", "最近见到")
    rows = [
        (
            ORIGINS.get(s["origin"], s["origin"]),
            s["location"],
            s["format"],
            "当前" if s["version"] == "current" else "已被取代",
            s["first_seen"],
            s["last_seen"],
        )
        for s in entry.sources
    ]
    st.html(  # a few rows as a plain table: no data grid (and its scripts) to load
        "<table class='nb-t nb-list'><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr>"
        + "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
        + "</table>"
    )
    if not entry.versions:
        st.caption("没有其他版本。")
        return
    st.markdown(f"**已被取代的版本**（{len(entry.versions)} 个；统计只计当前版本）")
    for v in entry.versions:
        d = v["differences"]
        sections = "、".join(SECTION_LABELS.get(k, k) for k in d["sections"]) or "无"
        with st.container(border=True):
            st.write(f"{v['title'] or '（无标题）'} · {v['path']} · 取代于 {v['superseded_at']}")
            st.caption(f"与取代它的版本相比：不同的章节 {sections}；不同的表格单元格 {len(d['cells'])} 个")
            for c in d["cells"][:20]:
                st.caption(f"{c['table']} / {c['row']} / {c['column']}：{c['old']:g} → {c['new']:g}")


def _source_label(key: str) -> str:
    if key.startswith("figure/"):
        return f"正文数字 · {key.removeprefix('figure/')}"
    table, row, col = key.split("/", 2)
    return cell_label(table, REQUEST_ROW_LABELS.get(row, row) if table == "requests" else row, col)


def show_source(model: dict, text: str, key: str) -> None:
    """The passage a number was read from, the number marked, with its original line and page."""
    where = model["sources"][key]
    start, end = where["start"], where["end"]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    passage = marked_text(text[line_start:line_end], [(start - line_start, end - line_start, "number", key)])
    page = f"第 {where['page']} 页，" if where.get("page") else ""
    chars = f"字符 {where['original_start']}–{where['original_end']}"
    st.caption(f"{_source_label(key)}：{page}原文第 {where['line']} 行（{chars}）")
    st.html(f"<div class='nb-text'>{passage}</div>")


def number_sources(model: dict, text: str) -> None:
    """Where a table cell or a figure of the prose was read: its passage, original line and page."""
    sources = model.get("sources") or {}
    if not sources:
        return
    st.subheader("数字出处")
    label = "选择一个数字，查看它在原文中的位置"
    key = st.selectbox(label, list(sources), format_func=_source_label, key="number_source")
    show_source(model, text, key)


def main() -> None:
    setup("报告")
    wanted = (st.query_params.get("id") or "").strip() or None
    contains = st.text_input("标题包含（如：盐池、2021、教育局）", key="report_filter").strip()
    choices = report_choices(contains, wanted)
    if wanted and wanted not in choices:
        st.error(f"没有编号为 {wanted} 的报告：它可能已被删除，或编号有误。请在下方选择一份报告。")
    if not choices:
        st.info("没有符合的报告：请换一个筛选词，或先在「导入」页上传、运行 nianbao ingest。")
        return
    ids = list(choices)
    default = ids.index(wanted) if wanted in choices else 0
    report_id = st.selectbox("选择报告", ids, index=default, format_func=choices.get, key="report_id")
    st.query_params["id"] = report_id
    try:
        model, text, mentions = report(report_id)
    except NianbaoError as exc:
        st.error(str(exc))
        return
    r = model.get("region") or {}
    cols = st.columns(4)
    cols[0].metric("年度", model["year"] or "—")
    cols[1].metric("层级", LEVEL_LABELS.get(model["level"], model["level"] or "—"))
    cols[2].metric("模板", model["template"])
    failing = [c for c in model["consistency"] if c["ok"] is False]
    cols[3].metric("不通过的检查", len(failing))
    show_text(model["title"] or "（无标题）", bold=True)
    region = region_label(r.get("province"), r.get("city"), r.get("county"))
    st.caption(f"编号：{report_id} · 发布机关：{model['publisher'] or '未识别'} · 地区：{region}")
    if model["publisher"]:
        st.page_link("pages/10_对比.py", label="与本单位其他年度的报告对比", query_params={"unit": model["publisher"]})
    if model.get("ocr"):
        st.warning(f"扫描件：正文和数字由 OCR 识别（{model['ocr']}），可能有错字；引用前请对照原件。")
    if r.get("misread"):
        st.caption(f"地名按容错匹配：原文印作「{r['misread']}」，按行政区划表读作 {r.get('county') or r.get('city')}。")

    owner, _, clicked = (st.query_params.get("cell") or "").partition(":")  # a number clicked in a table
    if owner == report_id and clicked in (model.get("sources") or {}):
        with st.container(border=True):
            st.markdown("**所点数字的出处**")
            show_source(model, text, clicked)
    tab_text, tab_tables, tab_checks, tab_entities, tab_sources = st.tabs(
        ["正文", "统计表", "一致性检查", "实体", "来源与版本"]
    )
    st.html(TABLE_CSS)
    with tab_sources:
        sources_and_versions(report_id)
        st.page_link("pages/9_雷同.py", label="查看本报告的内容雷同", query_params={"id": report_id})
    with tab_text:
        spans = [(s, e, k, f"{KIND_LABELS.get(k, k)}：{c}") for k, c, s, e, _ in mentions]
        st.caption("标注：" + " ".join(f"{KIND_LABELS[k]}" for k in ("agency", "document", "platform", "measure")))
        for d in model["section_details"]:
            with st.expander(f"{SECTION_LABELS.get(d['kind'], d['kind'])} · {d['heading']}", expanded=False):
                local = [(a - d["start"], b - d["start"], k, t) for a, b, k, t in spans if d["start"] <= a < d["end"]]
                st.html(f"<div class='nb-text'>{marked_text(text[d['start'] : d['end']], local)}</div>")
    with tab_tables:
        st.caption(
            "* 由表内恒等式推算（悬停看依据）；空白为未能确认的数（悬停看原因）；红色为不通过检查的格；"
            "点数字看原文出处。"
        )
        for title, table in printed_tables(model, report_id):
            st.markdown(f"**{title}**")
            st.html(table)
        number_sources(model, text)
    with tab_checks:
        for c in model["consistency"]:
            if c["ok"] is False:
                st.error(f"{CHECK_LABELS.get(c['check'], c['check'])} 不成立：{c['detail']}")
        for c in model["consistency"]:
            if c["ok"] is None:
                st.info(f"{CHECK_LABELS.get(c['check'], c['check'])} 无法检查：{c['detail']}")
        st.success(f"通过 {sum(1 for c in model['consistency'] if c['ok'])} 项检查")
    with tab_entities:
        by_kind: dict[str, dict[str, int]] = {}
        for kind, canonical, *_ in mentions:
            by_kind.setdefault(kind, {}).setdefault(canonical, 0)
            by_kind[kind][canonical] += 1
        for kind, names in by_kind.items():
            st.markdown(f"**{KIND_LABELS.get(kind, kind)}**")
            # One block of plain links, not a page link each: eighty of those took 0.2 s of every load.
            page = "引用" if kind == "document" else "做法" if kind in ("measure", "platform") else None
            items = [
                f"<a href='{page}?name={quote(name)}' target='_self'>{html.escape(name)}</a> ×{n}"
                if page
                else f"{html.escape(name)} ×{n}"
                for name, n in sorted(names.items(), key=lambda kv: -kv[1])[:20]
            ]
            st.html("<div class='nb-links'>" + "<br>".join(items) + "</div>")
        st.download_button(
            "下载本报告模型 (JSON)",
            lambda: json.dumps(model, ensure_ascii=False, indent=2),  # made when pressed
            file_name=f"report-{report_id}.json",
            mime="application/json",
        )


main()
