"""Ingest benchmark: MB/s and reports/s end to end, peak RSS and the size of the store and its index,
against one-core plain jieba.

    .venv/bin/python bench/ingest.py --n 10000

Generates the synthetic corpus (bench/generate.py) into bench/out/corpus-N if it is not there,
ingests it into a fresh store bench/out/ingest-N.db with every core, and prints each figure with
its target and its ratio to the baseline (plain ``jieba.lcut`` over the same texts on one core).
The store's size is printed as the ingest left it and after ``nianbao compact``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate import write_corpus  # noqa: E402

from indexer.api import Library  # noqa: E402
from indexer.ingest import discover, ingest  # noqa: E402
from indexer.search.embedded import index_path  # noqa: E402

TARGET_MB_S = 2.0
TARGET_RATIO = 2.0
TARGET_RSS_MB = 2048
TARGET_SIZE = 2.0  # store plus index, times the ingested text


def corpus(n: int, seed: int) -> Path:
    folder = HERE / "out" / f"corpus-{n}"
    if not (folder / "manifest.csv").exists():
        print(f"generating {n} reports into {folder} …", flush=True)
        write_corpus(n, seed, folder)
    return folder


def jieba_baseline(files: list[Path], budget_s: float = 30.0) -> float:
    """MB/s of plain jieba.lcut on one core over (a prefix of) the same texts."""
    import jieba

    jieba.initialize()
    done = 0
    start = time.perf_counter()
    for f in files:
        text = f.read_text(encoding="utf-8")
        jieba.lcut(text)
        done += len(text.encode("utf-8"))
        if time.perf_counter() - start > budget_s:
            break
    return done / 1e6 / (time.perf_counter() - start)


def rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    folder = corpus(args.n, args.seed)
    files = discover([folder])[0]
    total_mb = sum(f.stat().st_size for f in files) / 1e6
    db = HERE / "out" / f"ingest-{args.n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(index_path(db), ignore_errors=True)

    print(f"corpus: {len(files)} reports, {total_mb:.1f} MB; workers: {args.workers}", flush=True)
    summary = ingest([folder], db=db, workers=args.workers)
    main_rss, child_rss = rss_mb(resource.RUSAGE_SELF), rss_mb(resource.RUSAGE_CHILDREN)
    baseline = jieba_baseline(files)
    mb_s = summary.mb_per_second
    size_mb = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()) / 1e6
    index_mb = sum(f.stat().st_size for f in index_path(db).iterdir()) / 1e6
    compact_mb = Library(db).compact()[1] / 1e6  # what `nianbao compact` leaves (after the figures above)
    print()
    print(
        f"ingested {summary.ingested}, failed {len(summary.failed)} in {summary.seconds:.1f} s"
        f" (of which the copies refresh {summary.copies_seconds:.1f} s);"
        f" store {size_mb:.0f} MB, index {index_mb:.0f} MB"
    )
    print(f"{'figure':<38}{'measured':>12}{'target':>12}{'ratio':>10}")
    rows = [
        ("ingest MB/s (end to end)", mb_s, f">= {TARGET_MB_S}", mb_s / TARGET_MB_S),
        ("ingest reports/s", summary.reports_per_second, "", None),
        ("plain jieba.lcut MB/s (1 core)", baseline, "baseline", 1.0),
        ("ingest / jieba baseline", mb_s / baseline, f">= {TARGET_RATIO}x", mb_s / baseline / TARGET_RATIO),
        ("peak RSS, ingest process (MB)", main_rss, f"<= {TARGET_RSS_MB}", TARGET_RSS_MB / main_rss),
        ("peak RSS, largest worker (MB)", child_rss, f"<= {TARGET_RSS_MB}", TARGET_RSS_MB / child_rss),
        ("store / text", size_mb / total_mb, "", None),
        ("index / text", index_mb / total_mb, "", None),
        ("store + index / text", (size_mb + index_mb) / total_mb, f"<= {TARGET_SIZE}x", None),
    ]
    rows[-1] = (*rows[-1][:3], TARGET_SIZE / rows[-1][1])
    compacted = (compact_mb + index_mb) / total_mb
    rows.append(("store / text, after nianbao compact", compact_mb / total_mb, "", None))
    rows.append(("store + index / text, compacted", compacted, f"<= {TARGET_SIZE}x", TARGET_SIZE / compacted))
    for name, value, target, ratio in rows:
        print(f"{name:<38}{value:>12.2f}{target:>12}{'' if ratio is None else f'{ratio:>9.2f}x':>10}")
    for failure in summary.failed[:10]:
        print(f"failed: {failure.path}: {failure.reason}")


if __name__ == "__main__":
    main()
