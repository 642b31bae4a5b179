"""Questions researchers ask of the entities, answered from the store (indexed SQL, not a graph walk).

- ``cites``: who cites a document or regulation (any alias, fuzzy on 中华人民共和国/《》/spaces).
- ``practice``: which regions report a measure or platform, with passages and the figures in them.
- ``entity``: an entity, the surface forms it was written in, and its neighbours by relation.
- ``similar``: regions ranked by the documents, platforms and measures they share with one region.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from indexer.errors import NianbaoError
from indexer.extract.documents import squeeze
from indexer.extract.lexicons import lexicon
from indexer.parse.narrative import find_figures

_KINDS = ("document", "platform", "measure", "agency")
_NEIGHBOUR_SAMPLE = 500
_COMMON_SHARE = 0.3


@dataclass
class Citing:
    report_id: int
    title: str | None
    year: int | None
    province: str | None
    city: str | None
    county: str | None
    publisher: str | None
    section: str | None
    sentence: str
    article: str | None = None
    figures: list[str] = field(default_factory=list)


@dataclass
class EntityAnswer:
    kind: str
    canonical: str
    reports: int
    regions: int
    by_province: dict[str, int]
    by_year: dict[int, int]
    hits: list[Citing]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def resolve(conn: sqlite3.Connection, name: str, kinds: tuple[str, ...] = _KINDS) -> tuple[str, str]:
    """(kind, canonical) for a name: a canonical id, a lexicon alias, or a loose match of a title."""
    name = name.strip().strip("《》")
    for kind in kinds:
        if conn.execute("SELECT 1 FROM mentions WHERE kind = ? AND canonical = ? LIMIT 1", (kind, name)).fetchone():
            return kind, name
    for kind in kinds:
        lex = lexicon({"document": "regulations", "agency": "agencies"}.get(kind, kind + "s"))
        entry = lex.get(name)
        if entry:
            return kind, entry.id
    loose = squeeze(name)
    candidates: Counter[tuple[str, str]] = Counter()
    for kind in kinds:
        for canonical, n in conn.execute(
            "SELECT canonical, count(*) FROM mentions WHERE kind = ? AND canonical LIKE ? GROUP BY canonical",
            (kind, f"%{name[-6:]}%" if len(name) > 6 else f"%{name}%"),
        ):
            c = squeeze(canonical)
            if c == loose or loose in c:
                candidates[(kind, canonical)] = n + (10**9 if c == loose else 0)
    if not candidates:
        raise NianbaoError(f"nothing in the store is called '{name}'")
    return candidates.most_common(1)[0][0]


def _answer(conn: sqlite3.Connection, kind: str, canonical: str, limit: int, figures: bool) -> EntityAnswer:
    rows = conn.execute(
        "SELECT m.report_id, r.title, r.year, r.province, r.city, r.county, r.publisher, m.section,"
        " m.sentence_start, m.sentence_end, m.attrs FROM mentions m JOIN reports r ON r.id = m.report_id"
        " WHERE m.kind = ? AND m.canonical = ? ORDER BY r.province, r.city, r.county, r.year, m.id",
        (kind, canonical),
    ).fetchall()
    # Every sentence that names the entity, per report (a report often says more than once).
    said: dict[int, list[tuple[int, int]]] = {}
    first: dict[int, tuple] = {}
    for rid, title, year, province, city, county, publisher, section, s0, s1, attrs in rows:
        if rid not in said:
            said[rid] = []
            first[rid] = (title, year, province, city, county, publisher, section, json.loads(attrs))
        if (s0, s1) not in said[rid]:
            said[rid].append((s0, s1))
    hits: list[Citing] = []
    by_province: Counter[str] = Counter()
    by_year: Counter[int] = Counter()
    regions: set[tuple] = set()
    for rid, (title, year, province, city, county, publisher, section, attrs) in first.items():
        by_province[province or "未识别"] += 1
        by_year[year or 0] += 1
        regions.add((province, city, county))
        if len(hits) >= limit:
            continue
        text = conn.execute("SELECT text FROM reports WHERE id = ?", (rid,)).fetchone()[0]
        sentences = [text[a:b].strip() for a, b in said[rid]]
        hit = Citing(
            rid,
            title,
            year,
            province,
            city,
            county,
            publisher,
            section,
            " … ".join(sentences[:3]),
            attrs.get("article"),
        )
        if figures:
            hit.figures = list(dict.fromkeys(f"{f.value:g}{f.unit}" for t in sentences for f in find_figures(t)))
        hits.append(hit)
    return EntityAnswer(
        kind, canonical, len(first), len(regions), dict(by_province.most_common()), dict(sorted(by_year.items())), hits
    )


def cites(conn: sqlite3.Connection, name: str, limit: int = 50, backend: Any = None) -> EntityAnswer:
    """The regions and reports citing a document, grouped by province, with the article and sentence.
    With an Elasticsearch ``backend`` the counts and passages come from the cluster."""
    kind, canonical = resolve(conn, name, ("document",))
    if backend is not None:
        return _answer_on_cluster(backend, kind, canonical, limit, figures=False)
    return _answer(conn, kind, canonical, limit, figures=False)


def _answer_on_cluster(backend: Any, kind: str, canonical: str, limit: int, figures: bool) -> EntityAnswer:
    from indexer.search.elastic import entity_id

    summary = backend.entity_summary(entity_id(kind, canonical), limit)
    hits = []
    for p in summary["passages"]:
        hit = Citing(
            p["report_id"],
            p.get("title"),
            p.get("year"),
            p.get("province"),
            p.get("city"),
            p.get("county"),
            p.get("publisher"),
            p.get("section"),
            p["text"],
        )
        if figures:
            hit.figures = [f"{f.value:g}{f.unit}" for f in find_figures(p["text"])]
        hits.append(hit)
    return EntityAnswer(
        kind, canonical, summary["reports"], summary["regions"], summary["by_province"], summary["by_year"], hits
    )


def practice(conn: sqlite3.Connection, name: str, limit: int = 50, backend: Any = None) -> EntityAnswer:
    """The regions reporting a measure (or platform), with their passages and the figures in them."""
    kind, canonical = resolve(conn, name, ("measure", "platform"))
    if backend is not None:
        return _answer_on_cluster(backend, kind, canonical, limit, figures=True)
    return _answer(conn, kind, canonical, limit, figures=True)


def entity(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """An entity, its surface forms, and its neighbours by relation with counts."""
    kind, canonical = resolve(conn, name)
    surfaces = [
        s
        for (s,) in conn.execute(
            "SELECT surface FROM mentions WHERE kind = ? AND canonical = ?"
            " GROUP BY surface ORDER BY count(*) DESC LIMIT 20",
            (kind, canonical),
        )
    ]
    reports = [
        r
        for (r,) in conn.execute(
            "SELECT DISTINCT report_id FROM mentions WHERE kind = ? AND canonical = ?", (kind, canonical)
        )
    ]
    sample = reports[:_NEIGHBOUR_SAMPLE]  # neighbours are read from a sample of the reports naming it
    neighbours: dict[str, Counter[str]] = defaultdict(Counter)
    if kind == "agency":
        for (title,) in conn.execute("SELECT title FROM reports WHERE publisher = ?", (canonical,)):
            neighbours["publishes"][title] += 1
    marks = ",".join("?" * len(sample))
    if sample:
        for province, city, county, publisher in conn.execute(
            f"SELECT province, city, county, publisher FROM reports WHERE id IN ({marks})", sample
        ):
            neighbours["mentioned by (publisher)"][publisher or "?"] += 1
            neighbours["regions"]["/".join(x for x in (province, city, county) if x)] += 1
        for k, c, n in conn.execute(
            f"SELECT kind, canonical, count(DISTINCT report_id) FROM mentions WHERE report_id IN ({marks})"
            " AND NOT (kind = ? AND canonical = ?) GROUP BY kind, canonical ORDER BY 3 DESC LIMIT 60",
            (*sample, kind, canonical),
        ):
            neighbours[f"co-occurs ({k})"][c] = n
    issuers = [
        json.loads(a).get("issuer")
        for (a,) in conn.execute(
            "SELECT attrs FROM mentions WHERE kind = 'document' AND canonical = ? LIMIT 200", (canonical,)
        )
    ]
    for issuer in filter(None, issuers):
        neighbours["issued_by"][issuer] += 1
    return {
        "kind": kind,
        "canonical": canonical,
        "aliases": surfaces,
        "reports": len(reports),
        "neighbours": {k: v.most_common(15) for k, v in neighbours.items()},
    }


def similar(conn: sqlite3.Connection, region: str, limit: int = 20) -> list[dict[str, Any]]:
    """Regions ranked by the documents, platforms and measures they share, rarer ones weighing more."""
    column = _region_column(conn, region)
    mine = conn.execute(
        "SELECT DISTINCT m.kind, m.canonical FROM mentions m JOIN reports r ON r.id = m.report_id"
        f" WHERE r.{column} = ? AND m.kind != 'agency'",
        (region,),
    ).fetchall()
    if not mine:
        raise NianbaoError(f"no entities recorded for '{region}'")
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    # What nearly every report mentions (the 条例, the portal) says nothing about likeness; skip it.
    telling = [
        (kind, canonical)
        for kind, canonical in mine
        if conn.execute(
            "SELECT count(DISTINCT report_id) FROM mentions WHERE kind = ? AND canonical = ?", (kind, canonical)
        ).fetchone()[0]
        <= max(_COMMON_SHARE * reports, 2)
    ]
    rows = [
        (*place, kind, canonical)
        for kind, canonical in telling
        for place in conn.execute(
            "SELECT DISTINCT r.province, r.city, r.county FROM mentions m JOIN reports r ON r.id = m.report_id"
            " WHERE m.kind = ? AND m.canonical = ?",
            (kind, canonical),
        )
    ]
    places_of: dict[tuple[str, str], set[tuple]] = defaultdict(set)
    for province, city, county, kind, canonical in rows:
        places_of[(kind, canonical)].add((province, city, county))
    total = conn.execute("SELECT count(DISTINCT county) FROM reports").fetchone()[0] or 1
    score: Counter[tuple] = Counter()
    shared: dict[tuple, list[str]] = defaultdict(list)
    for (_, canonical), places in places_of.items():
        weight = math.log(1 + total / len(places))
        for place in places:
            if region in place:
                continue
            score[place] += weight
            shared[place].append(canonical)
    return [
        {
            "province": p[0],
            "city": p[1],
            "county": p[2],
            "score": round(s, 3),
            "shared": len(shared[p]),
            "examples": sorted(shared[p])[:8],
        }
        for p, s in score.most_common(limit)
    ]


def _region_column(conn: sqlite3.Connection, region: str) -> str:
    for column in ("county", "city", "province"):
        if conn.execute(f"SELECT 1 FROM reports WHERE {column} = ? LIMIT 1", (region,)).fetchone():
            return column
    raise NianbaoError(f"no report from a region called '{region}'")
