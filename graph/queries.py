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
_CANDIDATE_ROWS = 5000
_WEIGHTS = "SELECT value ->> 0 AS kind, value ->> 1 AS canonical, value ->> 2 AS weight FROM json_each(?)"


@dataclass
class Citing:
    report_id: str  # the stable report id
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
    versions: list[str] = field(default_factory=list)  # the editions the report names (2019, 2007)


@dataclass
class EntityAnswer:
    kind: str
    canonical: str
    reports: int
    regions: int
    by_province: dict[str, int]
    by_year: dict[int, int]
    hits: list[Citing]
    # Reports naming each edition of a regulation where their text says which (2019 / 2007 条例); a
    # report naming both counts under each. Reports that do not say are not counted here.
    versions: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def resolve(conn: sqlite3.Connection, name: str, kinds: tuple[str, ...] = _KINDS) -> tuple[str, str]:
    """(kind, canonical) for a name: a canonical id, a lexicon alias, or a loose match of a title."""
    name = name.strip().strip("《》")
    for kind in kinds:
        if conn.execute("SELECT 1 FROM entities WHERE kind = ? AND canonical = ?", (kind, name)).fetchone():
            return kind, name
    for kind in kinds:
        lex = lexicon({"document": "regulations", "agency": "agencies"}.get(kind, kind + "s"))
        entry = lex.get(name)
        if entry:
            return kind, entry.id
    loose = squeeze(name)
    marks = ",".join("?" * len(kinds))
    ranked = "ORDER BY reports DESC, canonical LIMIT 11"
    # The stored loose name is '' where it is the canonical name itself.
    found = conn.execute(
        f"SELECT e.kind, e.canonical, e.reports FROM entities e WHERE e.loose = ? AND e.loose != ''"
        f" AND e.kind IN ({marks}) UNION ALL SELECT e.kind, e.canonical, e.reports FROM entities e"
        f" WHERE e.kind IN ({marks}) AND e.canonical = ? AND e.loose = '' {ranked}",
        (loose, *kinds, *kinds, loose),
    ).fetchall()
    if not found and len(loose) >= 3:  # a name inside a longer one, through the trigram index of names
        found = conn.execute(
            "SELECT e.kind, e.canonical, e.reports FROM entity_names JOIN entities e ON e.id = entity_names.rowid"
            f" WHERE entity_names MATCH ? AND e.kind IN ({marks}) {ranked}",
            (f'"{loose}"', *kinds),
        ).fetchall()
    elif not found and loose:
        found = conn.execute(
            "SELECT e.kind, e.canonical, e.reports FROM entities e"
            f" WHERE instr(iif(e.loose = '', e.canonical, e.loose), ?) AND e.kind IN ({marks})"
            f" {ranked}",
            (loose, *kinds),
        ).fetchall()
    if not found:
        raise NianbaoError(f"nothing in the store is called '{name}'")
    if len(found) > 1:
        raise AmbiguousName(name, [(kind, canonical, reports) for kind, canonical, reports in found[:10]])
    return found[0][0], found[0][1]


class AmbiguousName(NianbaoError):
    """A name that is no entity's own but part of several: the candidates, most reported first."""

    def __init__(self, name: str, candidates: list[tuple[str, str, int]]) -> None:
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{canonical} ({reports} reports)" for _, canonical, reports in candidates)
        super().__init__(f"'{name}' is part of several names; did you mean: {listed}")


def _answer(conn: sqlite3.Connection, kind: str, canonical: str, limit: int, figures: bool) -> EntityAnswer:
    """Counts from the running totals; the first ``limit`` reports (by region, then year) with their sentences."""
    key = (kind, canonical)
    reports = conn.execute("SELECT reports FROM entities WHERE kind = ? AND canonical = ?", key).fetchone()
    by_province: Counter[str] = Counter()
    regions = 0
    for province, n in conn.execute(
        "SELECT province, reports FROM entity_places WHERE kind = ? AND canonical = ?", key
    ):
        by_province[province or "未识别"] += n
        regions += 1
    by_year = dict(conn.execute("SELECT year, reports FROM entity_years WHERE kind = ? AND canonical = ?", key))
    hits: list[Citing] = []
    for rid, articles in conn.execute(
        "SELECT report_id, articles FROM entity_reports WHERE kind = ? AND canonical = ?"
        " ORDER BY province, city, county, year, report_id LIMIT ?",
        (*key, limit),
    ).fetchall():
        uid, title, year, province, city, county, publisher, text = conn.execute(
            "SELECT uid, title, year, province, city, county, publisher, unzip(text) AS text FROM reports WHERE id = ?",
            (rid,),
        ).fetchone()
        said = conn.execute(
            "SELECT section, sentence_start, sentence_end FROM mentions"
            " WHERE kind = ? AND canonical = ? AND report_id = ? ORDER BY id",
            (*key, rid),
        ).fetchall()
        # Every sentence that names the entity (a report often says more than once).
        sentences = list(dict.fromkeys(text[a:b].strip() for _, a, b in said))
        hit = Citing(
            uid,
            title,
            year,
            province,
            city,
            county,
            publisher,
            said[0][0] if said else None,
            " … ".join(sentences[:3]),
            articles.split(",")[0] if articles else None,
        )
        if figures:
            hit.figures = list(dict.fromkeys(f"{f.value:g}{f.unit}" for t in sentences for f in find_figures(t)))
        hits.append(hit)
    return EntityAnswer(
        kind,
        canonical,
        reports[0] if reports else 0,
        regions,
        dict(by_province.most_common()),
        dict(sorted(by_year.items())),
        hits,
    )


def cites(conn: sqlite3.Connection, name: str, limit: int = 50, backend: Any = None) -> EntityAnswer:
    """The regions and reports citing a document, grouped by province, with the article and sentence.
    With an Elasticsearch ``backend`` the counts and passages come from the cluster."""
    kind, canonical = resolve(conn, name, ("document",))
    if backend is not None:
        answer = _answer_on_cluster(backend, kind, canonical, limit, figures=False)
    else:
        answer = _answer(conn, kind, canonical, limit, figures=False)
    # Editions are read from the store's mentions on either backend (the store is the record).
    by_report = _versions(conn, canonical)
    answer.versions = dict(sorted(Counter(v for vs in by_report.values() for v in vs).items(), reverse=True))
    for hit in answer.hits:
        hit.versions = sorted(by_report.get(hit.report_id, ()), reverse=True)
    return answer


def _versions(conn: sqlite3.Connection, canonical: str) -> dict[str, set[str]]:
    """Stable report id → the editions of a regulation its mentions name."""
    out: dict[str, set[str]] = {}
    for uid, versions in conn.execute(
        "SELECT r.uid, l.versions FROM entity_reports l JOIN reports r ON r.id = l.report_id"
        " WHERE l.kind = 'document' AND l.canonical = ? AND l.versions != ''",
        (canonical,),
    ):
        out.setdefault(uid, set()).update(versions.split(","))
    return out


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
    """An entity, its surface forms, and its neighbours by relation with counts.

    Regions are counted over every report; publishers, co-occurring entities and issuers over an even
    sample of at most ``_NEIGHBOUR_SAMPLE`` of the reports naming it."""
    kind, canonical = resolve(conn, name)
    key = (kind, canonical)
    surfaces = [
        s
        for (s,) in conn.execute(
            "SELECT surface FROM entity_surfaces WHERE kind = ? AND canonical = ? ORDER BY mentions DESC LIMIT 20", key
        )
    ]
    reports = conn.execute("SELECT reports FROM entities WHERE kind = ? AND canonical = ?", key).fetchone()[0]
    step = max(1, math.ceil(reports / _NEIGHBOUR_SAMPLE))
    sql = "SELECT report_id, agency, issuer FROM entity_reports WHERE kind = ? AND canonical = ?"
    sample = (
        conn.execute(f"{sql} AND report_id % ? = 0", (*key, step)).fetchall()
        or conn.execute(f"{sql} LIMIT ?", (*key, _NEIGHBOUR_SAMPLE)).fetchall()
    )
    neighbours: dict[str, Counter[str]] = defaultdict(Counter)
    if kind == "agency":
        for (title,) in conn.execute("SELECT title FROM reports WHERE publisher = ?", (canonical,)):
            neighbours["publishes"][title] += 1
    for _, agency, issuer in sample:
        neighbours["mentioned by (publisher)"][agency or "?"] += 1
        if issuer:
            neighbours["issued_by"][issuer] += 1
    for province, city, county, n in conn.execute(
        "SELECT province, city, county, reports FROM entity_places WHERE kind = ? AND canonical = ?"
        " ORDER BY reports DESC LIMIT 15",
        key,
    ):
        neighbours["regions"]["/".join(x for x in (province, city, county) if x)] += n
    ids = [r[0] for r in sample]
    if ids:
        marks = ",".join("?" * len(ids))
        for k, c, n in conn.execute(
            f"SELECT kind, canonical, count(*) FROM entity_reports WHERE report_id IN ({marks})"
            " AND NOT (kind = ? AND canonical = ?) GROUP BY kind, canonical ORDER BY 3 DESC LIMIT 60",
            (*ids, *key),
        ):
            neighbours[f"co-occurs ({k})"][c] = n
    return {
        "kind": kind,
        "canonical": canonical,
        "aliases": surfaces,
        "reports": reports,
        "neighbours": {k: v.most_common(15) for k, v in neighbours.items()},
    }


def similar(conn: sqlite3.Connection, region: str, limit: int = 20) -> list[dict[str, Any]]:
    """Regions ranked by the documents, platforms and measures they share, rarer ones weighing more:
    each shared entity adds log(1 + places / places naming it).

    Candidates are the places sharing most of the region's rarest entities (about ``_CANDIDATE_ROWS``
    place rows read, rarest first; two per answer wanted, at least 40); each candidate is then
    scored over everything it shares."""
    column = _region_column(conn, region)
    if column == "province":
        inside, params = "SELECT kind, canonical, places AS n FROM entity_provinces WHERE province = ?", [region]
    else:
        here = conn.execute(
            "SELECT DISTINCT ifnull(province, ''), ifnull(city, ''), ifnull(county, '')"
            f" FROM reports WHERE {column} = ?",
            (region,),
        ).fetchall()
        inside = (
            "SELECT p.kind, p.canonical, count(*) AS n FROM json_each(?) here CROSS JOIN entity_places p"
            " ON p.province = here.value ->> 0 AND p.city = here.value ->> 1 AND p.county = here.value ->> 2"
            " GROUP BY p.kind, p.canonical"
        )
        params = [json.dumps([tuple(p) for p in here], ensure_ascii=False)]
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    total = conn.execute("SELECT count(DISTINCT county) FROM reports").fetchone()[0] or 1
    # The region's entities with the number of its places naming each, leaving out what nearly every
    # report mentions (the 条例, the portal: it says nothing about likeness) and what no place outside
    # the region names (it cannot be shared).
    telling = sorted(
        tuple(row)
        for row in conn.execute(
            f"SELECT e.places - inside.n, e.places, e.kind, e.canonical FROM ({inside}) inside"
            " JOIN entities e ON e.kind = inside.kind AND e.canonical = inside.canonical"
            " WHERE e.kind != 'agency' AND e.reports <= ? AND e.places > inside.n",
            (*params, max(_COMMON_SHARE * reports, 2)),
        )
    )
    if not telling and not conn.execute(f"SELECT 1 FROM ({inside}) inside LIMIT 1", params).fetchone():
        raise NianbaoError(f"no entities recorded for '{region}'")
    weight = {(kind, canonical): math.log(1 + total / places) for _, places, kind, canonical in telling}
    budget, rarest = _CANDIDATE_ROWS, []
    for outside, _, kind, canonical in telling:
        if budget < outside and rarest:
            break
        budget -= outside
        rarest.append((kind, canonical))
    weights = json.dumps([[*key, w] for key, w in weight.items()], ensure_ascii=False)
    found = conn.execute(
        f"WITH w AS ({_WEIGHTS}), c AS (SELECT p.province, p.city, p.county FROM w"
        " JOIN entity_places p ON p.kind = w.kind AND p.canonical = w.canonical"
        " WHERE (w.kind, w.canonical) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))"
        " AND ? NOT IN (p.province, p.city, p.county)"
        " GROUP BY p.province, p.city, p.county ORDER BY sum(w.weight) DESC LIMIT ?)"
        # Each candidate × each entity, looked up by the full key.
        " SELECT c.province, c.city, c.county, sum(w.weight), json_group_array(p.canonical) FROM c CROSS JOIN w"
        " CROSS JOIN entity_places p ON p.kind = w.kind AND p.canonical = w.canonical"
        " AND p.province = c.province AND p.city = c.city AND p.county = c.county"
        " GROUP BY c.province, c.city, c.county",
        (weights, json.dumps(rarest, ensure_ascii=False), region, max(2 * limit, 40)),
    ).fetchall()
    score = {tuple(row[:3]): row[3] for row in found}
    shared = {tuple(row[:3]): sorted(json.loads(row[4])) for row in found}
    ranked = sorted(score, key=lambda p: (-score[p], p))[:limit]
    return [
        {
            "province": p[0] or None,
            "city": p[1] or None,
            "county": p[2] or None,
            "score": round(score[p], 3),
            "shared": len(shared[p]),
            "examples": shared[p][:8],
        }
        for p in ranked
    ]


def _region_column(conn: sqlite3.Connection, region: str) -> str:
    for column in ("county", "city", "province"):
        if conn.execute(f"SELECT 1 FROM reports WHERE {column} = ? LIMIT 1", (region,)).fetchone():
            return column
    raise NianbaoError(f"no report from a region called '{region}'")
