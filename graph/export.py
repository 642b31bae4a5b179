"""Write the graph for Gephi and other tools: GraphML, GEXF or node-link JSON."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

FORMATS = ("graphml", "gexf", "json")


def export_graph(g: nx.MultiDiGraph, fmt: str, path: str | Path) -> None:
    if fmt == "graphml":
        nx.write_graphml(g, path)
    elif fmt == "gexf":
        nx.write_gexf(g, path)
    else:
        data = nx.node_link_data(g, edges="edges")
        Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_graph(fmt: str, path: str | Path) -> nx.MultiDiGraph:
    """Read an export back (for round-trip checks and for other tools' output)."""
    if fmt == "graphml":
        return nx.read_graphml(path, force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(path)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
