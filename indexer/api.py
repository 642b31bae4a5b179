"""The one API under the CLI and the UI: every question either asks of the store, answered the same way.

``Library(db)`` opens a store; the search backend (the embedded store, or Elasticsearch when
``NIANBAO_BACKEND=elasticsearch``) is chosen once, here, so the CLI and the UI always give the same answer.
Answers are the plain dataclasses and dicts of the modules that compute them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

from indexer.errors import NianbaoError


@dataclass
class ReportView:
    """One report as its page shows it: the stored model, the normalized text and the entity mentions."""

    uid: str
    model: dict[str, Any]
    text: str
    mentions: list[tuple[str, str, int, int, str]]  # (kind, canonical, start, end, attrs JSON)


@dataclass
class _KeptAnswers:
    """The answers kept for one store (``Library._kept``), shared by every Library of the process: the
    one ``nianbao ui`` prepares at start and the one the pages ask are not the same object."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    version: tuple[int, ...] | None = None
    answers: dict[tuple, list[Any]] = field(default_factory=dict)


_KEPT: dict[tuple[str, str], _KeptAnswers] = {}
_KEPT_LOCK = threading.Lock()


class Library:
    """The store at ``db`` (default ``data/nianbao.db``, or ``NIANBAO_DB``) and the configured backend."""

    def __init__(self, db: str | Path | None = None, backend: str | None = None) -> None:
        from indexer.store import default_db_path

        self.db = Path(db) if db else default_db_path()
        self._local = threading.local()
        self.backend_name = (backend or os.environ.get("NIANBAO_BACKEND") or "sqlite").lower()
        if self.backend_name not in ("sqlite", "elasticsearch"):
            raise NianbaoError(f"unknown backend '{self.backend_name}': NIANBAO_BACKEND is sqlite or elasticsearch")
        with _KEPT_LOCK:  # one set of kept answers a store and backend, whichever Library asks
            self._kept_answers = _KEPT.setdefault((str(self.db.resolve()), self.backend_name), _KeptAnswers())

    # ------------------------------------------------------------ connections

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's read-only connection (WAL: it sees each write as it commits). One a thread: the
        UI asks from several threads at once (its sessions, its background preparation), and two threads
        reading through one connection at the same time can stall each other for good."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            from indexer.store import connect

            conn = self._local.conn = connect(self.db, readonly=True)
        return conn

    def _writable(self) -> sqlite3.Connection:
        from indexer.store import connect

        return connect(self.db)

    @cached_property
    def searcher(self) -> Any:
        from indexer.search import open_backend

        return open_backend(self.db, self.backend_name)

    @cached_property
    def cluster(self) -> Any:
        """The Elasticsearch backend when it is the configured one: entity and problem counts come from it."""
        return self.searcher if self.backend_name == "elasticsearch" else None

    def exists(self) -> bool:
        return self.db.exists()

    # ------------------------------------------------------------ answers kept while the store is unchanged

    def _kept(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept until the store changes: every commit writes the store's WAL file (and a
        checkpoint the store's file), so their sizes and times tell, whichever process wrote. Two threads
        asking at once compute it once. For the answers that read every report (the problem ranking,
        the indicator panel); the caller must not change what it gets."""
        version = self._store_version()
        kept = self._kept_answers
        with kept.lock:
            if kept.version != version:
                kept.answers.clear()
                kept.version = version
            slot = kept.answers.setdefault(key, [threading.Lock(), False, None])
        with slot[0]:
            if not slot[1]:
                slot[2], slot[1] = compute(), True
        return slot[2]

    def _store_version(self) -> tuple[int, ...]:
        out: list[int] = []
        for path in (self.db, self.db.with_name(self.db.name + "-wal")):
            try:
                st = path.stat()
            except FileNotFoundError:
                out += [0, 0]
            else:
                out += [st.st_size, st.st_mtime_ns]
        return tuple(out)

    def prepare(self) -> None:
        """Compute now, to be kept, the answers a first visit to the UI's 问题与改进 and 统计 pages asks for
        (a second or so each at 10,000 reports): ``nianbao ui`` runs this in the background at start."""
        if not self.exists() or not self.count():
            return
        years = sorted(int(y) for y in self.values("year"))
        self.problems(None, None, examples=20)
        if years:
            self.indicator_panel(years=(years[0], years[-1]), cells=False)

    # ------------------------------------------------------------ the corpus

    def ingest(
        self,
        paths: Iterable[str | Path],
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        names: dict[str, str] | None = None,
    ) -> Any:
        from indexer.ingest import ingest

        return ingest(paths, db=self.db, workers=workers, progress=progress, names=names)

    def reindex_cluster(self) -> Any:
        """Elasticsearch: a new index from the store, the alias moved when it is complete."""
        from indexer.search.elastic import EsConfig, connect_es, reindex

        return reindex(connect_es(EsConfig.from_env()), self.conn)

    def reports(self, **filters: Any) -> list[Any]:
        from indexer.corpus import list_reports

        return list_reports(self.conn, **filters)

    def remove(self, uids: list[str]) -> list[str]:
        from indexer.corpus import remove

        conn = self._writable()
        try:
            return remove(conn, uids)
        finally:
            self._follow(conn)

    def prune(self, dry_run: bool = False) -> Any:
        from indexer.corpus import prune

        conn = self._writable()
        try:
            return prune(conn, dry_run=dry_run)
        finally:
            self._follow(conn)

    def _follow(self, conn: sqlite3.Connection) -> None:
        """After a change of the store: the embedded index takes it in (when an ingest holds the index,
        that ingest does), and the connection closes."""
        from indexer.search.sync import IndexSync

        try:
            try:
                sync = IndexSync(conn, self.db)
            except ValueError:
                return
            try:
                sync.apply({})
            finally:
                sync.close(wait=False)
        finally:
            conn.close()

    def compact(self) -> tuple[int, int]:
        """Rewrite the store file without its free and half-filled pages (SQLite's ``VACUUM``): after an
        ingest or a removal of many reports it takes less room (10,000 generated reports: 169 → 162 MB).
        Needs the store to itself for the while, and as much free disk again. Returns its size in bytes
        before and after; what it holds is unchanged, and so is the index."""
        conn = self._writable()
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            before = self.db.stat().st_size
            try:
                conn.execute("VACUUM")
            except sqlite3.OperationalError as e:
                why = f"the store could not be compacted ({e}): is an ingest using it?"
                raise NianbaoError(why, self.db) from None
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return before, self.db.stat().st_size
        finally:
            conn.close()

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> Any:
        """Rebuild the configured backend's index from the store: the embedded index (returns the reports
        indexed), or a new Elasticsearch index (returns its ``IndexReport``)."""
        if self.backend_name == "elasticsearch":
            return self.reindex_cluster()
        from indexer.search.sync import IndexSync

        conn = self._writable()
        try:
            try:
                sync = IndexSync(conn, self.db)
            except ValueError:
                raise NianbaoError("an ingest is writing to this index; run reindex after it", self.db) from None
            try:
                return sync.rebuild(progress)
            finally:
                sync.close()
        finally:
            conn.close()

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM reports").fetchone()[0]

    def values(self, column: str) -> list[Any]:
        """The distinct provinces, cities, counties, levels or years of the reports (for the pickers)."""
        if column not in ("province", "city", "county", "level", "year"):
            raise NianbaoError(f"no report field '{column}'")
        order = "DESC" if column == "year" else ""
        sql = f"SELECT DISTINCT {column} FROM reports WHERE {column} IS NOT NULL ORDER BY 1 {order}"
        return [v for (v,) in self.conn.execute(sql)]

    # ------------------------------------------------------------ one report

    def report(self, uid: str) -> ReportView:
        from indexer.corpus import report_row_id
        from indexer.store import load_model

        report_id = report_row_id(self.conn, uid)
        text = self.conn.execute("SELECT unzip(text) FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        hidden = self._hidden()
        mentions = [
            (k, c, s, e, a)
            for k, c, s, e, a in self.conn.execute(
                "SELECT kind, canonical, start, end, attrs FROM mentions WHERE report_id = ? ORDER BY start",
                (report_id,),
            )
            if (k, c) not in hidden
        ]
        return ReportView(uid, load_model(self.conn, report_id), text, mentions)

    def report_titles(self, contains: str = "", wanted: str | None = None, limit: int = 300) -> dict[str, str]:
        """At most ``limit`` reports whose title contains ``contains`` (newest first), and the one wanted:
        id → title."""
        rows = self.conn.execute(
            "SELECT uid, title FROM reports WHERE (? = '' OR title LIKE '%' || ? || '%') OR uid = ?"
            " ORDER BY uid = ? DESC, year DESC, title LIMIT ?",
            (contains, contains, wanted or "", wanted or "", limit),
        )
        return {uid: title for uid, title in rows}

    def publisher_reports(self, publisher: str) -> list[tuple[str, str | None]]:
        """(id, title) of one publisher's reports by year."""
        sql = "SELECT uid, title FROM reports WHERE publisher = ? ORDER BY year"
        return [tuple(r) for r in self.conn.execute(sql, (publisher,))]

    # ------------------------------------------------------------ search and tables

    def search(self, query: Any) -> Any:
        """Search; the region filters accept short and former names (宁夏, 盐池, 西夏)."""
        changes = {level: self.region_name(getattr(query, level), level) for level in ("province", "city", "county")}
        changes = {level: name for level, name in changes.items() if name != getattr(query, level)}
        return self.searcher.search(replace(query, **changes) if changes else query)

    def search_all(self, query: Any, batch: int = 200) -> Any:
        """Every hit of a search (all its pages, in order), for exports: the first page's result with the
        hits of every page."""
        first = self.search(replace(query, page=1, per_page=batch))
        hits = list(first.hits)
        for page in range(2, -(-first.total_reports // batch) + 1):
            hits += self.search(replace(query, page=page, per_page=batch)).hits
        return replace(first, hits=hits, query=query)

    def region_name(self, name: str | None, level: str | None = None) -> str | None:
        """The full name of the region ``name`` means (宁夏 → 宁夏回族自治区, 盐池 → 盐池县), at ``level``
        (province, city or county) if given. A name several regions bear is the one the store holds
        reports of, if only one; otherwise NianbaoError lists them. An unknown name is returned as it is."""
        if not name:
            return name
        from indexer.parse.region import units_named  # (imports the parsers: only when a name is given)

        levels = (level,) if level else ("county", "city", "province")
        if any(self._has_region(lv, name) for lv in levels):
            return name
        units = units_named(name, level)
        names = sorted({u.name for u in units})
        if len(names) <= 1:
            return names[0] if names else name
        present = [n for n in names if any(self._has_region(lv, n) for lv in levels)]
        if len(present) == 1:
            return present[0]
        places = "、".join(f"{u.province}{u.city or ''}{u.name if u.level == 'county' else ''}" for u in units)
        raise NianbaoError(f"'{name}' could be several regions: {places}; write the full name")

    def _has_region(self, level: str, name: str) -> bool:
        column = {"province": "province", "city": "city", "county": "county"}[level]
        return self.conn.execute(f"SELECT 1 FROM reports WHERE {column} = ? LIMIT 1", (name,)).fetchone() is not None

    # ------------------------------------------------------------ indicators

    def indicator_panel(
        self,
        province: str | None = None,
        city: str | None = None,
        county: str | None = None,
        level: str | None = None,
        year: int | None = None,
        years: tuple[int, int] | None = None,
        publisher: str | None = None,
        cells: bool = True,
    ) -> list[Any]:
        """Every report's indicators and table cells (``indexer.indicators.ReportIndicators``), one per
        report, filtered; region filters accept short and former names. ``cells=False`` reads only the
        indicators the store keeps beside each report's cells (what aggregates and charts need: fast)."""
        import json

        from indexer.indicators import TABLE_CHECKS, report_indicators
        from indexer.store import unzip

        where, args = [], []
        for column, value in (
            ("province", self.region_name(province, "province")),
            ("city", self.region_name(city, "city")),
            ("county", self.region_name(county, "county")),
            ("level", level),
            ("year", year),
            ("publisher", publisher),
        ):
            if value:
                where.append(f"r.{column} = ?")
                args.append(value)
        if years:
            where.append("r.year BETWEEN ? AND ?")
            args += list(years)
        sql = (
            "SELECT r.id, r.uid, r.title, r.publisher, r.level, r.province, r.city, r.county, r.region_code,"
            " r.year, r.template, (SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.ok = 0),"
            " (SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.ok = 0 AND ("
            + " OR ".join("k.check_id LIKE ?" for _ in TABLE_CHECKS)
            + ")) FROM reports r"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY r.year, r.uid"
        )
        keys = ("uid", "title", "publisher", "level", "province", "city", "county", "region_code", "year", "template")
        if not cells:
            return self._kept(("panel", *where, *args), lambda: self._panel_figures(where, args, keys))
        reports = self.conn.execute(sql, [*TABLE_CHECKS, *args]).fetchall()
        cells: dict[int, dict] = {r[0]: {} for r in reports}
        reasons: dict[int, dict] = {r[0]: {} for r in reports}
        wanted = ",".join(str(r[0]) for r in reports) or "NULL"
        for rid, blob in self.conn.execute(f"SELECT report_id, cells FROM report_cells WHERE report_id IN ({wanted})"):
            mine, why = cells[rid], reasons[rid]
            for tbl, row, col, value, _, reason in json.loads(unzip(blob)):
                if type(value) is float and value.is_integer():
                    value = int(value)
                mine[(tbl, row, col)] = value
                if reason:
                    why[(tbl, row, col)] = reason
        return [
            report_indicators(dict(zip(keys, r[1:11], strict=True)), cells[r[0]], reasons[r[0]], r[11], r[12])
            for r in reports
        ]

    def _panel_figures(self, where: list[str], args: list[Any], keys: tuple[str, ...]) -> list[Any]:
        """The panel read from the indicators kept beside each report's cells (no cells)."""
        from indexer.indicators import from_stored

        fast = (
            "SELECT r.uid, r.title, r.publisher, r.level, r.province, r.city, r.county, r.region_code, r.year,"
            " r.template, c.figures FROM reports r JOIN report_cells c ON c.report_id = r.id"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY r.year, r.uid"
        )
        return [from_stored(dict(zip(keys, r[:10], strict=True)), r[10]) for r in self.conn.execute(fast, args)]

    def indicators(self, by: Iterable[str] = (), exclude_flagged: bool = False, **filters: Any) -> list[Any]:
        """Aggregated indicators (``indexer.indicators.Group``) by the groupings named, filtered."""
        from indexer.indicators import aggregate

        return aggregate(self.indicator_panel(cells=False, **filters), by, exclude_flagged)

    def cross_year_checks(self, **filters: Any) -> list[Any]:
        """The checks between each unit's consecutive reports (``indexer.crossyear``), for the reports the
        filters keep (their previous years are read too)."""
        from indexer.crossyear import cross_year_checks, unit_of

        kept = self.indicator_panel(**filters)
        units = {unit_of(r) for r in kept}
        wanted = {r.uid for r in kept}
        everything = self.indicator_panel() if filters else kept
        checks = cross_year_checks(r for r in everything if unit_of(r) in units)
        return [c for c in checks if c.report_id in wanted]

    def units(self) -> list[tuple[str, list[int]]]:
        """The units (publishers) with the years they reported for; units with the most years first."""
        rows = self.conn.execute(
            "SELECT publisher, group_concat(DISTINCT year) FROM reports"
            " WHERE publisher IS NOT NULL AND year IS NOT NULL GROUP BY publisher"
        ).fetchall()
        units = [(p, sorted(int(y) for y in years.split(","))) for p, years in rows]
        return sorted(units, key=lambda uy: (-len(uy[1]), uy[0]))

    def cross_year(self, unit: str) -> dict[str, Any]:
        """One unit's reports side by side: ``years`` (its reports by year, each a
        ``indexer.indicators.ReportIndicators``), ``checks`` (the cross-year checks) and ``problems`` (for
        each pair of consecutive years, the problems that recur and last year's fixes this year reports done)."""
        from indexer.crossyear import cross_year_checks

        panel = self.indicator_panel(publisher=unit)
        by_year: dict[int, Any] = {}
        for r in panel:
            if r.year:
                by_year.setdefault(r.year, r)
        return {
            "unit": unit,
            "years": [{"year": y, "report": by_year[y]} for y in sorted(by_year)],
            "checks": cross_year_checks(by_year.values()),
            "problems": self.recurrence(unit),
        }

    def long_table(self, out: TextIO) -> int:
        """Every report's table cells and checks in long form (CSV); returns the lines written."""
        from indexer.tables_export import write_long_csv

        return write_long_csv(self.conn, out)

    def failing_checks(self, prefixes: tuple[str, ...], limit: int = 200) -> list[tuple[str, str | None, str, str]]:
        """(report id, title, check, detail) of the failing checks whose names start with a prefix."""
        like = " OR ".join("k.check_id LIKE ?" for _ in prefixes)
        sql = (
            "SELECT r.uid, r.title, k.check_id, k.detail FROM checks k JOIN reports r ON r.id = k.report_id"
            f" WHERE k.ok = 0 AND ({like}) ORDER BY r.year DESC LIMIT ?"
        )
        return [tuple(r) for r in self.conn.execute(sql, (*(p + "%" for p in prefixes), limit))]

    # ------------------------------------------------------------ entities and the graph

    def cites(self, name: str, limit: int = 50) -> Any:
        from graph.queries import cites

        return cites(self.conn, self._visible(name, ("document",)), limit, self.cluster)

    def practice(self, name: str, limit: int = 50) -> Any:
        from graph.queries import practice

        return practice(self.conn, self._visible(name, ("measure", "platform")), limit, self.cluster)

    def entity(self, name: str) -> dict[str, Any]:
        from graph.queries import entity

        answer = entity(self.conn, self._visible(name))
        hidden = {c for _, c in self._hidden()}
        answer["neighbours"] = {
            relation: [(n, c) for n, c in items if n not in hidden] for relation, items in answer["neighbours"].items()
        }
        return answer

    def entity_names(self, kind: str, limit: int = 5000) -> list[str]:
        """Canonical names of one kind of entity, most reported first (hidden ones left out)."""
        sql = "SELECT canonical FROM entities WHERE kind = ? ORDER BY reports DESC LIMIT ?"
        hidden = self._hidden()
        return [c for (c,) in self.conn.execute(sql, (kind, limit + len(hidden))) if (kind, c) not in hidden][:limit]

    # ------------------------------------------------------------ curation

    def _hidden(self) -> set[tuple[str, str]]:
        from indexer.curation import rules

        return rules(self.conn).hidden

    def _visible(self, name: str, kinds: tuple[str, ...] | None = None) -> str:
        """The canonical name an entity question is about; a hidden entity is an error saying so."""
        from graph.queries import resolve
        from indexer.curation import rules

        kind, canonical = resolve(self.conn, name, kinds) if kinds else resolve(self.conn, name)
        active = rules(self.conn)
        canonical = active.canonical(kind, canonical, "")  # a merged or renamed name: what it became
        if (kind, canonical) in active.hidden:
            raise NianbaoError(f"'{canonical}' is hidden (`nianbao entity unhide {canonical}` shows it again)")
        return canonical

    def curate(self, action: str, name: str, value: str | None = None) -> Any:
        """Record a curation decision and apply it to the store: ``merge`` name into value, ``rename`` name
        to value, ``split`` the alias name off the entity value, ``hide`` or ``unhide`` name."""
        from graph.queries import resolve
        from indexer.curation import record

        if action == "split":
            if not value:
                raise NianbaoError("split needs the alias and the entity it is split from")
            kind, entity = resolve(self.conn, value)
            written = {
                s
                for (s,) in self.conn.execute(
                    "SELECT surface FROM entity_surfaces WHERE kind = ? AND canonical = ?", (kind, entity)
                )
            }
            if name not in written:
                listed = "、".join(sorted(written)) or "—"
                raise NianbaoError(f"'{name}' is not a way '{entity}' is written (its forms: {listed})")
            value = entity
        else:
            kind, name = resolve(self.conn, name)
            if action == "merge":
                if not value:
                    raise NianbaoError("merge needs the entity to merge into")
                _, value = resolve(self.conn, value, (kind,))
                if value == name:
                    raise NianbaoError(f"'{name}' cannot be merged into itself")
            elif action == "rename" and not (value or "").strip():
                raise NianbaoError("rename needs the new name")
        conn = self._writable()
        try:
            return record(conn, action, kind, name, value.strip() if value else None)
        finally:
            conn.close()

    def curation(self) -> list[Any]:
        """Every curation decision, oldest first, with its time (undone ones marked)."""
        from indexer.curation import decisions

        return decisions(self.conn)

    def undo_curation(self, decision_id: int) -> Any:
        from indexer.curation import undo

        conn = self._writable()
        try:
            return undo(conn, decision_id)
        finally:
            conn.close()

    def export_curation(self, path: str | Path) -> int:
        from indexer.curation import export_yaml

        return export_yaml(self.conn, Path(path))

    def import_curation(self, path: str | Path) -> int:
        from indexer.curation import import_yaml

        conn = self._writable()
        try:
            return import_yaml(conn, Path(path))
        finally:
            conn.close()

    def lexicon_suggest(self, kind: str, min_reports: int = 2, limit: int = 50) -> list[Any]:
        """Platform or measure names the lexicons do not know, found by the phrases that introduce them
        across the stored reports, most reported first (``indexer.extract.suggest``)."""
        from indexer.extract.suggest import suggest

        texts = self.conn.cursor().execute("SELECT uid, unzip(text) FROM reports ORDER BY id")
        return suggest(((uid, text) for uid, text in texts), kind, min_reports=min_reports)[:limit]

    def similar(self, region: str, limit: int = 20) -> list[dict[str, Any]]:
        from graph.queries import similar

        return similar(self.conn, self.region_name(region) or region, limit)

    def graph(self, types: Iterable[str] | None = None) -> Any:
        from graph.build import build_graph, node_id

        g = build_graph(self.conn, types)
        g.remove_nodes_from([node_id(kind, c) for kind, c in self._hidden()])
        return g

    def neighbourhood(self, node: str, kinds: set[str], cap: int = 25) -> Any:
        from graph.build import node_id
        from graph.ego import neighbourhood

        g = neighbourhood(self.conn, node, kinds, cap)
        g.remove_nodes_from([node_id(kind, c) for kind, c in self._hidden() if node_id(kind, c) != node])
        return g

    # ------------------------------------------------------------ problems and fixes

    def problems(self, province: str | None = None, year: int | None = None, examples: int = 3) -> list[dict]:
        from graph.problems import problem_ranking

        return self._kept(
            ("problems", province, year, examples),
            lambda: problem_ranking(self.conn, province, year, examples=examples, cluster=self.cluster),
        )

    def region_items(self, region: str) -> list[dict[str, Any]]:
        from graph.problems import region_items

        return region_items(self.conn, region)

    def recurrence(self, publisher: str) -> list[dict[str, Any]]:
        from graph.problems import recurrence

        return recurrence(self.conn, publisher)

    def clusters(self, province: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
        from graph.problems import clusters

        return clusters(self.conn, province=province, year=year)

    # ------------------------------------------------------------ copied content

    def copies(self, minimum: float = 0.8, kind: str | None = None, **filters: Any) -> list[Any]:
        from indexer.copies import copy_pairs

        return copy_pairs(self.conn, minimum, kind, **filters)

    def report_copies(self, uid: str) -> dict[str, dict[str, Any]]:
        from indexer.copies import report_copies
        from indexer.corpus import report_row_id

        return report_copies(self.conn, report_row_id(self.conn, uid))

    def most_copied(self, minimum: float = 0.8, **filters: Any) -> list[tuple[str, int, int]]:
        from indexer.copies import most_copied

        return most_copied(self.conn, minimum, **filters)
