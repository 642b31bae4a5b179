"""The search interface on the embedded store's FTS5 indexes.

FTS5 gives the matching report ids (and BM25 scores) as numpy arrays; filters, facets and sorting
then run on the reports' metadata, held as arrays indexed by report id.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np

from indexer.search.base import (
    LOOKUP_CHARS,
    ReportHit,
    SearchQuery,
    SearchResult,
)
from indexer.search.snippets import passage_hit
from indexer.segment import query_terms
from indexer.store import COLUMNS, ROWS_PER_REPORT, connect, original_text, pair_key, stored_columns

_META = ("province", "city", "county", "level", "year")
# Title and introduction weigh more than the body when ranking reports.
_BM25 = "bm25(fts_words, 4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)"
_NO_IDS = np.empty(0, dtype=np.int64)
_VOCABULARIES = ("fts_words", "fts_bigram")  # indexes with one FTS5 column per index column


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _words_match(terms: list[str], section: str | None) -> str:
    """Every query word, as an FTS5 expression over the words index (in one section, if given)."""
    return _in_section(" ".join(_quoted(t) for t in terms), section)


def _in_section(expr: str, section: str | None) -> str:
    return f"{{{section}}} : ({expr})" if section else expr


class _Metadata:
    """Each report's province, city, county, level and year, as value codes in arrays indexed by report id.

    Code 0 stands for no value, and is what an id with no report (``present`` false) has too.
    """

    def __init__(self, rows: list[tuple]) -> None:
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        size = int(ids.max()) + 1 if len(ids) else 0
        self.present = np.zeros(size, dtype=bool)
        self.present[ids] = True
        self.index: dict[str, dict] = {}  # field → value → code
        self.values: dict[str, list] = {}  # field → code → value
        self.codes: dict[str, np.ndarray] = {}  # field → report id → code
        for i, name in enumerate(_META, start=1):
            index: dict = {None: 0}
            codes = [index.setdefault(r[i], len(index)) for r in rows]
            self.index[name], self.values[name] = index, list(index)
            self.codes[name] = np.zeros(size, dtype=np.int64)
            self.codes[name][ids] = codes
        # What sorting by year uses: -(year or 0), per report id.
        self.minus_year = np.array([-(v or 0) for v in self.values["year"]], dtype=np.int64)[self.codes["year"]]

    def selected(self, query: SearchQuery) -> np.ndarray:
        """Which report ids exist and pass the query's filters."""
        keep = self.present.copy()
        for name in _META[:4]:
            value = getattr(query, name)
            if value:
                keep &= self.codes[name] == self.index[name].get(value, -1)
        if query.year_from is not None or query.year_to is not None:
            in_range = [
                year is not None
                and not (query.year_from is not None and year < query.year_from)
                and not (query.year_to is not None and year > query.year_to)
                for year in self.values["year"]
            ]
            keep &= np.array(in_range)[self.codes["year"]]
        return keep

    def facet(self, name: str, ids: np.ndarray) -> list[tuple]:
        """(value, reports) of one field over the given reports, most frequent first."""
        counts = np.bincount(self.codes[name][ids], minlength=len(self.values[name]))
        pairs = [(self.values[name][code], int(counts[code])) for code in np.flatnonzero(counts[1:]) + 1]
        return sorted(pairs, key=lambda kv: (-kv[1], str(kv[0])))


def _token(needle: str, terms: list[str], mode: str) -> tuple[str, str] | None:
    """(index, token) when the query matches exactly the reports holding that one index token."""
    if mode == "ranked":
        return ("fts_words", terms[0]) if len(terms) == 1 else None
    return ("fts_bigram", pair_key(needle)) if len(needle) == 2 else None


def _union(id_arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct ids of several arrays, ascending."""
    present = np.zeros(max((int(a.max()) + 1 for a in id_arrays if len(a)), default=0), dtype=bool)
    for a in id_arrays:
        present[a] = True
    return np.flatnonzero(present)


def _by_column(rows: np.ndarray) -> list[np.ndarray]:
    """fts_trigram rows (ascending) as the report ids found in each index column."""
    reports, columns = np.divmod(rows, ROWS_PER_REPORT)
    return [reports[columns == c] for c in range(len(COLUMNS))]


def _first(keys: list[np.ndarray], ids: np.ndarray, stop: int) -> np.ndarray:
    """Positions of the first ``stop`` rows ordered by ``keys`` (most significant first), then by report id."""
    rows = np.arange(len(ids))
    if 0 < stop < len(ids):
        # Only rows whose first key is within the ``stop`` smallest can come first: sort just those.
        bound = np.partition(keys[0], stop - 1)[stop - 1]
        rows = np.flatnonzero(keys[0] <= bound)
    order = np.lexsort([ids[rows], *(key[rows] for key in reversed(keys))])
    return rows[order[:stop]]


class SqliteBackend:
    """Ranked (jieba words, BM25) and exact (substring) search over one SQLite store."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.conn = connect(db, readonly=True)
        for table in _VOCABULARIES:
            # How many reports hold a token in each column: one index scan instead of one query per column.
            self.conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_col USING fts5vocab(main, {table}, col)"
            )
        self._meta: _Metadata | None = None
        self._meta_version: tuple = ()
        # Milliseconds spent in each phase of the last search (bench/search.py prints their means).
        self.phases: dict[str, float] = {}

    def _metadata(self) -> _Metadata:
        """The reports' metadata, reloaded when the store changes."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        count = self.conn.execute("SELECT max(rowid) FROM reports").fetchone()[0]
        if self._meta is None or (version, count) != self._meta_version:
            rows = self.conn.execute("SELECT id, province, city, county, level, year FROM reports").fetchall()
            self._meta = _Metadata([tuple(r) for r in rows])
            self._meta_version = (version, count)
        return self._meta

    def close(self) -> None:
        self.conn.close()

    def report_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM reports").fetchone()[0]

    def search(self, query: SearchQuery) -> SearchResult:
        started = lap = time.perf_counter()

        def phase(name: str) -> None:
            nonlocal lap
            now = time.perf_counter()
            self.phases[name] = (now - lap) * 1000
            lap = now

        needle = query.cleaned()
        notice = None
        if query.section and query.section not in COLUMNS:
            notice = f"未知的章节类型 {query.section}"
            query = SearchQuery(**{**query.__dict__, "section": None})
        meta = self._metadata()
        by_column = None  # the reports matching in each index column, once known
        if not needle.strip() and query.mode == "ranked" or not needle:
            ids = np.flatnonzero(meta.present)
            scores = np.zeros(len(ids))
            terms: list[str] = []
            notice = notice or ("未输入检索词: 列出全部报告" if not query.text.strip() else "检索词只含标点或空白")
        elif query.mode == "exact":
            terms = []
            if len(needle) >= 3:
                # One phrase query finds the (report, column) rows: both the reports and the section facet.
                by_column = _by_column(self._trigram_rows(needle))
                ids = by_column[COLUMNS.index(query.section)] if query.section else _union(by_column)
            else:
                ids = self._exact_ids(needle, query.section)
            scores = np.zeros(len(ids))
        else:
            terms = query_terms(needle)
            ids, scores = self._ranked_ids(terms, query.section)
            # Ranked never loses what exact finds: reports holding the query verbatim join the ranking.
            worst = scores.max() if len(scores) else 0.0
            extra = np.setdiff1d(self._exact_ids(needle, query.section), ids)
            ids = np.concatenate([ids, extra])
            scores = np.concatenate([scores, np.full(len(extra), worst + 1.0)])
        phase("lookup")

        keep = meta.selected(query)
        chosen = ids < len(keep)
        chosen[chosen] = keep[ids[chosen]]
        everything = not query.section and bool(chosen.all())  # no section or filter left any match out
        ids, scores = ids[chosen], scores[chosen]
        facets = {name: meta.facet(name, ids) for name in _META}
        phase("facets")

        facets["section"] = self._section_facet(ids, everything, len(keep), needle, terms, query.mode, by_column)
        phase("section facet")

        years = meta.minus_year[ids]
        if query.mode == "exact":
            keys = [years]  # every exact match scores 0
        else:
            keys = [years, scores] if query.sort == "year" else [scores, years]
        first = (max(query.page, 1) - 1) * query.per_page
        page = _first(keys, ids, first + query.per_page)[first:]
        phase("sort")

        hits = [self._report_hit(int(ids[i]), float(scores[i]), needle, terms, query) for i in page]
        phase("snippets")
        return SearchResult(
            query=query,
            total_reports=len(ids),
            hits=hits,
            facets=facets,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
        )

    # ------------------------------------------------------------ matching report ids

    def _match_count(self, table: str, expr: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (expr,)).fetchone()[0]

    def _match_ids(self, table: str, expr: str) -> np.ndarray:
        """The rowids an FTS5 expression matches, ascending, in one string rather than one Python row each."""
        sql = f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid)"
        found = self.conn.execute(sql, (expr,)).fetchone()[0]
        return np.fromstring(found, dtype=np.int64, sep=",") if found else _NO_IDS

    def _ranked_ids(self, terms: list[str], section: str | None) -> tuple[np.ndarray, np.ndarray]:
        """Reports whose words match, and their BM25 scores (lower is better)."""
        if not terms:
            return _NO_IDS, np.zeros(0)
        cursor = self.conn.cursor()
        cursor.row_factory = None
        sql = f"SELECT rowid, {_BM25} FROM fts_words WHERE fts_words MATCH ?"
        rows = cursor.execute(sql, (_words_match(terms, section),)).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ids, np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))

    def _word_ids(self, terms: list[str], section: str | None) -> np.ndarray:
        """Reports whose words match (no ranking): what the section facet counts in ranked mode."""
        return self._match_ids("fts_words", _words_match(terms, section)) if terms else _NO_IDS

    def _exact_ids(self, needle: str, section: str | None) -> np.ndarray:
        """Reports whose normalized text (or the given section) contains ``needle``: exactly those."""
        if len(needle) >= 3:
            by_column = _by_column(self._trigram_rows(needle))
            return by_column[COLUMNS.index(section)] if section else _union(by_column)
        expr = _quoted(pair_key(needle)) + ("*" if len(needle) == 1 else "")
        return self._match_ids("fts_bigram", _in_section(expr, section))

    def _trigram_rows(self, needle: str) -> np.ndarray:
        """The fts_trigram rows (report id × 8 + column) whose text contains ``needle`` (3+ characters)."""
        rows = self._match_ids("fts_trigram", _quoted(needle[:LOOKUP_CHARS]))
        if len(needle) > LOOKUP_CHARS:
            # The index looked up the beginning; the stored text decides about the rest.
            rows = rows[np.array([needle in self._row_text(int(row)) for row in rows], dtype=bool)]
        return rows

    def _row_text(self, row: int) -> str:
        """The text of one fts_trigram row: one report's lines of one index column."""
        report_id, column = divmod(row, ROWS_PER_REPORT)
        return stored_columns(self.conn, report_id)[column]

    # ------------------------------------------------------------ section facet

    def _column_ids(self, needle: str, terms: list[str], mode: str) -> list[np.ndarray]:
        """The reports matching in each index column (as filtering by that section finds them)."""
        if mode == "exact":
            if len(needle) >= 3:
                return _by_column(self._trigram_rows(needle))
            return [self._exact_ids(needle, column) for column in COLUMNS]
        return [self._word_ids(terms, column) for column in COLUMNS]

    def _section_facet(
        self,
        ids: np.ndarray,
        everything: bool,
        size: int,
        needle: str,
        terms: list[str],
        mode: str,
        by_column: list | None,
    ) -> list[tuple]:
        """How many of the given reports match in each section: what filtering by that section returns.

        ``everything``: ``ids`` are all the reports the query matches in any section.
        """
        if not len(ids) or not needle.strip():
            return []
        # A section's matches are among the query's: with all of those kept, counting them is enough.
        token = _token(needle, terms, mode) if everything else None
        counts = self._token_counts(*token) if token else None
        if counts is None and everything and mode == "ranked":
            counts = [self._match_count("fts_words", _words_match(terms, c)) if terms else 0 for c in COLUMNS]
        if counts is None:
            chosen = np.zeros(size, dtype=bool)
            chosen[ids] = True
            by_column = by_column or self._column_ids(needle, terms, mode)
            counts = [np.count_nonzero(chosen[found[found < size]]) for found in by_column]
        sections = [(column, int(count)) for column, count in zip(COLUMNS, counts, strict=True) if count]
        return sorted(sections, key=lambda kv: -kv[1])

    def _token_counts(self, table: str, token: str) -> list[int] | None:
        """How many reports hold ``token`` in each column; None if no report holds it (it may not be one token)."""
        sql = f"SELECT col, doc FROM temp.{table}_col WHERE term = ?"
        counts = dict(self.conn.execute(sql, (token,)).fetchall())
        return [counts.get(column, 0) for column in COLUMNS] if counts else None

    # ------------------------------------------------------------ passages and snippets

    def _passage_texts(self, report_id: int, section: str | None) -> dict[sqlite3.Row, str]:
        text = self.conn.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        sql = "SELECT id, kind, start, end, orig_start, orig_end FROM passages WHERE report_id = ?"
        params: list = [report_id]
        if section:
            sql += " AND kind = ?"
            params.append(section)
        return {p: text[p["start"] : p["end"]] for p in self.conn.execute(sql + " ORDER BY id", params)}

    def _report_hit(self, report_id: int, score: float, needle: str, terms: list[str], query: SearchQuery) -> ReportHit:
        meta = self.conn.execute(
            "SELECT path, title, publisher, level, year, province, city, county FROM reports WHERE id = ?",
            (report_id,),
        ).fetchone()
        hit = ReportHit(report_id=report_id, score=score, **dict(meta))
        if not needle.strip() and query.mode == "ranked" or not needle or query.passages_per_report <= 0:
            return hit
        needles = [needle] if query.mode == "exact" else [needle, *terms]
        scored = []
        for passage, text in self._passage_texts(report_id, query.section).items():
            if query.mode == "exact":
                weight = float(text.count(needle))
            else:
                weight = (100.0 if needle in text else 0.0) + sum(len(t) for t in terms if t in text)
            if weight:
                scored.append((weight, passage))
        scored.sort(key=lambda wp: (-wp[0], wp[1]["id"]))
        best = sorted((p for _, p in scored[: query.passages_per_report]), key=lambda p: p["id"])
        if best:
            original = original_text(self.conn, report_id)
            hit.passages = [
                passage_hit(
                    p["id"],
                    p["kind"],
                    p["start"],
                    p["end"],
                    p["orig_start"],
                    p["orig_end"],
                    original[p["orig_start"] : p["orig_end"]],
                    needles,
                )
                for p in best
            ]
        return hit
