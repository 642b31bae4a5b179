"""Keeping the embedded index in step with the store, whatever stopped a process.

The store commits first. Every change of a report row also puts its id in ``index_queue`` in the same
transaction; once the index has committed the change, the ids leave the queue. A process killed in
between leaves ids in the queue, and whoever opens the index next (an ingest, a search, a reindex)
takes each out of the index and adds it again from the store if it is still there. An index that is
missing, of another layout, built for another store, or holding another number of reports than the
store is rebuilt from the stored text.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from indexer.search.embedded import (
    EmbeddedWriter,
    IndexedReport,
    column_texts,
    index_path,
    marker,
    open_index,
    read_marker,
)

_CHUNK = 256  # reports per index commit when many are (re)indexed from the store


def store_token(conn: sqlite3.Connection) -> str:
    """A random id of the store, recorded by its index: an index left by a deleted store is not reused."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'index_token'").fetchone()
    if row is not None:
        return row[0]
    token = uuid.uuid4().hex
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('index_token', ?)", (token,))
    return conn.execute("SELECT value FROM meta WHERE key = 'index_token'").fetchone()[0]


_REPORT = (
    "SELECT uid, title, path, publisher, level, year, province, city, county, unzip(text) FROM reports WHERE id = ?"
)


def stored_report(conn: sqlite3.Connection, report_id: int) -> IndexedReport | None:
    """A report as the index writers receive it, read from the store (None: no such report)."""
    row = conn.execute(_REPORT, (report_id,)).fetchone()
    if row is None:
        return None
    uid, *values, text = tuple(row)
    names = ("title", "path", "publisher", "level", "year", "province", "city", "county")
    metadata = dict(zip(names, values, strict=True))
    bounds = conn.execute("SELECT kind, start, end FROM sections WHERE report_id = ? ORDER BY idx", (report_id,))
    return IndexedReport(report_id, uid, metadata, column_texts(text, [tuple(b) for b in bounds]))


def index_state(conn: sqlite3.Connection, db: Path) -> str:
    """Whether the index answers as the store does: 'current', 'behind' (ids queued) or 'stale' (rebuild)."""
    path = index_path(db)
    token = conn.execute("SELECT value FROM meta WHERE key = 'index_token'").fetchone()
    if token is None or read_marker(path) != marker(token[0]):
        return "stale"
    if conn.execute("SELECT 1 FROM index_queue LIMIT 1").fetchone() is not None:
        return "behind"
    index = open_index(path)
    index.reload()
    if index.searcher().num_docs != conn.execute("SELECT count(*) FROM reports").fetchone()[0]:
        return "stale"
    return "current"


class IndexSync:
    """The writer side of the embedded index for one writable store connection."""

    def __init__(self, conn: sqlite3.Connection, db: Path, threads: int = 1) -> None:
        self.conn = conn
        self.db = db
        self.writer = EmbeddedWriter(index_path(db), store_token(conn), threads)

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply what the index lacks (queued ids; everything when it is stale); returns the reports
        (re)indexed or removed."""
        state = index_state(self.conn, self.db)
        if state == "current":
            return 0
        if state == "stale":
            self.writer.clear()
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT OR IGNORE INTO index_queue SELECT id FROM reports")
            self.conn.execute("COMMIT")
            self.writer.commit()  # the empty index, with its marker: the queue now says what it lacks
        return self.apply({}, progress)

    def apply(self, prepared: dict[int, IndexedReport], progress: Callable[[int, int], None] | None = None) -> int:
        """Index the queued reports (from ``prepared`` when given, else from the store), commit the index,
        then take them off the queue."""
        ids = [r[0] for r in self.conn.execute("SELECT report_id FROM index_queue ORDER BY report_id")]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for report_id in chunk:
                self.writer.remove(report_id)
                report = prepared.get(report_id) or stored_report(self.conn, report_id)
                if report is not None:
                    self.writer.add(report)
            self.writer.commit()
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("DELETE FROM index_queue WHERE report_id = ?", [(i,) for i in chunk])
            self.conn.execute("COMMIT")
            if progress:
                progress(min(start + _CHUNK, len(ids)), len(ids))
        return len(ids)

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index every stored report again, from the stored text."""
        self.writer.clear()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT OR IGNORE INTO index_queue SELECT id FROM reports")
        self.conn.execute("COMMIT")
        return self.apply({}, progress)

    def close(self, wait: bool = True) -> None:
        self.writer.close(wait)


def reconcile(db: Path) -> str:
    """Bring a store's index in step if it is not (called by readers): returns the state found. When
    another process holds the index's writer (an ingest), it does its own catching up: nothing is done."""
    from indexer.store import connect

    conn = connect(db)
    try:
        state = index_state(conn, db)
        if state != "current":
            try:
                sync = IndexSync(conn, db)
            except ValueError:  # the index's lock is held: that writer catches up
                return state
            try:
                sync.catch_up()
            finally:
                sync.close(wait=False)
        return state
    finally:
        conn.close()
