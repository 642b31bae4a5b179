"""A node's neighbourhood, read from the store on demand (so it scales to a national corpus):
agencies ↔ the entities their reports mention, agencies ↔ their region, with counts of reports."""

from __future__ import annotations

import sqlite3

import networkx as nx

from graph.build import node_id

_ENTITY_KINDS = {"doc": "document", "platform": "platform", "measure": "measure"}
_RELATION = {
    "document": "cites",
    "platform": "uses",
    "measure": "practices",
    "problem": "reports_problem",
    "fix": "proposes_fix",
}


def neighbourhood(conn: sqlite3.Connection, node: str, kinds: set[str], cap: int = 25) -> nx.MultiDiGraph:
    """The node, its most frequent neighbours of the wanted kinds (at most ``cap``), and the edges."""
    g = nx.MultiDiGraph()
    prefix, _, name = node.partition(":")
    g.add_node(node, type=_ENTITY_KINDS.get(prefix, prefix), label=name.rsplit("/", 1)[-1])
    if prefix in _ENTITY_KINDS or prefix in ("problem", "fix"):
        if "agency" in kinds:
            for publisher, n in _mentioning_agencies(conn, prefix, name, cap):
                a = node_id("agency", publisher)
                g.add_node(a, type="agency", label=publisher)
                g.add_edge(a, node, key=_RELATION[_ENTITY_KINDS.get(prefix, prefix)], count=n)
    elif prefix == "agency":
        for kind, canonical, n in _agency_entities(conn, name, kinds, cap):
            target = node_id(kind, canonical)
            g.add_node(target, type=kind, label=canonical)
            g.add_edge(node, target, key=_RELATION[kind], count=n)
        if "region" in kinds:
            row = conn.execute(
                "SELECT province, city, county FROM reports WHERE publisher = ? LIMIT 1", (name,)
            ).fetchone()
            if row:
                path = "/".join(x for x in row if x)
                g.add_node(f"region:{path}", type="region", label=path.rsplit("/", 1)[-1])
                g.add_edge(node, f"region:{path}", key="located_in", count=1)
    elif prefix == "region" and "agency" in kinds:
        parts = name.split("/")
        column = ("province", "city", "county")[len(parts) - 1]
        for publisher, n in conn.execute(
            f"SELECT publisher, count(*) FROM reports WHERE {column} = ? AND publisher IS NOT NULL"
            " GROUP BY publisher ORDER BY 2 DESC LIMIT ?",
            (parts[-1], cap),
        ):
            a = node_id("agency", publisher)
            g.add_node(a, type="agency", label=publisher)
            g.add_edge(a, node, key="located_in", count=n)
    if prefix == "agency" and "agency" in kinds:
        for other, n, similarity in _copied_agencies(conn, name, cap):
            a = node_id("agency", other)
            g.add_node(a, type="agency", label=other)
            g.add_edge(node, a, key="copies", count=n, similarity=round(similarity, 3))
    _count_reports(conn, g)
    return g


def _copied_agencies(conn: sqlite3.Connection, publisher: str, cap: int) -> list[tuple[str, int, float]]:
    """Other publishers whose reports a report of this one copies a section from (similarity ≥ 0.8):
    (publisher, reports of this one that copy, the highest similarity)."""
    sql = (
        "SELECT o.publisher, count(DISTINCT c.report_id), max(c.similarity) FROM copies c"
        " JOIN reports r ON r.id = c.report_id JOIN reports o ON o.id = c.other_id"
        " WHERE r.publisher = ? AND c.relation = 'other' AND c.similarity >= 0.8 AND o.publisher IS NOT NULL"
        " AND o.publisher != r.publisher GROUP BY o.publisher ORDER BY 2 DESC LIMIT ?"
    )
    return conn.execute(sql, (publisher, cap)).fetchall()


def _count_reports(conn: sqlite3.Connection, g: nx.MultiDiGraph) -> None:
    """Each node's number of reports (distinct reports, in the whole store): the size it is drawn at."""
    for n, kind in list(g.nodes(data="type")):
        name = n.partition(":")[2]
        if kind in ("document", "platform", "measure"):
            row = conn.execute("SELECT reports FROM entities WHERE kind = ? AND canonical = ?", (kind, name)).fetchone()
        elif kind == "agency":
            row = conn.execute("SELECT count(*) FROM reports WHERE publisher = ?", (name,)).fetchone()
        elif kind == "region":
            parts = name.split("/")
            column = ("province", "city", "county")[min(len(parts), 3) - 1]
            row = conn.execute(f"SELECT count(*) FROM reports WHERE {column} = ?", (parts[-1],)).fetchone()
        elif kind in ("problem", "fix"):
            row = conn.execute(
                "SELECT count(DISTINCT report_id) FROM item_categories WHERE kind = ? AND category = ?", (kind, name)
            ).fetchone()
        else:
            row = None
        g.nodes[n]["reports"] = row[0] if row else 0


def _mentioning_agencies(conn: sqlite3.Connection, prefix: str, name: str, cap: int) -> list[tuple[str, int]]:
    if prefix in ("problem", "fix"):
        sql = (
            "SELECT r.publisher, count(DISTINCT r.id) FROM item_categories c JOIN reports r ON r.id = c.report_id"
            " WHERE c.kind = ? AND c.category = ? AND r.publisher IS NOT NULL GROUP BY r.publisher"
            " ORDER BY 2 DESC LIMIT ?"
        )
        return conn.execute(sql, (prefix, name, cap)).fetchall()
    sql = (
        "SELECT agency, count(*) FROM entity_reports WHERE kind = ? AND canonical = ? AND agency IS NOT NULL"
        " GROUP BY agency ORDER BY 2 DESC LIMIT ?"
    )
    return conn.execute(sql, (_ENTITY_KINDS[prefix], name, cap)).fetchall()


def _agency_entities(conn: sqlite3.Connection, publisher: str, kinds: set[str], cap: int) -> list[tuple[str, str, int]]:
    wanted = [k for k in ("document", "platform", "measure") if k in kinds]
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    sql = (
        f"SELECT kind, canonical, count(*) FROM entity_reports WHERE agency = ? AND kind IN ({marks})"
        " GROUP BY kind, canonical ORDER BY 3 DESC LIMIT ?"
    )
    return conn.execute(sql, (publisher, *wanted, cap)).fetchall()
