"""The search interface on the embedded store's FTS5 indexes."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from pathlib import Path

from indexer.search.base import (
    LOOKUP_CHARS,
    ReportHit,
    SearchQuery,
    SearchResult,
)
from indexer.search.snippets import passage_hit
from indexer.segment import query_terms
from indexer.store import COLUMNS, connect, original_text, pair_key

_META = ("province", "city", "county", "level", "year")
# Title and introduction weigh more than the body when ranking reports.
_BM25 = "bm25(fts_words, 4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _words_match(terms: list[str], section: str | None) -> str:
    """Every query word, as an FTS5 expression over the words index (in one section, if given)."""
    return _in_section(" ".join(_quoted(t) for t in terms), section)


def _in_section(expr: str, section: str | None) -> str:
    return f"{{{section}}} : ({expr})" if section else expr


class SqliteBackend:
    """Ranked (jieba words, BM25) and exact (substring) search over one SQLite store."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.conn = connect(db, readonly=True)
        self._meta: dict[int, tuple] = {}
        self._meta_version = -1

    def _metadata(self) -> dict[int, tuple]:
        """Each report's (province, city, county, level, year), reloaded when the store changes."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        count = self.conn.execute("SELECT max(rowid) FROM reports").fetchone()[0]
        if (version, count) != self._meta_version:
            rows = self.conn.execute("SELECT id, province, city, county, level, year FROM reports")
            self._meta = {r[0]: tuple(r[1:]) for r in rows}
            self._meta_version = (version, count)
        return self._meta

    def close(self) -> None:
        self.conn.close()

    def report_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM reports").fetchone()[0]

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        needle = query.cleaned()
        notice = None
        if query.section and query.section not in COLUMNS:
            notice = f"未知的章节类型 {query.section}"
            query = SearchQuery(**{**query.__dict__, "section": None})
        if not needle.strip() and query.mode == "ranked" or not needle:
            matched = self._all_reports()
            terms: list[str] = []
            notice = notice or ("未输入检索词: 列出全部报告" if not query.text.strip() else "检索词只含标点或空白")
        elif query.mode == "exact":
            terms = []
            matched = dict.fromkeys(self._exact_ids(needle, query.section), 0.0)
        else:
            terms = query_terms(needle)
            matched = self._ranked_ids(terms, query.section)
            # Ranked never loses what exact finds: reports holding the query verbatim join the ranking.
            worst = max(matched.values(), default=0.0)
            for rid in self._exact_ids(needle, query.section):
                matched.setdefault(rid, worst + 1.0)
        rows = self._filtered(matched, query)
        facets = self._facets(rows, needle, terms, query)
        if query.sort == "year":
            rows.sort(key=lambda r: (-(r["year"] or 0), matched[r["id"]]))
        else:
            rows.sort(key=lambda r: (matched[r["id"]], -(r["year"] or 0)))
        first = (max(query.page, 1) - 1) * query.per_page
        page = rows[first : first + query.per_page]
        hits = [self._report_hit(r, matched[r["id"]], needle, terms, query) for r in page]
        return SearchResult(
            query=query,
            total_reports=len(rows),
            hits=hits,
            facets=facets,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
        )

    # ------------------------------------------------------------ matching report ids

    def _all_reports(self) -> dict[int, float]:
        return dict.fromkeys(self._metadata(), 0.0)  # the cached metadata already lists every report

    def _ranked_ids(self, terms: list[str], section: str | None) -> dict[int, float]:
        if not terms:
            return {}
        sql = f"SELECT rowid, {_BM25} FROM fts_words WHERE fts_words MATCH ?"
        return {rid: score for rid, score in self.conn.execute(sql, (_words_match(terms, section),))}

    def _word_ids(self, terms: list[str], section: str | None) -> set[int]:
        """Reports whose words match (no ranking): what the section facet counts in ranked mode."""
        if not terms:
            return set()
        sql = "SELECT rowid FROM fts_words WHERE fts_words MATCH ?"
        return {r[0] for r in self.conn.execute(sql, (_words_match(terms, section),))}

    def _exact_ids(self, needle: str, section: str | None) -> set[int]:
        """Reports whose normalized text (or the given section) contains ``needle``: exactly those."""
        lookup = needle[:LOOKUP_CHARS]
        if len(lookup) >= 3:
            sql, expr = "SELECT rowid FROM fts_trigram WHERE fts_trigram MATCH ?", _quoted(lookup)
        elif len(lookup) == 2:
            sql, expr = "SELECT rowid FROM fts_bigram WHERE fts_bigram MATCH ?", _quoted(pair_key(lookup))
        else:
            sql, expr = "SELECT rowid FROM fts_bigram WHERE fts_bigram MATCH ?", _quoted(pair_key(lookup)) + "*"
        ids = {r[0] for r in self.conn.execute(sql, (_in_section(expr, section),))}
        if len(needle) > LOOKUP_CHARS:
            ids = {rid for rid in ids if self._contains(rid, needle, section)}
        return ids

    def _contains(self, report_id: int, needle: str, section: str | None) -> bool:
        return any(needle in text for text in self._passage_texts(report_id, section).values())

    # ------------------------------------------------------------ filters and facets

    def _filtered(self, matched: dict[int, float], query: SearchQuery) -> list[dict]:
        meta = self._metadata()
        wanted = [(i, getattr(query, name)) for i, name in enumerate(_META) if i < 4 and getattr(query, name)]
        rows = []
        for rid in matched:
            m = meta.get(rid)
            if m is None or any(m[i] != value for i, value in wanted):
                continue
            year = m[4]
            if query.year_from is not None and (year is None or year < query.year_from):
                continue
            if query.year_to is not None and (year is None or year > query.year_to):
                continue
            rows.append(dict(zip(_META, m, strict=True), id=rid))
        return rows

    def _facets(self, rows: list[dict], needle: str, terms: list[str], query: SearchQuery) -> dict:
        facets = {}
        for name in ("province", "city", "county", "level", "year"):
            counts = Counter(r[name] for r in rows if r[name] is not None)
            facets[name] = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        ids = {r["id"] for r in rows}
        sections = []
        if ids and needle.strip():
            for column in COLUMNS:
                if query.mode == "exact":
                    found = self._exact_ids(needle, column)
                else:
                    found = self._word_ids(terms, column)
                count = len(found & ids)
                if count:
                    sections.append((column, count))
        facets["section"] = sorted(sections, key=lambda kv: -kv[1])
        return facets

    # ------------------------------------------------------------ passages and snippets

    def _passage_texts(self, report_id: int, section: str | None) -> dict[sqlite3.Row, str]:
        text = self.conn.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        sql = "SELECT id, kind, start, end, orig_start, orig_end FROM passages WHERE report_id = ?"
        params: list = [report_id]
        if section:
            sql += " AND kind = ?"
            params.append(section)
        return {p: text[p["start"] : p["end"]] for p in self.conn.execute(sql + " ORDER BY id", params)}

    def _report_hit(self, row: dict, score: float, needle: str, terms: list[str], query: SearchQuery) -> ReportHit:
        meta = self.conn.execute(
            "SELECT path, title, publisher, level, year, province, city, county FROM reports WHERE id = ?",
            (row["id"],),
        ).fetchone()
        hit = ReportHit(report_id=row["id"], score=score, **dict(meta))
        if not needle.strip() and query.mode == "ranked" or not needle or query.passages_per_report <= 0:
            return hit
        needles = [needle] if query.mode == "exact" else [needle, *terms]
        scored = []
        for passage, text in self._passage_texts(row["id"], query.section).items():
            if query.mode == "exact":
                weight = float(text.count(needle))
            else:
                weight = (100.0 if needle in text else 0.0) + sum(len(t) for t in terms if t in text)
            if weight:
                scored.append((weight, passage))
        scored.sort(key=lambda wp: (-wp[0], wp[1]["id"]))
        best = sorted((p for _, p in scored[: query.passages_per_report]), key=lambda p: p["id"])
        if best:
            original = original_text(self.conn, row["id"])
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
