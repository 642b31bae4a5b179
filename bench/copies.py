"""Copied-sections benchmark (内容雷同): every report's copies at N reports, and what the signatures cost.

    .venv/bin/python bench/copies.py --n 10000

1. Generates the copies corpus (bench/generate.py --copies: unique prose, planted copies and near misses
   with their ground truth) into bench/out/copies-N if it is not there.
2. Builds a store of it holding what the copies computation reads (the reports' text, metadata,
   sections and section signatures, made by the project's parser and ``section_signatures``, on every
   core) — the search indexes and entities are not needed and not built.
3. In a process of its own, computes every report's copies at once (``refresh_copies`` over all
   reports) and prints its time and peak RSS, with the precision and recall against the ground truth.
4. Over a sample of the corpus, the CPU time the signatures add to ingest: ``section_signatures``
   against a whole in-process ingest of the same files.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import subprocess
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import write_copies_corpus  # noqa: E402

from indexer.copies import copy_pairs, refresh_copies, section_signatures  # noqa: E402
from indexer.identity import report_uid, text_sha  # noqa: E402
from indexer.ingest import ingest  # noqa: E402
from indexer.normalize import normalize  # noqa: E402
from indexer.parse import parse_text  # noqa: E402
from indexer.store import connect, transaction  # noqa: E402

TARGET_SECONDS = 60.0  # at 100,000 reports
TARGET_RSS_MB = 2048
TARGET_SHARE = 0.10
TARGET_QUALITY = 0.95


def corpus(n: int, seed: int) -> Path:
    folder = HERE / "out" / f"copies-{n}"
    if not (folder / "copies_truth.csv").exists():
        print(f"generating {n} reports into {folder} …", flush=True)
        write_copies_corpus(n, seed, folder)
    return folder


def _parsed(path: Path) -> tuple:
    text = normalize(path.read_text(encoding="utf-8")).text
    report = parse_text(text, path=str(path))
    bounds = [(s.kind, s.start, s.end) for s in report.sections]
    fingerprint = text_sha(text)
    return (
        str(path),
        report_uid(report.publisher, report.year, fingerprint),
        fingerprint,
        report.title,
        report.publisher,
        report.year,
        report.template,
        text,
        bounds,
        section_signatures(text, bounds),
    )


def build_store(folder: Path, db: Path) -> None:
    """The reports' rows, sections and signatures (what ``refresh_copies`` reads), parsed on every core."""
    db.unlink(missing_ok=True)
    conn = connect(db)
    files = sorted(folder.rglob("*.txt"))
    empty = zlib.compress(b"{}")
    with multiprocessing.get_context("fork").Pool() as pool, transaction(conn):
        for path, uid, fingerprint, title, publisher, year, template, text, bounds, signatures in pool.imap(
            _parsed, files, chunksize=16
        ):
            rid = conn.execute(
                "INSERT INTO reports (uid, path, sha256, format, text_sha, mtime, title, publisher, year, template,"
                " text, original, model) VALUES (?, ?, '', 'txt', ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                (uid, path, fingerprint, title, publisher, year, template, text, empty, empty),
            ).lastrowid
            conn.executemany(
                "INSERT INTO sections VALUES (?, ?, ?, NULL, '', ?, ?)", [(rid, i, *b) for i, b in enumerate(bounds)]
            )
            conn.executemany("INSERT INTO section_signatures VALUES (?, ?, ?, ?)", [(rid, *s) for s in signatures])
    conn.close()


def refresh(db: Path, folder: Path) -> None:
    """Every report's copies at once (run in a process of its own, for its peak RSS)."""
    conn = connect(db)
    start = time.perf_counter()
    with transaction(conn):
        stats = refresh_copies(conn)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    uid = {Path(p).resolve(): u for p, u in conn.execute("SELECT path, uid FROM reports")}
    with (folder / "copies_truth.csv").open(encoding="utf-8") as f:
        truth = [t for t in csv.DictReader(f)]

    def key(t: dict) -> tuple:
        return frozenset((uid[(folder / t["source"]).resolve()], uid[(folder / t["target"]).resolve()])), t["section"]

    planted = {key(t) for t in truth if t["copied"] == "true"}
    misses = {key(t) for t in truth if t["copied"] == "false"}
    found = {(frozenset((p.uid, p.other_uid)), p.kind) for p in copy_pairs(conn, 0.8, limit=None, passages=False)}
    hit = len(found & planted)
    precision, recall = hit / max(len(found), 1), hit / max(len(planted), 1)
    print(
        f"refresh: {stats.sections} sections, {stats.candidates} candidate pairs, {stats.compared} compared,"
        f" {stats.stored} pairs ≥ 0.5 kept, {stats.template_buckets} template buckets left out"
    )
    print(f"copies of every report: {seconds:.1f} s (target ≤ {TARGET_SECONDS:.0f} s at 100,000)")
    print(f"peak RSS: {rss:.0f} MB (target ≤ {TARGET_RSS_MB} MB)")
    print(f"pairs ≥ 0.8: precision {precision:.3f}, recall {recall:.3f} (targets ≥ {TARGET_QUALITY})")
    print(f"near misses reported at ≥ 0.8: {len(found & misses)} of {len(misses)} (target 0)")
    unplanted = len(found - planted)
    print(f"pairs ≥ 0.8 not planted: {unplanted}")


def signature_share(folder: Path, sample: int) -> None:
    """The signatures' share of ingest CPU: their time over a sample, against ingesting the sample."""
    files = sorted(folder.rglob("*.txt"))[:sample]
    db = HERE / "out" / "copies-share.db"
    db.unlink(missing_ok=True)
    cpu = time.process_time()
    ingest(files, db=db, workers=1)
    ingest_cpu = time.process_time() - cpu
    texts = []
    for f in files:
        text = normalize(f.read_text(encoding="utf-8")).text
        texts.append((text, [(s.kind, s.start, s.end) for s in parse_text(text, path=str(f)).sections]))
    cpu = time.process_time()
    for text, bounds in texts:
        section_signatures(text, bounds)
    signatures_cpu = time.process_time() - cpu
    share = signatures_cpu / ingest_cpu
    per = 1000 * signatures_cpu / len(files)
    print(
        f"signatures: {per:.2f} ms a report, {share:.1%} of ingest CPU"
        f" ({1000 * ingest_cpu / len(files):.1f} ms a report, one process) (target ≤ {TARGET_SHARE:.0%})"
    )
    db.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=300, help="reports ingested for the signatures' share")
    parser.add_argument("--refresh", type=Path, help=argparse.SUPPRESS)  # the measuring child process
    args = parser.parse_args()
    folder = corpus(args.n, args.seed)
    if args.refresh:
        refresh(args.refresh, folder)
        return
    db = HERE / "out" / f"copies-{args.n}.db"
    start = time.perf_counter()
    build_store(folder, db)
    print(f"store of {args.n} reports built in {time.perf_counter() - start:.0f} s", flush=True)
    subprocess.run([sys.executable, __file__, "--n", str(args.n), "--seed", str(args.seed), "--refresh", str(db)])
    signature_share(folder, args.sample)


if __name__ == "__main__":
    main()
