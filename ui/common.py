"""What every page shares: the store and search backend (cached), labels, and escaped rendering."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

import streamlit as st

from indexer.api import Library
from indexer.search.base import PassageHit

KIND_LABELS = {
    "agency": "机关",
    "document": "文件",
    "platform": "平台",
    "measure": "做法",
    "problem": "问题",
    "fix": "改进",
    "region": "地区",
    "report": "报告",
}
KIND_COLORS = {
    "agency": "#d3e5ff",
    "document": "#ffe3c4",
    "platform": "#d9f2d9",
    "measure": "#f4d9f2",
    "number": "#ffe58f",
}
CSS = """<style>
.nb-passage{margin:.3rem 0;line-height:1.75}.nb-section{color:#888;font-size:.85em;margin-right:.4em}
mark{background:#ffe58f;padding:0 .1em}.nb-text{line-height:1.9;white-space:pre-wrap}
.nb-m{border-radius:3px;padding:0 .1em}
.nb-card{border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:.75rem 1rem;margin-bottom:.75rem}
.nb-cap{color:rgba(49,51,63,.6);font-size:.875rem;margin:.2rem 0}.nb-card a{font-size:.95rem}
</style>"""


@st.cache_resource
def library() -> Library:
    """The store named by NIANBAO_DB (``nianbao ui --db`` sets it) and its search backend. ``nianbao ui``
    computes the answers a first visit to 问题与改进 and 统计 asks for, and loads the pages' modules, in
    the background from its start (``ui.serve``)."""
    return Library()


@st.cache_data(show_spinner=False)
def provinces_and_years() -> tuple[list[str], list[int]]:
    """The provinces and years of the stored reports (the pages' filters)."""
    return list(library().values("province")), sorted(int(y) for y in library().values("year"))


@st.cache_data(show_spinner=False)
def problem_ranking(province: str | None, year: int | None) -> list[dict]:
    """Problem categories ranked by regions, with 20 examples each (问题与改进)."""
    return library().problems(province, year, examples=20)


@st.cache_resource(show_spinner="读取各报告的指标…", max_entries=16)  # shared, not copied: read only
def indicator_panel(province: str | None, years: tuple[int, int] | None) -> list[Any]:
    """Every report's indicators, filtered (统计)."""
    return library().indicator_panel(province=province, years=years, cells=False)


def setup(title: str, needs_store: bool = True) -> None:
    """The page's title and styles; on a store with no report yet, how to add some instead of the page."""
    st.set_page_config(page_title=f"{title} · 年报 Nianbao", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)
    if needs_store and not _has_reports():
        st.info(
            f"库中还没有报告（{library().db}）。在「导入」页上传报告文件（TXT、Markdown、PDF、DOCX、HTML），"
            "或在命令行运行 `nianbao ingest 报告所在的文件夹`，导入后即可检索和比较。"
        )
        st.page_link("pages/8_导入.py", label="去「导入」页上传报告")
        st.stop()


def _has_reports() -> bool:
    from indexer.errors import NianbaoError

    if not library().exists():
        return False
    try:
        return library().count() > 0
    except NianbaoError:
        return False


def show_text(text: str, bold: bool = False) -> None:
    """Report text shown as text: escaped, inside an HTML block so Markdown is not interpreted either."""
    style = " style='font-weight:600'" if bold else ""
    st.markdown(f"<div class='nb-plain'{style}>{html.escape(text)}</div>", unsafe_allow_html=True)


def region_label(province: str | None, city: str | None, county: str | None) -> str:
    return " / ".join(x for x in (province, city, county) if x) or "地区未识别"


_MARKUP = re.compile(r"\*\*|__|^#{1,6}\s+", re.M)


def plain(text: str) -> str:
    """Text without the Markdown marks converters leave in it (**bold**, # headings)."""
    return _MARKUP.sub("", text)


def highlighted(p: PassageHit) -> str:
    """A snippet escaped, its matches in <mark>: report text never renders as HTML or Markdown, and the
    Markdown marks a converter left in the original are not shown."""
    out, pos = [], 0
    for a, b in p.highlights:
        out += [html.escape(plain(p.snippet[pos:a])), "<mark>", html.escape(plain(p.snippet[a:b])), "</mark>"]
        pos = b
    out.append(html.escape(plain(p.snippet[pos:])))
    return "".join(out).replace("\n", "")


def marked_text(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Text escaped, with (start, end, kind, title) spans wrapped in coloured marks, never overlapping."""
    out, pos = [], 0
    for a, b, kind, title in sorted(spans):
        if a < pos:
            continue
        out += [
            html.escape(text[pos:a]),
            f"<span class='nb-m' style='background:{KIND_COLORS.get(kind, '#eee')}' "
            f"title='{html.escape(title, quote=True)}'>",
            html.escape(text[a:b]),
            "</span>",
        ]
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


def figure_text(key: str, value: float | None) -> str:
    """An indicator's value as the pages show it: a rate in percent, a count with thousands separators."""
    from indexer.indicators import BY_KEY

    if value is None:
        return "—"
    return f"{value:.1%}" if BY_KEY[key].kind == "rate" else f"{value:,.10g}"


def report_link(report_id: str, label: str) -> None:
    """A link to a report's page by its stable id."""
    st.page_link("pages/2_报告.py", label=label, query_params={"id": report_id})


def report_anchor(report_id: str, label_html: str) -> str:
    """A plain HTML link to a report's page (``label_html`` already escaped): many of them draw at once,
    where a page link each is an element of its own."""
    return f"<a href='报告?id={quote(report_id)}' target='_self'>{label_html}</a>"


def report_card(
    report_id: str, label: str, *, title: str | None = None, caption: str = "", body: str = "", text: str = ""
) -> str:
    """One result as a bordered card of HTML: a bold title, a caption, the body (HTML made by the caller,
    already escaped) or plain ``text`` (escaped here), and a link to the report's page."""
    parts = ["<div class='nb-card'>"]
    if title is not None:
        parts.append(f"<div class='nb-plain' style='font-weight:600'>{html.escape(title)}</div>")
    if caption:
        parts.append(f"<div class='nb-cap'>{html.escape(caption)}</div>")
    parts.append(body or f"<div class='nb-plain'>{html.escape(text)}</div>")
    parts.append(report_anchor(report_id, html.escape(label)) + "</div>")
    return "".join(parts)


def show_cards(cards: list[str]) -> None:
    """Result cards as one block: a container, caption, text and page link each cost a message and a
    browser element, and fifty results of four took most of a page's first render."""
    if cards:
        st.html("".join(cards))


@st.cache_data(show_spinner=False)
def entity_names(kind: str, limit: int = 5000) -> list[str]:
    """Canonical names of one kind of entity, most mentioned first (for the pickers)."""
    return library().entity_names(kind, limit)


def did_you_mean(exc: Exception, input_key: str) -> bool:
    """A name that is part of several entities' names: the candidates, most reported first, each a
    button that puts it into the page's input. False when ``exc`` is some other error."""
    from graph.queries import AmbiguousName

    if not isinstance(exc, AmbiguousName):
        return False

    def pick(canonical: str) -> None:
        st.session_state[input_key] = canonical
        st.query_params["name"] = canonical

    st.warning(f"“{exc.name}”是多个名称的一部分。您要找的是：")
    for i, (kind, canonical, reports) in enumerate(exc.candidates):
        st.button(
            f"{canonical}（{KIND_LABELS.get(kind, kind)}，{reports} 份报告）",
            key=f"{input_key}_candidate_{i}",
            on_click=pick,
            args=(canonical,),
        )
    return True


_ACTION_LABELS = {"merge": "并入", "rename": "改名", "split": "分出写法", "hide": "隐藏"}


def curation_panel(kind: str, name: str) -> None:
    """The entity view's curation: merge into another entity, rename, split a written form off, hide;
    and the decisions made so far, each undoable. Every decision is applied to the store at once and
    to every report ingested later."""
    from indexer.errors import NianbaoError

    with st.expander("整理此实体（合并、改名、分出写法、隐藏）"):
        action = st.radio(
            "操作", list(_ACTION_LABELS), format_func=_ACTION_LABELS.get, horizontal=True, key="cur_action"
        )
        value: str | None = None
        if action == "merge":
            others = [n for n in entity_names(kind, 500) if n != name]
            value = st.selectbox("并入", others, index=None, placeholder="选择要并入的实体", key="cur_into")
        elif action == "rename":
            value = st.text_input("新名称", key="cur_new_name").strip() or None
        elif action == "split":
            forms = [f for f in library().entity(name)["aliases"] if f != name]
            value = st.selectbox("要分出的写法", forms, index=None, placeholder="选择一种写法", key="cur_form")
        ready = action == "hide" or value
        if st.button("确定", key="cur_apply", disabled=not ready):
            try:
                if action == "split":
                    decision = library().curate("split", value, name)
                else:
                    decision = library().curate(action, name, value)
            except NianbaoError as exc:
                st.error(f"未能整理：{exc}")
            else:
                st.cache_data.clear()
                st.success(f"已记录：{decision.describe()}")
        made = [d for d in library().curation() if not d.undone_at][-10:]
        if made:
            st.caption("已做的整理（最近 10 条，可撤销）")
        for d in reversed(made):
            cols = st.columns([5, 1])
            cols[0].write(f"{d.at} · {d.describe()}")
            if cols[1].button("撤销", key=f"cur_undo_{d.id}"):
                library().undo_curation(d.id)
                st.cache_data.clear()
                st.rerun()
