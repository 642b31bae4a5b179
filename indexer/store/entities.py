"""Entities in the store: each report's entities (``entity_reports``) and the running totals per entity,
place, year and surface, kept in step with the mentions at every write."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from indexer.extract.documents import family_key, squeeze


@dataclass
class EntitySummary:
    """One entity as one report names it: what ``entity_reports`` and the running totals hold."""

    kind: str
    canonical: str
    attrs: dict[str, str]
    mentions: int = 0
    articles: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # the editions of a regulation its mentions name
    issuer: str | None = None
    issuer_mentions: int = 0
    surfaces: Counter[str] = field(default_factory=Counter)


def summarize_entities(mentions: Iterable[Any]) -> list[EntitySummary]:
    """Mentions (in text order) grouped by entity."""
    found: dict[tuple[str, str], EntitySummary] = {}
    for m in mentions:
        key = (m.kind, m.canonical)
        e = found.get(key)
        if e is None:
            e = found[key] = EntitySummary(m.kind, m.canonical, node_attrs(m.kind, m.attrs))
        e.mentions += 1
        e.surfaces[m.surface] += 1
        article = m.attrs.get("article")
        if article and article not in e.articles:
            e.articles.append(article)
        version = m.attrs.get("version")
        if version and str(version) not in e.versions:
            e.versions.append(str(version))
        if m.attrs.get("issuer"):
            e.issuer = e.issuer or m.attrs["issuer"]
            e.issuer_mentions += 1
    return list(found.values())


def node_attrs(kind: str, attrs: dict[str, Any]) -> dict[str, str]:
    """What the graph shows of an entity beside its name."""
    if kind == "document":
        return {"kind": attrs.get("doc_kind") or "", "family": attrs.get("family") or ""}
    if kind == "platform" and attrs.get("instance_of"):
        return {"instance_of": attrs["instance_of"]}
    if kind == "agency":
        return {k: str(attrs[k]) for k in ("region", "level", "parent") if attrs.get(k)}
    return {}


def stored_name(kind: str, canonical: str, attrs: dict[str, str]) -> tuple[str, str]:
    """An entity's ``loose`` and ``attrs`` columns: the loose name only when it is not the canonical name
    ('' then), the attributes without a document's family, which its name gives (``node_attrs_of``)."""
    loose = squeeze(canonical)
    kept = {k: v for k, v in attrs.items() if not (kind == "document" and k == "family")}
    return ("" if loose == canonical else loose), json.dumps(kept, ensure_ascii=False)


def node_attrs_of(kind: str, canonical: str, stored: str) -> dict[str, str]:
    """An entity's node attributes from its stored ``attrs`` (``stored_name``)."""
    attrs = json.loads(stored)
    if kind == "document":
        attrs["family"] = family_key(canonical)
    return attrs


def publishing_agency(publisher: str | None, province: str | None, city: str | None, county: str | None) -> str | None:
    """The agency a report is published by: its publisher, else the government of its region."""
    if publisher:
        return publisher
    place = county or city or province
    return f"{place}人民政府" if place else None


def link_entities(conn: sqlite3.Connection, report_id: int, row: dict[str, Any], found: list[EntitySummary]) -> None:
    """Add one report's entities to ``entity_links`` and to the running totals."""
    entity_report_rows(conn, report_id, found, {})
    totals = EntityTotals()
    totals.add(row, found)
    totals.write(conn)


def entity_report_rows(
    conn: sqlite3.Connection, report_id: int, found: list[EntitySummary], ids: dict[tuple[str, str], int]
) -> None:
    """One report's rows of ``entity_links``; an entity new to the store gets its row (its totals follow at
    ``EntityTotals.write``). ``ids`` caches (kind, canonical) → entities.id for a writer's batch."""
    new = [e for e in found if (e.kind, e.canonical) not in ids]
    if new:
        conn.executemany(
            "INSERT INTO entities (kind, canonical, loose, attrs, reports, mentions) VALUES (?, ?, ?, ?, 0, 0)"
            " ON CONFLICT DO NOTHING",
            [(e.kind, e.canonical, *stored_name(e.kind, e.canonical, e.attrs)) for e in new],
        )
        for e in new:
            key = (e.kind, e.canonical)
            ids[key] = conn.execute("SELECT id FROM entities WHERE kind = ? AND canonical = ?", key).fetchone()[0]
    conn.executemany(
        "INSERT INTO entity_links (entity_id, report_id, mentions, articles, versions, issuer, issuer_mentions)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (ids[(e.kind, e.canonical)], report_id, e.mentions, ",".join(e.articles), ",".join(e.versions))
            + (e.issuer, e.issuer_mentions)
            for e in found
        ],
    )


def relink_all(conn: sqlite3.Connection) -> None:
    """Rebuild ``entity_links`` and every running total from the stored mentions (an upgrade's last step)."""
    for table in (
        "entity_links",
        "entity_place_counts",
        "entity_province_counts",
        "entity_year_counts",
        "entity_surface_counts",
        "entities",
    ):
        conn.execute(f"DELETE FROM {table}")
    from indexer.curation import as_summaries_input
    from indexer.store.reports import MentionRow

    mentions: dict[int, list[MentionRow]] = {}
    for rid, *m in conn.execute(f"SELECT report_id, {', '.join(MentionRow._fields)} FROM mentions"):
        mentions.setdefault(rid, []).append(MentionRow(*m))
    ids: dict[tuple[str, str], int] = {}
    totals = EntityTotals()
    for rid, *place in conn.execute("SELECT id, publisher, province, city, county, year FROM reports").fetchall():
        found = summarize_entities(as_summaries_input(mentions.get(rid, [])))
        entity_report_rows(conn, rid, found, ids)
        totals.add(dict(zip(("publisher", "province", "city", "county", "year"), place, strict=True)), found)
    totals.write(conn)


class EntityTotals:
    """The running totals' increments of several reports, added up: one upsert per entity, place, year
    and surface instead of one per report (an entity such as the 条例 is named by nearly every report)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.entities: dict[tuple[str, str], list] = {}  # (kind, canonical) → [loose, attrs, reports, mentions]
        self.places: Counter[tuple] = Counter()
        self.years: Counter[tuple] = Counter()
        self.surfaces: Counter[tuple] = Counter()

    def add(self, row: dict[str, Any], found: list[EntitySummary]) -> None:
        place = (row["province"] or "", row["city"] or "", row["county"] or "")
        for e in found:
            key = (e.kind, e.canonical)
            entity = self.entities.get(key)
            if entity is None:
                entity = self.entities[key] = [*stored_name(*key, e.attrs), 0, 0]
            entity[2] += 1
            entity[3] += e.mentions
            self.places[(*key, *place)] += 1
            self.years[(*key, row["year"] or 0)] += 1
            for surface, n in e.surfaces.items():
                self.surfaces[(*key, surface)] += n

    def write(self, conn: sqlite3.Connection) -> None:
        """Apply the increments (entities first: the places' triggers count into them) and start over."""
        conn.executemany(
            "INSERT INTO entities (kind, canonical, loose, attrs, reports, mentions) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET reports = reports + excluded.reports, mentions = mentions + excluded.mentions",
            [(*key, *values) for key, values in self.entities.items()],
        )
        conn.executemany(
            "INSERT INTO places (province, city, county) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            sorted({key[2:] for key in self.places}),
        )
        # Each total by the entity's and the place's ids (INSERT … SELECT: its WHERE lets ON CONFLICT parse).
        conn.executemany(
            "INSERT INTO entity_place_counts SELECT e.id, p.id, ? FROM entities e, places p"
            " WHERE e.kind = ? AND e.canonical = ? AND p.province = ? AND p.city = ? AND p.county = ?"
            " ON CONFLICT DO UPDATE SET reports = reports + excluded.reports",
            [(n, *key) for key, n in self.places.items()],
        )
        conn.executemany(
            "INSERT INTO entity_year_counts SELECT id, ?, ? FROM entities WHERE kind = ? AND canonical = ?"
            " ON CONFLICT DO UPDATE SET reports = reports + excluded.reports",
            [(key[2], n, *key[:2]) for key, n in self.years.items()],
        )
        conn.executemany(
            "INSERT INTO entity_surface_counts SELECT id, ?, ? FROM entities WHERE kind = ? AND canonical = ?"
            " ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions",
            [(key[2], n, *key[:2]) for key, n in self.surfaces.items()],
        )
        self.clear()


def unlink_entities(conn: sqlite3.Connection, report_id: int) -> None:
    """Take one report's entities out of ``entity_links`` and the totals (before its mentions go)."""
    rows = conn.execute(
        "SELECT l.entity_id, l.mentions, ifnull(r.year, 0),"
        " (SELECT id FROM places p WHERE p.province = ifnull(r.province, '') AND p.city = ifnull(r.city, '')"
        "  AND p.county = ifnull(r.county, ''))"
        " FROM entity_links l JOIN reports r ON r.id = l.report_id WHERE l.report_id = ?",
        (report_id,),
    ).fetchall()
    surfaces = conn.execute(
        "SELECT e.id, m.surface, count(*) FROM mentions m"
        " JOIN entities e ON e.kind = m.kind AND e.canonical = m.canonical"
        " WHERE m.report_id = ? GROUP BY e.id, m.surface",
        (report_id,),
    ).fetchall()
    # (table, counter column, key columns, [(decrement, *key)])
    for table, counter, keys, values in (
        ("entity_place_counts", "reports", ("entity_id", "place_id"), [(1, e, place) for e, _, _, place in rows]),
        ("entity_year_counts", "reports", ("entity_id", "year"), [(1, e, year) for e, _, year, _ in rows]),
        (
            "entity_surface_counts",
            "mentions",
            ("entity_id", "surface"),
            [(n, e, surface) for e, surface, n in surfaces],
        ),
        ("entities", "mentions", ("id",), [(n, e) for e, n, _, _ in rows]),
        ("entities", "reports", ("id",), [(1, e) for e, _, _, _ in rows]),
    ):
        where = " AND ".join(f"{k} = ?" for k in keys)
        conn.executemany(f"UPDATE {table} SET {counter} = {counter} - ? WHERE {where}", values)
        conn.executemany(f"DELETE FROM {table} WHERE {counter} <= 0 AND {where}", [v[1:] for v in values])
    conn.execute("DELETE FROM entity_links WHERE report_id = ?", (report_id,))
