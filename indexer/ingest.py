"""Ingest: read → normalize → parse → segment in worker processes, write to the store in one process.

A file whose content hash is already stored is skipped; a changed file replaces its old version in
one transaction; a file that fails is recorded with its reason and never stops the batch. Reports
are committed in small batches, so a run that is killed leaves every committed report whole and the
next run completes the rest.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analyze import analyze_document
from indexer.errors import NianbaoError
from indexer.read import SUPPORTED_EXTENSIONS, read_report
from indexer.store import (
    IndexBatch,
    PreparedReport,
    connect,
    known_hashes,
    merge_postings,
    prepare,
    record_failure,
    transaction,
    write_report,
)

_BATCH = 256  # reports per transaction: fewer commits and FTS5 segment merges
_IN_FLIGHT = 2 * _BATCH  # prepared reports at most between the workers and the writer


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class IngestSummary:
    ingested: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # path → ingested | replaced | unchanged | failed
    seconds: float = 0.0
    bytes: int = 0

    @property
    def processed(self) -> int:
        return self.ingested + self.replaced

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def reports_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds else 0.0


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Report files under the given files and folders (recursively), in a stable order."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_EXTENSIONS)
        else:
            found.append(p)  # named explicitly: read_report reports why it cannot be read
    return found


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def prepare_file(job: tuple[str, str]) -> PreparedReport | Failure:
    """Read, parse and segment one file (runs in a worker); every error becomes a Failure."""
    path, sha = job
    try:
        report, norm = analyze_document(read_report(path))
        return prepare(report, sha, norm.original, norm.original_span)
    except NianbaoError as exc:
        return Failure(path, exc.reason)
    except Exception as exc:  # a parser bug must not stop the batch; the file is reported instead
        return Failure(path, f"internal error ({type(exc).__name__}: {exc}); please report this file")


def _prepared(jobs: list[tuple[str, str]], workers: int) -> Iterator[PreparedReport | Failure]:
    if workers <= 1 or len(jobs) < 4:
        yield from map(prepare_file, jobs)
        return
    # The writer is the slower side: without a bound, prepared reports would pile up in memory (7 GB at
    # 100,000 reports). The pool takes a job only while fewer than _IN_FLIGHT are waiting for the writer.
    window = threading.Semaphore(_IN_FLIGHT)
    stopped = threading.Event()

    def feed() -> Iterator[tuple[str, str]]:
        for job in jobs:
            window.acquire()
            if stopped.is_set():
                return
            yield job

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        try:
            for item in pool.imap_unordered(prepare_file, feed(), chunksize=4):
                window.release()
                yield item
        finally:
            # The consumer stopped (done, or an error): let a waiting feeder return, so the pool can close.
            stopped.set()
            window.release()


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Ingest report files and folders into the store; returns what happened to each file."""
    start = time.perf_counter()
    conn = connect(db)
    # A bulk writer: a large page cache for the FTS5 merges, and WAL checkpoints only now and then.
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("PRAGMA wal_autocheckpoint=20000")
    summary = IngestSummary()
    known = known_hashes(conn)
    jobs: list[tuple[str, str]] = []
    sizes: dict[str, int] = {}
    for f in discover(paths):
        path = str(f.resolve())
        sha = _sha256(f)
        if sha is None:
            summary.failed.append(Failure(path, "file not found or not readable"))
            summary.statuses[path] = "failed"
            continue
        if known.get(path) == sha:
            summary.unchanged += 1
            summary.statuses[path] = "unchanged"
            continue
        jobs.append((path, sha))
        sizes[path] = f.stat().st_size
    done = 0
    batch: list[PreparedReport | Failure] = []
    for item in _prepared(jobs, workers or os.cpu_count() or 1):
        batch.append(item)
        done += 1
        if len(batch) >= _BATCH:
            _write_batch(conn, batch, summary, sizes)
            batch = []
        if progress:
            progress(done, len(jobs))
    _write_batch(conn, batch, summary, sizes)
    merge_postings(conn)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _write_batch(
    conn: sqlite3.Connection, batch: list[PreparedReport | Failure], summary: IngestSummary, sizes: dict[str, int]
) -> None:
    if not batch:
        return
    with transaction(conn):
        index = IndexBatch(conn)
        for item in batch:
            if isinstance(item, Failure):
                summary.failed.append(item)
                summary.statuses[item.path] = "failed"
                record_failure(conn, item.path, None, item.reason)
                continue
            conn.execute("SAVEPOINT one_report")
            try:
                status = write_report(conn, item, index)
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK TO one_report")
                summary.failed.append(Failure(item.path, f"could not be stored: {exc}"))
                summary.statuses[item.path] = "failed"
                continue
            finally:
                conn.execute("RELEASE one_report")
            summary.statuses[item.path] = status
            if status == "replaced":
                summary.replaced += 1
            else:
                summary.ingested += 1
            summary.bytes += sizes.get(item.path, 0)
        index.write(conn)
