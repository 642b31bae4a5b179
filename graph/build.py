"""Build the knowledge graph from the store: a view, the store stays the truth.

Node ids are stable strings with a type prefix:
``region:宁夏回族自治区/吴忠市/盐池县``, ``agency:盐池县人民政府办公室``, ``report:<report id>``,
``doc:中华人民共和国政府信息公开条例``, ``platform:政务新媒体``, ``measure:政府开放日``.

Edges (one per pair and relation, ``key`` = ``relation``, with ``count`` and the provenance ``reports``;
not ``type``, which GEXF reserves):
publishes (agency → report), located_in (report/agency → region), part_of (region → region),
under (agency → the agency its name shows it belongs to: 中宁县人民政府办公室 → 中宁县人民政府),
cites (agency → doc, with ``articles``), uses (agency → platform), practices (agency → measure),
issued_by (doc → agency), reports_problem (agency → problem), proposes_fix (agency → fix),
addressed_by (problem → fix proposed beside it in the same report), copies (report → an earlier report, or
one of the same year, with a section at least ``COPY_EDGE_MIN`` similar: one edge per section kind, key
``copies:<kind>``, with ``section`` and ``similarity``).

Provenance lists hold the stable report ids.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from indexer.store import node_attrs_of, publishing_agency

NODE_TYPES = ("region", "agency", "report", "document", "platform", "measure", "problem", "fix")
EDGE_TYPES = (
    "publishes",
    "located_in",
    "part_of",
    "under",
    "cites",
    "uses",
    "practices",
    "issued_by",
    "reports_problem",
    "proposes_fix",
    "addressed_by",
    "copies",
)
COPY_EDGE_MIN = 0.8
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


class _Edges:
    """Edges aggregated per (source, target, relation) — count and provenance — before they enter the graph."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str, str], list] = {}

    def add(
        self,
        u: str,
        v: str,
        relation: str,
        reports: Iterable[str] = (),
        count: int = 1,
        articles: Iterable[str] = (),
    ) -> None:
        edge = self.data.get((u, v, relation))
        if edge is None:
            edge = self.data[(u, v, relation)] = [0, set(), set()]
        edge[0] += count
        edge[1].update(reports)
        edge[2].update(articles)

    def into(self, g: nx.MultiDiGraph) -> None:
        """Sets become sorted, comma-joined strings, so GraphML/GEXF can hold them."""
        g.add_edges_from(
            (u, v, relation, _data(relation, n, reports, articles))
            for (u, v, relation), (n, reports, articles) in self.data.items()
        )


def _data(relation: str, count: int, reports: Iterable[str], articles: Iterable[str]) -> dict[str, Any]:
    """An edge's attributes: report ids and articles (any order, repeats allowed) sorted and comma-joined."""
    return {
        "relation": relation,
        "count": count,
        "reports": ",".join(map(str, sorted(set(reports)))),
        "articles": ",".join(sorted(set(articles))),
    }


def _plain_rows(conn: sqlite3.Connection) -> Callable[[str], sqlite3.Cursor]:
    """Run queries returning plain tuples (millions of rows: no per-row Row objects)."""

    def run(sql: str) -> sqlite3.Cursor:
        cursor = conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql)

    return run


def _split(concat: str | None) -> list[str]:
    """The values of a ``group_concat`` (none for NULL)."""
    return concat.split(",") if concat else []


class _Ids:
    """Report rows' stable ids, for the provenance of edges."""

    def __init__(self, uid_of: dict[int, str]) -> None:
        self.uid_of = uid_of

    def __call__(self, concat: str | None) -> list[str]:
        """The ids of a ``group_concat`` of report rows."""
        return [self.uid_of[int(x)] for x in _split(concat)]

    def one(self, row: int) -> tuple[str]:
        return (self.uid_of[row],)


def build_graph(conn: sqlite3.Connection, types: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The whole graph (or only the node types named, with the edges between them).

    Entity edges are aggregated in SQL from ``entity_reports`` (one row per entity per report), not
    read mention by mention."""
    wanted = set(types or NODE_TYPES)
    rows = _plain_rows(conn)
    g = nx.MultiDiGraph()
    edges = _Edges()
    publisher_of: dict[int, str] = {}
    uid_of: dict[int, str] = {}
    for rid, uid, title, year, publisher, level, province, city, county, path in rows(
        "SELECT id, uid, title, year, publisher, level, province, city, county, path FROM reports"
    ):
        uid_of[rid] = uid
        chain = region_path(province, city, county)
        for (child, name), parent in zip(chain, [None, *chain[:-1]], strict=True):
            g.add_node(child, type="region", label=name)
            if parent:
                edges.add(child, parent[0], "part_of", count=1)
        report = node_id("report", uid)
        g.add_node(report, type="report", label=title or path, year=year or 0, report_id=uid, path=path)
        name = publishing_agency(publisher, province, city, county)
        if name:
            agency = node_id("agency", name)
            g.add_node(agency, type="agency", label=name, level=level or "")
            publisher_of[rid] = agency
            edges.add(agency, report, "publishes", (uid,))
            if chain:
                edges.add(agency, chain[-1][0], "located_in", (uid,))
        if chain:
            edges.add(report, chain[-1][0], "located_in", (uid,))
    ids = _Ids(uid_of)
    agency_attrs: dict[str, dict[str, str]] = {}
    for kind, canonical, attrs in rows("SELECT kind, canonical, attrs FROM entities"):
        values = node_attrs_of(kind, canonical, attrs)
        g.add_node(node_id(kind, canonical), type=kind, label=canonical, **values)
        if kind == "agency" and (values.get("parent") or values.get("region")):
            agency_attrs[canonical] = values
    _add_agency_links(rows, g, edges, agency_attrs, ids)
    # One row per edge, aggregated in SQL: straight into the graph.
    g.add_edges_from(
        (
            node_id("agency", agency),
            node_id(kind, canonical),
            _ENTITY_EDGE[kind],
            _data(_ENTITY_EDGE[kind], n, ids(reports), _split(articles)),
        )
        for agency, kind, canonical, n, reports, articles in rows(
            "SELECT agency, kind, canonical, sum(mentions), group_concat(report_id), group_concat(nullif(articles, ''))"
            " FROM entity_reports WHERE kind != 'agency' AND agency IS NOT NULL GROUP BY agency, kind, canonical"
        )
    )
    for canonical, issuer, n, reports in rows(
        "SELECT canonical, issuer, sum(issuer_mentions), group_concat(report_id) FROM entity_reports"
        " WHERE kind = 'document' AND issuer IS NOT NULL GROUP BY canonical, issuer"
    ):
        document, agency = node_id("document", canonical), node_id("agency", issuer)
        g.add_node(agency, type="agency", label=issuer)
        g.add_edge(document, agency, key="issued_by", **_data("issued_by", n, ids(reports), ()))
    _add_problems(rows, g, edges, publisher_of, ids)
    for later, earlier, kind, similarity in rows(
        f"SELECT report_id, other_id, kind, similarity FROM copies WHERE similarity >= {COPY_EDGE_MIN}"
    ):
        u, v = node_id("report", uid_of[later]), node_id("report", uid_of[earlier])
        data = _data("copies", 1, (uid_of[later], uid_of[earlier]), ())
        g.add_edge(u, v, key=f"copies:{kind}", section=kind, similarity=similarity, **data)
    edges.into(g)
    if wanted != set(NODE_TYPES):
        g = g.subgraph([n for n, t in g.nodes(data="type") if t in wanted]).copy()
    return g


def _add_agency_links(
    rows: Callable[[str], sqlite3.Cursor],
    g: nx.MultiDiGraph,
    edges: _Edges,
    agency_attrs: dict[str, dict[str, str]],
    ids: _Ids,
) -> None:
    """Each named agency under its parent and in its region, with the reports naming it as provenance."""
    if not agency_attrs:
        return
    for canonical, reports in rows(
        "SELECT canonical, group_concat(report_id) FROM entity_reports WHERE kind = 'agency' GROUP BY canonical"
    ):
        values = agency_attrs.get(canonical)
        if values is None:
            continue
        agency, named_in = node_id("agency", canonical), ids(reports)
        if values.get("parent"):
            parent = node_id("agency", values["parent"])
            if parent not in g:
                g.add_node(parent, type="agency", label=values["parent"])
            edges.add(agency, parent, "under", named_in)
        if values.get("region"):
            region = node_id("region", values["region"])
            if region not in g:
                g.add_node(region, type="region", label=values["region"].rsplit("/", 1)[-1])
            edges.add(agency, region, "located_in", named_in)


def _add_problems(
    rows: Callable[[str], sqlite3.Cursor],
    g: nx.MultiDiGraph,
    edges: _Edges,
    publisher_of: dict[int, str],
    ids: _Ids,
) -> None:
    """Problem and fix categories: who reports which, and which fixes stand beside which problems."""
    from indexer.extract.problems import taxonomy

    labels = {(k, c.id): c.label for k, name in (("problem", "problems"), ("fix", "fixes")) for c in taxonomy(name)}
    for kind, category in rows("SELECT DISTINCT kind, category FROM item_categories"):
        g.add_node(node_id(kind, category), type=kind, label=labels.get((kind, category), category))
    for rid, kind, category, n in rows(
        "SELECT report_id, kind, category, count(*) FROM item_categories GROUP BY report_id, kind, category"
    ):
        if rid in publisher_of:
            relation = "reports_problem" if kind == "problem" else "proposes_fix"
            edges.add(publisher_of[rid], node_id(kind, category), relation, ids.one(rid), n)
    for problem, fix, n, reports in rows(
        "SELECT p.category, f.category, count(DISTINCT p.report_id), group_concat(DISTINCT p.report_id)"
        " FROM item_categories p JOIN item_categories f ON f.report_id = p.report_id AND f.kind = 'fix'"
        " WHERE p.kind = 'problem'"
        " GROUP BY p.category, f.category"
    ):
        edges.add(node_id("problem", problem), node_id("fix", fix), "addressed_by", ids(reports), n)


def neighbours(g: nx.MultiDiGraph, node: str) -> dict[str, list[tuple[str, int]]]:
    """A node's neighbours by edge type, each with the edge's count, most frequent first."""
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for _, v, data in g.out_edges(node, data=True):
        out[data["relation"]].append((v, data["count"]))
    for u, _, data in g.in_edges(node, data=True):
        out[data["relation"] + " (in)"].append((u, data["count"]))
    return {k: sorted(v, key=lambda x: -x[1]) for k, v in out.items()}
