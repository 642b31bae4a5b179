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
    return g


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
