"""关系图: an interactive graph centred on an entity or region; click a node to expand it."""

from __future__ import annotations

import math

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


EDGE_LABELS = {"cites": "引用", "uses": "使用", "practices": "开展", "located_in": "位于", "copies": "内容雷同",
               "reports_problem": "报告问题", "proposes_fix": "提出改进"}  # fmt: skip


def _size(reports: int, centre: bool) -> float:
    return (10 + 4 * math.sqrt(reports)) * (1.3 if centre else 1.0)


def figure(g: nx.MultiDiGraph, centre: str) -> go.Figure:
    """The graph: one trace (and legend entry) per node type, sized by reports; 内容雷同 edges dashed."""
    pos = nx.spring_layout(nx.Graph(g), seed=7, k=1.2 / max(len(g), 1) ** 0.5)
    fig = go.Figure()
    for copies in (False, True):
        xs, ys = [], []
        for u, v, key in g.edges(keys=True):
            if (key == "copies") == copies:
                xs += [pos[u][0], pos[v][0], None]
                ys += [pos[u][1], pos[v][1], None]
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs, y=ys, mode="lines", hoverinfo="none", name="内容雷同" if copies else "关系",
                    line={"width": 1.4 if copies else 0.6, "color": "#d9534f" if copies else "#bbb",
                          "dash": "dash" if copies else "solid"},
                    showlegend=copies,
                )
            )  # fmt: skip
    for kind in [*TYPES, "problem", "fix"]:
        nodes = [n for n, t in g.nodes(data="type") if t == kind]
        if not nodes:
            continue
        labels = [g.nodes[n].get("label", n) for n in nodes]
        fig.add_trace(
            go.Scatter(
                x=[pos[n][0] for n in nodes],
                y=[pos[n][1] for n in nodes],
                mode="markers+text",
                name=KIND_LABELS.get(kind, kind),
                text=[label if len(label) <= 14 else label[:13] + "…" for label in labels],
                textposition="top center",
                customdata=nodes,
                hovertext=[
                    f"{KIND_LABELS.get(kind, kind)}：{label}<br>{g.nodes[n].get('reports', 0)} 份报告"
                    for n, label in zip(nodes, labels, strict=True)
                ],
                hoverinfo="text",
                marker={
                    "size": [_size(g.nodes[n].get("reports", 0), n == centre) for n in nodes],
                    "color": COLORS.get(kind, "#ccc"),
                    "line": {"width": [3 if n == centre else 1 for n in nodes], "color": "#555"},
                },
            )
        )
    fig.update_layout(
        showlegend=True,
        legend={"title": {"text": "节点（大小：报告数）"}, "orientation": "h", "y": -0.02},
        height=620,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={"visible": False},
        yaxis={"visible": False},
        clickmode="event+select",
    )
    return fig


def exports(g: nx.MultiDiGraph, centre: str) -> None:
    """The subgraph shown, as GraphML (Gephi, Cytoscape, R igraph) and as node-link JSON (networkx, d3)."""
    import json

    shown = nx.MultiDiGraph()
    for n, data in g.nodes(data=True):
        shown.add_node(n, **{k: v for k, v in data.items() if v is not None})
    for u, v, key, data in g.edges(keys=True, data=True):
        attrs = {k: value for k, value in data.items() if value is not None}
        shown.add_edge(u, v, key=key, relation=key, relation_label=EDGE_LABELS.get(key, key), **attrs)
    stem = "nianbao-graph-" + centre.partition(":")[2][:20]
    a, b = st.columns(2)
    a.download_button("下载此图 (GraphML)", "\n".join(nx.generate_graphml(shown)), f"{stem}.graphml", "application/xml")
    data = json.dumps(nx.node_link_data(shown, edges="edges"), ensure_ascii=False)
    b.download_button("下载此图 (JSON)", data, f"{stem}.json", "application/json")


def main() -> None:
    setup("关系图")
    state = st.session_state
    kinds = st.multiselect(
        "显示的节点类型", TYPES, default=TYPES, format_func=KIND_LABELS.get, placeholder="选择节点类型", key="g_types"
    )
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
    exports(g, state["g_centre"])
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
