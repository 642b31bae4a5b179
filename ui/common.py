"""What every page shares: the store and search backend (cached), labels, and escaped rendering."""

from __future__ import annotations

import html

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
</style>"""


@st.cache_resource
def library() -> Library:
    """The store named by NIANBAO_DB (``nianbao ui --db`` sets it) and its search backend."""
    return Library()


def setup(title: str) -> None:
    st.set_page_config(page_title=f"{title} · 年报 Nianbao", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)


def show_text(text: str, bold: bool = False) -> None:
    """Report text shown as text: escaped, inside an HTML block so Markdown is not interpreted either."""
    style = " style='font-weight:600'" if bold else ""
    st.markdown(f"<div class='nb-plain'{style}>{html.escape(text)}</div>", unsafe_allow_html=True)


def region_label(province: str | None, city: str | None, county: str | None) -> str:
    return " / ".join(x for x in (province, city, county) if x) or "地区未识别"


def highlighted(p: PassageHit) -> str:
    """A snippet escaped, its matches in <mark>: report text never renders as HTML or Markdown."""
    out, pos = [], 0
    for a, b in p.highlights:
        out += [html.escape(p.snippet[pos:a]), "<mark>", html.escape(p.snippet[a:b]), "</mark>"]
        pos = b
    out.append(html.escape(p.snippet[pos:]))
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


def report_link(report_id: str, label: str) -> None:
    """A link to a report's page by its stable id."""
    st.page_link("pages/2_报告.py", label=label, query_params={"id": report_id}, icon="📄")


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
