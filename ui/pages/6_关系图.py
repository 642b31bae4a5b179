"""关系图: an interactive graph centred on an entity or region; click a node to expand it."""

from __future__ import annotations

import networkx as nx
import plotly.graph_objects as go
import streamlit as st

from indexer.errors import NianbaoError
from ui.common import KIND_COLORS, KIND_LABELS, curation_panel, entity_names, library, report_link, setup, show_text

MAX_NODES = 80  # what stays readable; more neighbours are dropped, most frequent kept
TYPES = ["agency", "document", "platform", "measure", "region"]
COLORS = {**KIND_COLORS, "region": "#ffd6d6", "problem": "#e0e0e0", "fix": "#e8f5e9"}


@st.cache_data(show_spinner=False)
def expand(node: str, kinds: tuple[str, ...], cap: int) -> nx.MultiDiGraph:
    return library().neighbourhood(node, set(kinds), cap)


def figure(g: nx.MultiDiGraph, centre: str) -> go.Figure:
    pos = nx.spring_layout(nx.Graph(g), seed=7, k=1.2 / max(len(g), 1) ** 0.5)
    edge_x, edge_y = [], []
    for u, v in g.edges():
        edge_x += [pos[u][0], pos[v][0], None]
        edge_y += [pos[u][1], pos[v][1], None]
    nodes = list(g.nodes)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", line={"width": 0.6, "color": "#bbb"}, hoverinfo="none"))
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers+text",
            text=[g.nodes[n].get("label", n)[:14] for n in nodes],
            textposition="top center",
            customdata=nodes,
            hovertext=[f"{KIND_LABELS.get(g.nodes[n].get('type'), '')}：{n}" for n in nodes],
            hoverinfo="text",
            marker={
                "size": [22 if n == centre else 12 for n in nodes],
                "color": [COLORS.get(g.nodes[n].get("type"), "#ccc") for n in nodes],
                "line": {"width": 1, "color": "#555"},
            },
        )
    )
    fig.update_layout(
        showlegend=False,
        height=600,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={"visible": False},
        yaxis={"visible": False},
        clickmode="event+select",
    )
    return fig


def main() -> None:
    setup("关系图")
    state = st.session_state
    kinds = st.multiselect("显示的节点类型", TYPES, default=TYPES, format_func=KIND_LABELS.get, key="g_types")
    documents = entity_names("document", 300)
    start = st.selectbox(
        "中心（文件、做法或地区；可输入筛选）",
        [*(f"doc:{d}" for d in documents[:200]), *(f"measure:{m}" for m in entity_names("measure", 200))],
        format_func=lambda n: n.split(":", 1)[1],
        key="g_start",
    )
    if state.get("g_centre_start") != start:
        state["g_centre_start"], state["g_graph"], state["g_centre"] = start, None, start
    g: nx.MultiDiGraph = state.get("g_graph") or expand(start, tuple(kinds), 25)
    picked = state.get("g_plot", {}).get("selection", {}).get("points", []) if state.get("g_plot") else []
    if picked and picked[0].get("customdata"):
        node = picked[0]["customdata"]
        if node != state.get("g_centre"):
            state["g_centre"] = node
            room = MAX_NODES - g.number_of_nodes()
            if room > 0:
                g = nx.compose(g, expand(node, tuple(kinds), min(25, room)))
    state["g_graph"] = g
    g = g.subgraph([n for n, t in g.nodes(data="type") if t in kinds or n == state["g_centre"]]).copy()
    st.caption(
        f"{g.number_of_nodes()} 个节点 · {g.number_of_edges()} 条边（最多 {MAX_NODES} 个节点）· 点击节点展开其邻居"
    )
    st.plotly_chart(
        figure(g, state["g_centre"]), key="g_plot", on_select="rerun", selection_mode="points", width="stretch"
    )
    centre = state["g_centre"]
    prefix, _, name = centre.partition(":")
    st.subheader(f"{KIND_LABELS.get(prefix if prefix != 'doc' else 'document', prefix)}：{name}")
    if prefix in ("doc", "measure", "platform"):
        try:
            answer = library().practice(name, limit=5) if prefix != "doc" else None
        except NianbaoError:
            answer = None
        if prefix == "doc":
            st.page_link("pages/3_引用.py", label="查看引用此文件的段落", query_params={"name": name})
        elif answer:
            for hit in answer.hits:
                show_text(hit.sentence)
                report_link(hit.report_id, hit.title or "打开报告")
    elif prefix == "agency":
        for uid, title in library().publisher_reports(name):
            report_link(uid, title or "打开报告")
    kind = {"doc": "document"}.get(prefix, prefix)
    if kind in ("document", "measure", "platform", "agency"):
        curation_panel(kind, name)


main()
