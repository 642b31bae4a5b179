"""Ingest: read → normalize → parse → segment in worker processes, write to the store in one process.

Each file is placed by ``indexer.corpus``: bytes already stored are not parsed again (unchanged, moved,
or another source of their report); a parsed file becomes a new report, another source of a stored
one, or a new version of it. A file that fails is recorded with its reason and never stops the batch;
files of unsupported types found in a folder are listed as skipped. Reports are committed in small
batches, so a run that is killed leaves every committed report whole and the next run completes the
rest; the copied-section pairs of the reports stored since the last refresh (by this run or an
interrupted one) are computed at the end.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analyze import analyze_document
from indexer.copies import refresh_pending
from indexer.corpus import Outcome, file_holds, known_sources, place, place_known
from indexer.errors import NianbaoError
from indexer.read import SUPPORTED_EXTENSIONS, read_report
from indexer.search.embedded import index_path
from indexer.search.sync import IndexSync
from indexer.store import (
    PreparedReport,
    SourceFile,
    WriteBatch,
    connect,
    default_db_path,
    prepare,
    record_failure,
    transaction,
)

_BATCH = 256  # reports per transaction and index commit
_IN_FLIGHT = 2 * _BATCH  # prepared reports at most between the workers and the writer


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class IngestSummary:
    """What happened to each file (``outcomes``, in the order they were placed), counted by status."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    copies_seconds: float = 0.0  # of ``seconds``, the copies refresh at the end
    parsed: int = 0  # files parsed and stored
    bytes: int = 0  # their size
    interrupted: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ingested(self) -> int:
        """New reports."""
        return self.count("new")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def failed(self) -> list[Failure]:
        return [Failure(o.location, o.detail) for o in self.outcomes if o.status == "failed"]

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def reports_per_second(self) -> float:
        return self.parsed / self.seconds if self.seconds else 0.0


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """Report files under the given files and folders (recursively), in a stable order and each once; and
    the files of other types found in the folders."""
    found: dict[Path, None] = {}
    skipped: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(f for f in p.rglob("*") if f.is_file()):
                if f.suffix.lower() in SUPPORTED_EXTENSIONS:
                    found.setdefault(f.resolve())
                else:
                    skipped.append(f.resolve())
        else:
            found.setdefault(p.resolve())  # named explicitly: read_report reports why it cannot be read
    return list(found), skipped


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def prepare_file(source: SourceFile) -> PreparedReport | Outcome:
    """Read, parse and segment one file (runs in a worker); every error becomes a failed Outcome."""
    try:
        report, norm = analyze_document(read_report(source.read_from))
        report.path = source.location
        return prepare(report, source, norm.original, norm.original_span)
    except NianbaoError as exc:
        return Outcome("failed", source.location, detail=exc.reason)
    except Exception as exc:  # a parser bug must not stop the batch; the file is reported instead
        reason = f"internal error ({type(exc).__name__}: {exc}); please report this file"
        return Outcome("failed", source.location, detail=reason)


def _quiet_worker() -> None:
    """A worker leaves Ctrl-C to the parent, and dies with it instead of writing into a closed pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the worker ends at its next task instead


def _prepared(jobs: list[SourceFile], workers: int) -> Iterator[PreparedReport | Outcome]:
    if workers <= 1 or len(jobs) < 4:
        yield from map(prepare_file, jobs)
        return
    # The writer is the slower side: without a bound, prepared reports would pile up in memory (7 GB at
    # 100,000 reports). The pool takes a job only while fewer than _IN_FLIGHT are waiting for the writer.
    window = threading.Semaphore(_IN_FLIGHT)
    stopped = threading.Event()

    def feed() -> Iterator[SourceFile]:
        for job in jobs:
            window.acquire()
            if stopped.is_set():
                return
            yield job

    with multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker) as pool:
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
    names: dict[str, str] | None = None,
) -> IngestSummary:
    """Ingest report files and folders into the store; returns what happened to each file.

    ``names`` marks files as uploads: {file path: the uploaded file's own name}, which is recorded as
    its source instead of the (temporary) path. Ctrl-C stops after the last committed batch
    (``interrupted``); the next run completes the rest.
    """
    start = time.perf_counter()
    own = Path(db or default_db_path()).resolve()
    conn = connect(own)
    # A bulk writer: WAL checkpoints only now and then.
    conn.execute("PRAGMA wal_autocheckpoint=20000")
    try:
        index = IndexSync(conn, own)
    except ValueError:
        conn.close()
        raise NianbaoError("another ingest is writing to this store; wait for it to finish", own) from None
    try:
        return _ingest(conn, index, paths, own, workers, progress, names, start)
    finally:
        try:
            index.apply({})  # what an interruption left queued
        finally:
            index.close()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()


def _ingest(
    conn: sqlite3.Connection,
    index: IndexSync,
    paths: Iterable[str | Path],
    own: Path,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    names: dict[str, str] | None,
    start: float,
) -> IngestSummary:
    index.catch_up()  # what an earlier process left undone, before anything new
    summary = IngestSummary()
    found, skipped = discover(paths)
    mine = (str(own), str(index_path(own)) + os.sep)  # the store's own files and its index, in the folder
    skipped = [p for p in skipped if not str(p).startswith(mine)]
    summary.outcomes += [Outcome("skipped", str(p), detail=f"unsupported file type '{p.suffix}'") for p in skipped]
    uploads = {str(Path(k).resolve()): v for k, v in (names or {}).items()}
    sources, hashes = [], {}
    for f in found:
        sha = _sha256(f)
        location = uploads.get(str(f), str(f))
        if sha is None:
            summary.outcomes.append(Outcome("failed", location, detail="file not found or not readable"))
            continue
        stat = f.stat()
        origin = "file"
        if str(f) in uploads:  # fetched from the web (its URL), or uploaded (the upload's own name)
            origin = "url" if location.startswith(("http://", "https://")) else "upload"
        mtime = time.time() if origin != "file" else stat.st_mtime
        sources.append(SourceFile(origin, location, sha, stat.st_size, mtime, str(f)))
        hashes[str(f)] = sha
    jobs = _place_known_files(conn, index, sources, hashes, summary)
    # Files with the same bytes in one run: the first is parsed, the others then placed as known bytes.
    first: dict[str, SourceFile] = {}
    for job in jobs:
        first.setdefault(job.sha256, job)
    repeated = [job for job in jobs if first[job.sha256] is not job]
    jobs = list(first.values())
    try:
        done = 0
        batch: list[PreparedReport | Outcome] = []
        for item in _prepared(jobs, workers or os.cpu_count() or 1):
            batch.append(item)
            done += 1
            if len(batch) >= _BATCH:
                _write_batch(conn, index, batch, summary)
                batch = []
            if progress:
                progress(done, len(jobs))
        _write_batch(conn, index, batch, summary)
        _place_known_files(conn, index, repeated, hashes, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    copies_start = time.perf_counter()
    with transaction(conn):
        refresh_pending(conn)
    summary.copies_seconds = time.perf_counter() - copies_start
    summary.seconds = time.perf_counter() - start
    return summary


def _place_known_files(
    conn: sqlite3.Connection,
    index: IndexSync,
    sources: list[SourceFile],
    hashes: dict[str, str],
    summary: IngestSummary,
) -> list[SourceFile]:
    """Place the files whose bytes are stored already (one transaction); returns the files to parse."""
    known = known_sources(conn)

    def holds(location: str, sha256: str) -> bool:
        return hashes[location] == sha256 if location in hashes else file_holds(location, sha256)

    jobs = []
    with transaction(conn):
        batch = WriteBatch()
        for source in sources:
            if source.sha256 in known:
                summary.outcomes.append(place_known(conn, source, known[source.sha256], batch, holds))
            else:
                jobs.append(source)
        batch.finish(conn)
    index.apply(batch.reports)
    return jobs


def _write_batch(
    conn: sqlite3.Connection, index: IndexSync, items: list[PreparedReport | Outcome], summary: IngestSummary
) -> None:
    """Place a batch of parsed files in one transaction, then index what it changed."""
    if not items:
        return
    with transaction(conn):
        batch = WriteBatch()
        for item in items:
            if isinstance(item, Outcome):
                summary.outcomes.append(item)
                record_failure(conn, item.location, None, item.detail)
                continue
            conn.execute("SAVEPOINT one_report")
            try:
                outcome = place(conn, item, batch)
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK TO one_report")
                outcome = Outcome("failed", item.path, detail=f"could not be stored: {exc}")
            finally:
                conn.execute("RELEASE one_report")
            summary.outcomes.append(outcome)
            if outcome.status != "failed":
                summary.parsed += 1
                summary.bytes += item.source.size
        batch.finish(conn)
    index.apply(batch.reports)
