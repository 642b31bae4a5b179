"""The search interface on the embedded store: the tantivy index finds and counts, the store shows.

A query (``indexer.search.query``) becomes one tantivy query: each term is, in exact mode, a substring
match in any index column (``embedded``: a phrase of character pairs, a character or a known phrase);
in ranked mode, all of its jieba words (BM25, the preamble weighing ``HEAD_BOOST`` times) or the term
verbatim, so ranked mode finds every report exact mode finds. ``-term`` and ``NOT term`` always leave
out the reports holding the term verbatim, in both modes. A section filter asks each term of the
section's own fields. Filters are part of the query; the total, facets (one document per report:
distinct reports) and the section facet are counted by tantivy; the page's passages and snippets come
from the store.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import tantivy

from indexer.phrases import vocabulary
from indexer.search.base import ReportHit, SearchQuery, SearchResult
from indexer.search.embedded import COLUMNS, HEAD_BOOST, META_FIELDS, escape, index_path, open_index
from indexer.search.query import Node, Not, Or, Term, read_query, terms
from indexer.search.snippets import passage_hit
from indexer.search.sync import reconcile
from indexer.segment import query_terms
from indexer.store import connect, default_db_path, original_text

_FACETS = (*META_FIELDS, "year")
_MUST, _SHOULD, _MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
_RID_BITS = 0xFFFFFFFF


class SqliteBackend:
    """Ranked (jieba words, BM25) and exact (substring) search over one store and its index."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.db = Path(db) if db else default_db_path()
        self._local = threading.local()
        self.index = open_index(index_path(self.db))
        self.schema = self.index.schema
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nianbao-search")
        self._ensure_current()
        # Milliseconds spent in each phase of the last search (bench/search.py prints their means).
        self.phases: dict[str, float] = {}

    @property
    def conn(self) -> Any:
        """This thread's read-only connection: searches run in several threads (the UI's sessions, the
        snippet workers), and two threads reading through one connection at once can stall each other."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.db, readonly=True)
            self._local.version = None
        return conn

    def _ensure_current(self) -> None:
        """When the store changed since the last look: reconcile the index if it lags (another process's
        crash), and see its latest commit."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._local.version:
            reconcile(self.db)
            self._local.version = version
        self.index.reload()

    def close(self) -> None:
        self.conn.close()
        self._local.conn = None
        self._pool.shutdown()

    def report_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM reports").fetchone()[0]

    # ------------------------------------------------------------ queries

    def _exact(self, text: str, column: int | None) -> tantivy.Query:
        """Reports whose normalized text (in the given column) contains ``text``."""
        columns = range(len(COLUMNS)) if column is None else [column]
        parts = [self._exact_in(text, c) for c in columns]
        return parts[0] if len(parts) == 1 else tantivy.Query.boolean_query([(_SHOULD, q) for q in parts])

    def _exact_in(self, text: str, c: int) -> tantivy.Query:
        t = escape(text)
        if len(t) == 1:
            return tantivy.Query.term_query(self.schema, f"h{c}", t)
        if len(t) > 2 and text in vocabulary():
            return tantivy.Query.term_query(self.schema, f"p{c}", t)
        pairs = [t[i : i + 2] for i in range(len(t) - 1)]
        if len(pairs) == 1:
            return tantivy.Query.term_query(self.schema, f"g{c}", pairs[0])
        offsets = sorted({*range(0, len(pairs), 2), len(pairs) - 1})
        return tantivy.Query.phrase_query(self.schema, f"g{c}", [(i, pairs[i]) for i in offsets])

    def _words(self, words: list[str], column: int | None) -> tantivy.Query:
        """Reports holding every word (in the given column), scored by BM25."""
        clauses = []
        for word in words:
            if column is not None:
                q = tantivy.Query.term_query(self.schema, f"w{column}", word)
            else:
                fields = [tantivy.Query.term_query(self.schema, f"w{c}", word) for c in range(len(COLUMNS))]
                fields[0] = tantivy.Query.boost_query(fields[0], HEAD_BOOST)
                q = tantivy.Query.boolean_query([(_SHOULD, f) for f in fields])
            clauses.append((_MUST, q))
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def _term(self, term: Term, mode: str, column: int | None) -> tantivy.Query:
        exact = self._exact(term.text, column)
        if mode == "exact":
            return exact
        words = [escape(w.lower()) for w in query_terms(term.text)]
        verbatim = tantivy.Query.const_score_query(exact, 0.0)
        if not words:
            return verbatim
        if term.phrase:  # verbatim, ranked by its words
            return tantivy.Query.boolean_query([(_MUST, verbatim), (_SHOULD, self._words(words, column))])
        return tantivy.Query.boolean_query([(_SHOULD, self._words(words, column)), (_SHOULD, verbatim)])

    def _node(self, node: Node, mode: str, column: int | None) -> tantivy.Query:
        if isinstance(node, Term):
            return self._term(node, mode, column)
        if isinstance(node, Not):
            return self._without([node])
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(_SHOULD, self._node(item, mode, column)) for item in node.items])
        clauses = []
        for item in node.items:
            if isinstance(item, Not):  # left out wherever it is, verbatim, whatever the mode
                clauses.append((_MUST_NOT, self._node(item.item, "exact", None)))
            else:
                clauses.append((_MUST, self._node(item, mode, column)))
        if all(occur == _MUST_NOT for occur, _ in clauses):
            clauses.insert(0, (_MUST, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def _without(self, nots: list[Not]) -> tantivy.Query:
        clauses = [(_MUST, tantivy.Query.all_query())]
        clauses += [(_MUST_NOT, self._node(n.item, "exact", None)) for n in nots]
        return tantivy.Query.boolean_query(clauses)

    def _filters(self, query: SearchQuery) -> list[tuple[Any, tantivy.Query]]:
        out = []
        for name in META_FIELDS:
            value = getattr(query, name)
            if value:
                out.append(tantivy.Query.term_query(self.schema, name, value))
        if query.year_from is not None or query.year_to is not None:
            low = max(query.year_from, 0) if query.year_from is not None else None
            high = max(query.year_to, 0) if query.year_to is not None else None
            out.append(tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Unsigned, low, high))
        return [(_MUST, tantivy.Query.const_score_query(q, 0.0)) for q in out]

    def _query(self, node: Node | None, query: SearchQuery, column: int | None) -> tantivy.Query:
        clauses = self._filters(query)
        clauses.append((_MUST, self._node(node, query.mode, column) if node is not None else tantivy.Query.all_query()))
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    # ------------------------------------------------------------ search

    def search(self, query: SearchQuery) -> SearchResult:
        started = lap = time.perf_counter()

        def phase(name: str) -> None:
            nonlocal lap
            now = time.perf_counter()
            self.phases[name] = (now - lap) * 1000
            lap = now

        self._ensure_current()
        query, node, notice = read_query(query)
        column = COLUMNS.index(query.section) if query.section else None
        searcher = self.index.searcher()
        whole = self._query(node, query, column)
        first = (max(query.page, 1) - 1) * query.per_page
        limit = max(first + query.per_page, 1)
        # tantivy releases the GIL while it works: the facets and the section counts are counted on the
        # other core while this thread finds the page and reads its snippets from the store.
        aggregations = {name: {"terms": {"field": name, "size": 100_000}} for name in _FACETS}
        counting = self._pool.submit(searcher.aggregate, whole, aggregations)
        sections = self._pool.submit(self._section_counts, searcher, node, query) if node is not None else None
        if query.mode == "ranked" and query.sort != "year" and node is not None:
            found = searcher.search(whole, limit=limit, count=True)
            page = found.hits[first:]
            ids = searcher.fast_field_values("rid", [addr for _, addr in page])
            ranked = [(int(i), float(score)) for i, (score, _) in zip(ids, page, strict=True)]
        else:
            found = searcher.search(whole, limit=limit, count=True, order_by_field="order", order=tantivy.Order.Asc)
            ranked = [(int(key) & _RID_BITS, 0.0) for key, _ in found.hits[first:]]
        phase("lookup")

        leaves = [t.text for t in terms(node)]
        words = [w for t in terms(node) if not t.phrase for w in query_terms(t.text)] if query.mode == "ranked" else []
        hits = [h for h in (self._report_hit(rid, score, leaves, words, query) for rid, score in ranked) if h]
        phase("snippets")

        counted = counting.result()
        facets = {name: _facet(counted.get(name, {}), name == "year") for name in _FACETS}
        phase("facets (after the snippets)")
        facets["section"] = sections.result() if sections is not None else []
        phase("section facet (after the facets)")
        return SearchResult(
            query=query,
            total_reports=found.count,
            hits=hits,
            facets=facets,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
        )

    def _section_counts(self, searcher: tantivy.Searcher, node: Node, query: SearchQuery) -> list[tuple[str, int]]:
        """The section facet: for each index column, the reports the query finds in it (what filtering
        by that section returns), most first."""
        counts = []
        for c, name in enumerate(COLUMNS):
            n = searcher.search(self._query(node, query, c), limit=1, count=True).count
            if n:
                counts.append((name, n))
        return sorted(counts, key=lambda kv: -kv[1])

    # ------------------------------------------------------------ passages and snippets

    def _passages(self, report_id: int, section: str | None) -> list[tuple]:
        """A report's passages (in the given section) in order, as (id, kind, start, end, orig_start,
        orig_end, normalized text)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        text = cursor.execute("SELECT unzip(text) FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
        sql = "SELECT id, kind, start, end, orig_start, orig_end FROM passages WHERE report_id = ?"
        params: list = [report_id]
        if section:
            sql += " AND kind = ?"
            params.append(section)
        return [(*p, text[p[2] : p[3]]) for p in cursor.execute(sql + " ORDER BY id", params)]

    def _report_hit(
        self, report_id: int, score: float, leaves: list[str], words: list[str], query: SearchQuery
    ) -> ReportHit | None:
        """A report's hit with its best passages: those holding a term verbatim first (in ranked mode, then
        those holding most of its words)."""
        meta = self.conn.execute(
            "SELECT uid AS report_id, path, title, publisher, level, year, province, city, county FROM reports"
            " WHERE id = ?",
            (report_id,),
        ).fetchone()
        if meta is None:  # removed from the store a moment ago; the index follows
            return None
        hit = ReportHit(score=score, **dict(meta))
        needles = [n for n in dict.fromkeys(leaves + words) if n.strip()]
        if not needles or query.passages_per_report <= 0:
            return hit
        scored = []
        for passage in self._passages(report_id, query.section):
            text = passage[6]
            if query.mode == "exact":
                weight = float(sum(text.count(n) for n in leaves))
            else:
                weight = 100.0 * sum(n in text for n in leaves) + sum(len(w) for w in words if w in text)
            if weight:
                scored.append((weight, passage))
        scored.sort(key=lambda wp: (-wp[0], wp[1][0]))
        best = sorted((p for _, p in scored[: query.passages_per_report]), key=lambda p: p[0])
        if best:
            original = original_text(self.conn, report_id)
            hit.passages = [passage_hit(*p[:6], original[p[4] : p[5]], needles, normalized=p[6]) for p in best]
        return hit


def _facet(aggregation: dict[str, Any], numeric: bool) -> list[tuple[Any, int]]:
    """(value, reports) of one field's terms aggregation, most first, ties by the value as text."""
    pairs = [(int(b["key"]) if numeric else b["key"], int(b["doc_count"])) for b in aggregation.get("buckets", [])]
    return sorted(pairs, key=lambda vc: (-vc[1], str(vc[0])))
