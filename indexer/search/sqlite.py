"""The search interface on the embedded store's indexes.

Ranked mode reads the word postings of the query's terms and computes BM25 with numpy; exact mode
asks FTS5 (trigram rows by report and index column, or character pairs) for the reports holding the
query. Filters, facets and sorting then run on the reports' metadata, held as arrays indexed by report id.
"""

from __future__ import annotations

import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from indexer.phrases import phrase_version, vocabulary
from indexer.search.base import (
    LOOKUP_CHARS,
    ReportHit,
    SearchQuery,
    SearchResult,
)
from indexer.search.snippets import passage_hit
from indexer.segment import query_terms
from indexer.store import (
    COLUMNS,
    ROWS_PER_REPORT,
    connect,
    live_entries,
    original_text,
    pair_key,
    stored_columns,
    unpack_postings,
)

_META = ("province", "city", "county", "level", "year")
# BM25's parameters (as FTS5's bm25() has them); the words' column weights are applied at ingest.
_K1, _B = 1.2, 0.75
_NO_IDS = np.empty(0, dtype=np.int64)
_SPLIT_REPORTS = 20_000  # from this many reports on, FTS5 lookups run on two connections
# One row per batch: the entries of a word (word_postings) or of a phrase (phrase_postings).
_POSTINGS = {
    table: f"SELECT p.batch, p.entries FROM word_batches AS b CROSS JOIN {table} AS p"
    f" ON p.batch = b.batch AND p.{key} = ?"
    for table, key in (("word_postings", "term"), ("phrase_postings", "phrase"))
}


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _in_section(expr: str, section: str | None) -> str:
    return f"{{{section}}} : ({expr})" if section else expr


class _Metadata:
    """Each report's province, city, county, level and year, as value codes in arrays indexed by report id.

    Code 0 stands for no value, and is what an id with no report (``present`` false) has too.
    """

    def __init__(self, rows: list[tuple], docs: list[tuple], phrases: bool) -> None:
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        size = int(ids.max()) + 1 if len(ids) else 0
        self.present = np.zeros(size, dtype=bool)
        self.present[ids] = True
        self.reports = len(ids)
        self.middle_id = int(np.median(ids)) if len(ids) else 0  # half the reports below, half from it on
        self.index: dict[str, dict] = {}  # field → value → code
        self.values: dict[str, list] = {}  # field → code → value
        self.codes: dict[str, np.ndarray] = {}  # field → report id → code
        self.text_order: dict[str, np.ndarray] = {}  # field → code → rank of the value as text
        for i, name in enumerate(_META, start=1):
            index: dict = {None: 0}
            codes = [index.setdefault(r[i], len(index)) for r in rows]
            self.index[name], self.values[name] = index, list(index)
            self.codes[name] = np.zeros(size, dtype=np.int64)
            self.codes[name][ids] = codes
            order = sorted(range(len(index)), key=lambda code, name=name: str(self.values[name][code]))
            self.text_order[name] = np.argsort(np.array(order, dtype=np.int64))  # code → rank of str(value)
        # What sorting by year uses: -(year or 0), per report id.
        self.minus_year = np.array([-(v or 0) for v in self.values["year"]], dtype=np.int64)[self.codes["year"]]
        # The ranked index: which batch holds each report's current word entries (-1: none), its length.
        self.batch = np.full(size, -1, dtype=np.int64)
        self.length = np.zeros(size)
        self.documents = len(docs)
        if docs:
            doc_id, batch, length = np.array(docs, dtype=np.int64).T
            known = doc_id < size
            self.batch[doc_id[known]] = batch[known]
            self.length[doc_id[known]] = length[known]
        self.average_length = float(self.length.sum() / max(self.documents, 1)) or 1.0
        self.norm = _K1 * (1 - _B + _B * self.length / self.average_length)  # BM25's length normalization
        self.phrases = phrases  # whether the phrase index holds this vocabulary's phrases

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
        codes = np.flatnonzero(counts[1:]) + 1
        codes = codes[np.lexsort((self.text_order[name][codes], -counts[codes]))]  # ties by the value as text
        values = self.values[name]
        return [(values[code], n) for code, n in zip(codes.tolist(), counts[codes].tolist(), strict=True)]


def _rowids(
    conn: sqlite3.Connection, table: str, expr: str, low: int | None = None, high: int | None = None
) -> np.ndarray:
    """The rowids (at least ``low``, below ``high``) an FTS5 expression matches, ascending."""
    bounds = "".join(f" AND rowid {op} {int(value)}" for op, value in ((">=", low), ("<", high)) if value is not None)
    sql = f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?{bounds} ORDER BY rowid)"
    found = conn.execute(sql, (expr,)).fetchone()[0]
    return np.fromstring(found, dtype=np.int64, sep=",") if found else _NO_IDS


def _union(id_arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct ids of several arrays, ascending."""
    present = np.zeros(max((int(a.max()) + 1 for a in id_arrays if len(a)), default=0), dtype=bool)
    for a in id_arrays:
        present[a] = True
    return np.flatnonzero(present)


def _report_bits(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fts_trigram rows (ascending) as the distinct reports and, for each, the bits of its index columns."""
    if not len(rows):
        return _NO_IDS, _NO_IDS
    reports, columns = np.divmod(rows, ROWS_PER_REPORT)
    starts = np.flatnonzero(np.r_[True, reports[1:] != reports[:-1]])
    return reports[starts], np.bitwise_or.reduceat(np.left_shift(1, columns), starts)


def _column_counts(bits: np.ndarray) -> list[int]:
    """How many of the given section bits have each index column."""
    return [int(np.count_nonzero(bits & (1 << c))) for c in range(len(COLUMNS))]


def _after_the_ranked(scores: np.ndarray) -> np.ndarray:
    """Scores with those of reports only exact mode finds (infinite) set after every ranked one."""
    ranked = np.isfinite(scores)
    scores[~ranked] = (scores[ranked].max() if ranked.any() else 0.0) + 1.0
    return scores


def _sections(counts: list[int]) -> list[tuple]:
    """The section facet: (section, reports) for each index column with any, most first."""
    return sorted(((c, n) for c, n in zip(COLUMNS, counts, strict=True) if n), key=lambda kv: -kv[1])


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
        # A large store's FTS5 lookups are split by rowid between this connection and a second one,
        # run in a thread (SQLite releases the GIL while it works): the phrase matching runs on two cores.
        self._db = db
        self._side: sqlite3.Connection | None = None
        self._pool: ThreadPoolExecutor | None = None
        # How many reports hold a character pair in each column: one index scan instead of a query per column.
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_bigram_col USING fts5vocab(main, fts_bigram, col)"
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
            docs = self.conn.execute("SELECT report_id, batch, length FROM word_docs").fetchall()
            phrases = self.conn.execute("SELECT value FROM meta WHERE key = 'phrases'").fetchone()
            current = phrases is not None and phrases[0] == phrase_version()
            self._meta = _Metadata([tuple(r) for r in rows], [tuple(d) for d in docs], current)
            self._meta_version = (version, count)
        return self._meta

    def close(self) -> None:
        self.conn.close()
        if self._side is not None:
            self._side.close()
        if self._pool is not None:
            self._pool.shutdown()

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
        bits = None  # for each matching report, the index columns it matches in (once known)
        column = COLUMNS.index(query.section) if query.section else None
        if not needle.strip() and query.mode == "ranked" or not needle:
            ids = np.flatnonzero(meta.present)
            scores = np.zeros(len(ids))
            terms: list[str] = []
            notice = notice or ("未输入检索词: 列出全部报告" if not query.text.strip() else "检索词只含标点或空白")
        elif query.mode == "exact":
            terms = []
            ids, bits = self._exact(needle, column)
            scores = np.zeros(len(ids))
        else:
            terms = query_terms(needle)
            if terms == [needle] and needle.lower() == needle.upper():
                # One word, the whole query, no letter case folded by the index: each of its matches (a cut
                # or a part of one) holds the query verbatim, in the same section, so exact mode's matches
                # are all of ranked mode's.
                ids, bits = self._exact(needle, column)
                scores = self._scores(ids, terms, meta)
            else:
                ids, scores, bits = self._ranked(needle, terms, column, meta)
        phase("lookup")

        keep = meta.selected(query)
        chosen = ids < len(keep)
        chosen[chosen] = keep[ids[chosen]]
        everything = not query.section and bool(chosen.all())  # no section or filter left any match out
        ids, scores = ids[chosen], scores[chosen]
        facets = {name: meta.facet(name, ids) for name in _META}
        phase("facets")

        if bits is not None and needle.strip():
            facets["section"] = _sections(_column_counts(bits[chosen]))
        else:
            facets["section"] = self._section_facet(ids, everything, len(keep), needle)
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

    def _match_ids(self, table: str, expr: str) -> np.ndarray:
        """The rowids an FTS5 expression matches in fts_trigram or fts_bigram, ascending; on a large store
        the upper half of the reports is searched at the same time on a second connection."""
        meta = self._meta if self._meta is not None else self._metadata()  # a search has just read it
        if meta.reports < _SPLIT_REPORTS or (os.cpu_count() or 1) < 2:
            return _rowids(self.conn, table, expr)
        if self._side is None or self._pool is None:
            self._side = connect(self._db, readonly=True)
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-search")
        middle = meta.middle_id * (ROWS_PER_REPORT if table == "fts_trigram" else 1)  # fts_bigram: one row each
        upper = self._pool.submit(_rowids, self._side, table, expr, middle, None)
        lower = _rowids(self.conn, table, expr, None, middle)
        return np.concatenate([lower, upper.result()])

    def _exact(self, needle: str, column: int | None) -> tuple[np.ndarray, np.ndarray | None]:
        """Reports holding ``needle`` (in the given column), and the bits of the columns each holds it in
        (for 1–2 characters: None, the section facet counts them apart)."""
        if len(needle) < 3:
            return self._pair_ids(needle, COLUMNS[column] if column is not None else None), None
        ids, bits = self._verbatim(needle)
        if column is not None:
            ids, bits = ids[bits & (1 << column) > 0], bits[bits & (1 << column) > 0]
        return ids, bits

    def _scores(self, ids: np.ndarray, terms: list[str], meta: _Metadata) -> np.ndarray:
        """BM25 scores of the given reports for the words; those not holding every word rank after the rest."""
        words, word_scores, _ = self._words(terms, meta)
        score = np.full(max(len(meta.present), int(ids.max(initial=-1)) + 1), np.inf)
        score[words] = word_scores
        return _after_the_ranked(score[ids])

    def _ranked(
        self, needle: str, terms: list[str], column: int | None, meta: _Metadata
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Reports matching every word (or holding the query verbatim: ranked never loses what exact finds),
        their BM25 scores (lower is better) and the bits of the index columns they match in."""
        words, word_scores, word_bits = self._words(terms, meta)
        exact, exact_bits = self._verbatim(needle)
        size = max(len(meta.present), int(words.max(initial=-1)) + 1, int(exact.max(initial=-1)) + 1)
        bits = np.zeros(size, dtype=np.int64)
        bits[words] |= word_bits
        bits[exact] |= exact_bits
        score = np.full(size, np.inf)
        score[words] = word_scores
        matched = np.zeros(size, dtype=bool)
        matched[words] = matched[exact] = True
        if column is not None:
            matched &= bits & (1 << column) > 0
        ids = np.flatnonzero(matched)
        return ids, _after_the_ranked(score[ids]), bits[ids]

    def _words(self, terms: list[str], meta: _Metadata) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Reports holding every term, their BM25 scores (negated, as FTS5's bm25()) and column bits."""
        terms = list(dict.fromkeys(t.lower() for t in terms))
        if not terms:
            return _NO_IDS, np.zeros(0), _NO_IDS
        size = len(meta.present)
        hits = np.zeros(size, dtype=np.int64)
        score = np.zeros(size)
        bits = np.full(size, (1 << len(COLUMNS)) - 1, dtype=np.int64)
        for term in terms:
            ids, frequency, columns = self._postings(term, meta)
            if not len(ids):
                return _NO_IDS, np.zeros(0), _NO_IDS
            idf = np.log((meta.documents - len(ids) + 0.5) / (len(ids) + 0.5))
            idf = idf if idf > 0 else 1e-6
            score[ids] += idf * frequency * (_K1 + 1) / (frequency + meta.norm[ids])
            hits[ids] += 1
            bits[ids] &= columns
        ids = np.flatnonzero(hits == len(terms))
        return ids, -score[ids], bits[ids]

    def _postings(
        self, term: str, meta: _Metadata, table: str = "word_postings"
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The reports holding a word (or a phrase of the phrase index: ``table``), each once and
        ascending, its weighted frequency in each and the columns it is in."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        rows = cursor.execute(_POSTINGS[table], (term,)).fetchall()
        if not rows:
            return _NO_IDS, _NO_IDS, _NO_IDS
        # Entries of a report replaced since, or of one added after the metadata was read, are skipped.
        return unpack_postings(live_entries(rows, meta.batch))

    def _verbatim(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """Reports holding ``needle`` and, for each, the bits of the index columns holding it: a phrase
        of the phrase index is read from its postings; from 3 characters on, one trigram phrase query
        finds the (report, column) rows, both at once."""
        meta = self._meta if self._meta is not None else self._metadata()  # a search has just read it
        if meta.phrases and needle in vocabulary():
            ids, _, bits = self._postings(needle, meta, "phrase_postings")
            return ids, bits
        return _report_bits(self._trigram_rows(needle)) if len(needle) >= 3 else self._pair_bits(needle)

    def _pair_ids(self, needle: str, section: str | None) -> np.ndarray:
        """(1–2 characters) Reports whose normalized text (or the given section) contains ``needle``."""
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

    def _pair_bits(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """(1–2 characters) The reports holding ``needle`` and, for each, the bits of the index columns it is in."""
        found = [self._pair_ids(needle, c) for c in COLUMNS]
        ids = _union(found)
        bits = np.zeros(len(ids), dtype=np.int64)
        for c, in_column in enumerate(found):
            bits[np.searchsorted(ids, in_column)] |= 1 << c
        return ids, bits

    def _section_facet(self, ids: np.ndarray, everything: bool, size: int, needle: str) -> list[tuple]:
        """(Exact mode, 1–2 characters) How many of the given reports hold ``needle`` in each section: what
        filtering by that section returns. ``everything``: ``ids`` are all the reports holding it."""
        if not len(ids) or not needle.strip():
            return []
        # A section's matches are among the query's: with all of those kept, the index's counts are the answer.
        counts = self._pair_counts(pair_key(needle)) if everything and len(needle) == 2 else None
        if counts is None:
            chosen = np.zeros(size, dtype=bool)
            chosen[ids] = True
            found, bits = self._pair_bits(needle)
            known = found < size
            counts = _column_counts(bits[known][chosen[found[known]]])
        return _sections(counts)

    def _pair_counts(self, token: str) -> list[int] | None:
        """How many reports hold a character pair in each column; None if none does."""
        counts = dict(self.conn.execute("SELECT col, doc FROM temp.fts_bigram_col WHERE term = ?", (token,)).fetchall())
        return [counts.get(column, 0) for column in COLUMNS] if counts else None

    # ------------------------------------------------------------ passages and snippets

    def _passages(self, report_id: int, section: str | None) -> list[tuple]:
        """A report's passages (in the given section) in order, as (id, kind, start, end, orig_start,
        orig_end, normalized text)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        text = cursor.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        sql = "SELECT id, kind, start, end, orig_start, orig_end FROM passages WHERE report_id = ?"
        params: list = [report_id]
        if section:
            sql += " AND kind = ?"
            params.append(section)
        return [(*p, text[p[2] : p[3]]) for p in cursor.execute(sql + " ORDER BY id", params)]

    def _report_hit(self, report_id: int, score: float, needle: str, terms: list[str], query: SearchQuery) -> ReportHit:
        meta = self.conn.execute(
            "SELECT uid AS report_id, path, title, publisher, level, year, province, city, county FROM reports"
            " WHERE id = ?",
            (report_id,),
        ).fetchone()
        hit = ReportHit(score=score, **dict(meta))
        if not needle.strip() and query.mode == "ranked" or not needle or query.passages_per_report <= 0:
            return hit
        needles = [needle] if query.mode == "exact" else [needle, *terms]
        scored = []
        for passage in self._passages(report_id, query.section):
            text = passage[6]
            if query.mode == "exact":
                weight = float(text.count(needle))
            else:
                weight = (100.0 if needle in text else 0.0) + sum(len(t) for t in terms if t in text)
            if weight:
                scored.append((weight, passage))
        scored.sort(key=lambda wp: (-wp[0], wp[1][0]))
        best = sorted((p for _, p in scored[: query.passages_per_report]), key=lambda p: p[0])
        if best:
            original = original_text(self.conn, report_id)
            hit.passages = [passage_hit(*p[:6], original[p[4] : p[5]], needles, normalized=p[6]) for p in best]
        return hit
