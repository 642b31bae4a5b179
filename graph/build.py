"""Build the knowledge graph from the store: a view, the store stays the truth.

Node ids are stable strings with a type prefix:
``region:宁夏回族自治区/吴忠市/盐池县``, ``agency:盐池县人民政府办公室``, ``report:<sha256[:12]>``,
``doc:中华人民共和国政府信息公开条例``, ``platform:政务新媒体``, ``measure:政府开放日``.

Edges (one per pair and relation, ``key`` = ``relation``, with ``count`` and the provenance ``reports``;
not ``type``, which GEXF reserves):
publishes (agency → report), located_in (report/agency → region), part_of (region → region),
cites (agency → doc, with ``articles``), uses (agency → platform), practices (agency → measure),
issued_by (doc → agency), reports_problem (agency → problem), proposes_fix (agency → fix),
addressed_by (problem → fix proposed beside it in the same report).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

NODE_TYPES = ("region", "agency", "report", "document", "platform", "measure", "problem", "fix")
EDGE_TYPES = (
    "publishes",
    "located_in",
    "part_of",
    "cites",
    "uses",
    "practices",
    "issued_by",
    "reports_problem",
    "proposes_fix",
    "addressed_by",
)
_PREFIX = {
    "region": "region",
    "agency": "agency",
    "report": "report",
    "document": "doc",
    "platform": "platform",
    "measure": "measure",
    "problem": "problem",
    "fix": "fix",
}
_ENTITY_EDGE = {"document": "cites", "platform": "uses", "measure": "practices"}


def node_id(kind: str, name: str) -> str:
    return f"{_PREFIX[kind]}:{name}"


def region_path(province: str | None, city: str | None, county: str | None) -> list[tuple[str, str]]:
    """(node id, name) from the province down to the most specific unit."""
    out, parts = [], []
    for name in (province, city, county):
        if name:
            parts.append(name)
            out.append((node_id("region", "/".join(parts)), name))
    return out


def _publisher_id(publisher: str | None, path: list[tuple[str, str]]) -> str | None:
    if publisher:
        return node_id("agency", publisher)
    return node_id("agency", path[-1][1] + "人民政府") if path else None


def build_graph(conn: sqlite3.Connection, types: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The whole graph (or only the node types named, with the edges between them)."""
    wanted = set(types or NODE_TYPES)
    g = nx.MultiDiGraph()
    publisher_of: dict[int, str] = {}
    report_region: dict[int, str | None] = {}
    for rid, sha, title, year, publisher, level, province, city, county, path in conn.execute(
        "SELECT id, sha256, title, year, publisher, level, province, city, county, path FROM reports"
    ):
        chain = region_path(province, city, county)
        for (child, name), parent in zip(chain, [None, *chain[:-1]], strict=True):
            g.add_node(child, type="region", label=name)
            if parent:
                _edge(g, child, parent[0], "part_of", None)
        report = node_id("report", sha[:12])
        g.add_node(report, type="report", label=title or path, year=year or 0, report_id=rid, path=path)
        agency = _publisher_id(publisher, chain)
        if agency:
            g.add_node(agency, type="agency", label=agency.split(":", 1)[1], level=level or "")
            publisher_of[rid] = agency
            _edge(g, agency, report, "publishes", rid)
            if chain:
                _edge(g, agency, chain[-1][0], "located_in", rid)
        if chain:
            _edge(g, report, chain[-1][0], "located_in", rid)
        report_region[rid] = chain[-1][0] if chain else None
    for rid, kind, canonical, attrs in conn.execute(
        "SELECT report_id, kind, canonical, attrs FROM mentions ORDER BY report_id"
    ):
        a = json.loads(attrs)
        if kind == "agency":
            target = node_id("agency", canonical)
            g.add_node(target, type="agency", label=canonical)
            continue
        target = node_id(kind, canonical)
        label = canonical
        extra = {"kind": a.get("doc_kind", ""), "family": a.get("family", "")} if kind == "document" else {}
        if kind == "platform" and a.get("instance_of"):
            extra["instance_of"] = a["instance_of"]
        g.add_node(target, type=kind, label=label, **extra)
        source = publisher_of.get(rid)
        if source:
            _edge(g, source, target, _ENTITY_EDGE[kind], rid, a.get("article"))
        if kind == "document" and a.get("issuer"):
            issuer = node_id("agency", a["issuer"])
            g.add_node(issuer, type="agency", label=a["issuer"])
            _edge(g, target, issuer, "issued_by", rid)
    _add_problems(conn, g, publisher_of)
    _finish(g)
    if wanted != set(NODE_TYPES):
        g = g.subgraph([n for n, t in g.nodes(data="type") if t in wanted]).copy()
    return g


def _add_problems(conn: sqlite3.Connection, g: nx.MultiDiGraph, publisher_of: dict[int, str]) -> None:
    """Problem and fix categories: who reports which, and which fixes stand beside which problems."""
    from indexer.extract.problems import taxonomy

    labels = {(k, c.id): c.label for k, name in (("problem", "problems"), ("fix", "fixes")) for c in taxonomy(name)}
    per_report: dict[int, dict[str, set[str]]] = defaultdict(lambda: {"problem": set(), "fix": set()})
    for rid, kind, category in conn.execute("SELECT report_id, kind, category FROM item_categories"):
        node = node_id(kind, category)
        g.add_node(node, type=kind, label=labels.get((kind, category), category))
        per_report[rid][kind].add(node)
        if rid in publisher_of:
            _edge(g, publisher_of[rid], node, "reports_problem" if kind == "problem" else "proposes_fix", rid)
    for rid, found in per_report.items():
        for problem in found["problem"]:
            for fix in found["fix"]:
                _edge(g, problem, fix, "addressed_by", rid)


def _edge(g: nx.MultiDiGraph, u: str, v: str, kind: str, report: int | None, article: str | None = None) -> None:
    if g.has_edge(u, v, key=kind):
        data = g.edges[u, v, kind]
        data["count"] += 1
    else:
        g.add_edge(u, v, key=kind, relation=kind, count=1, reports=set(), articles=set())
        data = g.edges[u, v, kind]
    if report is not None:
        data["reports"].add(report)
    if article:
        data["articles"].add(article)


def _finish(g: nx.MultiDiGraph) -> None:
    """Sets become sorted, comma-joined strings, so GraphML/GEXF can hold them."""
    for _, _, data in g.edges(data=True):
        data["reports"] = ",".join(map(str, sorted(data["reports"])))
        data["articles"] = ",".join(sorted(data["articles"]))


def neighbours(g: nx.MultiDiGraph, node: str) -> dict[str, list[tuple[str, int]]]:
    """A node's neighbours by edge type, each with the edge's count, most frequent first."""
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for _, v, data in g.out_edges(node, data=True):
        out[data["relation"]].append((v, data["count"]))
    for u, _, data in g.in_edges(node, data=True):
        out[data["relation"] + " (in)"].append((u, data["count"]))
    return {k: sorted(v, key=lambda x: -x[1]) for k, v in out.items()}
