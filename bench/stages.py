"""Where an ingest's time goes: CPU milliseconds per report for each stage, on one core, and the
throughput ceiling that sets on this machine's cores.

    .venv/bin/python bench/stages.py --n 10000 --sample 600

Runs each stage of the ingest over a sample of the synthetic corpus (bench/generate.py) in this one
process, as the workers and the writer run them: reading, normalizing, parsing, the entity pipeline,
the problems and fixes, the index fields and stored rows, handing the prepared report between
processes (pickling it and back), and the writer (every row, then the tantivy index, whose indexing
threads count as this process's CPU time) into a fresh store; the index's part of it is timed apart.

The ceiling assumes every core busy all the time and no other cost: cores ÷ CPU time per report.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from ingest import TARGET_MB_S, corpus  # noqa: E402

from indexer.extract import extract_entities  # noqa: E402
from indexer.extract.problems import extract_items  # noqa: E402
from indexer.ingest import IngestSummary, _write_batch, discover  # noqa: E402
from indexer.normalize import normalize  # noqa: E402
from indexer.parse import parse_text  # noqa: E402
from indexer.read import read_report  # noqa: E402
from indexer.search.sync import IndexSync  # noqa: E402
from indexer.store import SourceFile, connect, prepare  # noqa: E402

_WARM_UP = 100  # reports run first and not timed: lexicons, automata and the spaCy pipeline load lazily


class Laps:
    """CPU seconds per stage, added up: ``lap(name)`` charges the time since the previous lap to name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.process_time()

    def lap(self, name: str) -> None:
        now = time.process_time()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


def worker_stages(files: list[Path]) -> tuple[dict[str, float], list[Any]]:
    """CPU seconds per worker stage over the files, and the prepared reports."""
    laps = Laps()
    prepared = []
    for f in files:
        laps.lap("(between reports)")
        raw = read_report(f)
        laps.lap("read")
        norm = normalize(raw.text)
        laps.lap("normalize")
        report = parse_text(norm, path=raw.path, fmt=raw.format)
        laps.lap("parse")
        extract_entities(report)
        laps.lap("entity pipeline (spaCy)")
        report.items = extract_items(report)
        laps.lap("problems and fixes")
        stat = f.stat()
        source = SourceFile("file", str(f), "-", stat.st_size, stat.st_mtime, str(f))
        item = prepare(report, source, norm.original, norm.original_span)
        laps.lap("index values and rows")
        prepared.append(pickle.loads(pickle.dumps(item)))
        laps.lap("hand-over (pickle, unpickle)")
    laps.seconds.pop("(between reports)")
    return laps.seconds, prepared


def writer_seconds(prepared: list[Any], batch: int = 256) -> tuple[float, float]:
    """CPU seconds of the writer over the prepared reports (fresh store and index), and of its index part
    (tantivy's add and commit, its indexing threads included)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "stages.db"
        conn = connect(db)
        index = IndexSync(conn, db)
        spent = 0.0
        apply = index.apply

        def timed_apply(*args: Any) -> int:
            nonlocal spent
            start = time.process_time()
            n = apply(*args)
            spent += time.process_time() - start
            return n

        index.apply = timed_apply  # type: ignore[method-assign]
        start = time.process_time()
        for k in range(0, len(prepared), batch):
            _write_batch(conn, index, prepared[k : k + batch], IngestSummary())
        index.close()
        writer = time.process_time() - start
        conn.close()
    return writer, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="corpus to sample from")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=600, help="reports timed (every n/sample-th file)")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    files = discover([corpus(args.n, args.seed)])[0]
    step = max(1, len(files) // (args.sample + _WARM_UP))
    chosen = files[::step][: args.sample + _WARM_UP]
    worker_stages(chosen[:_WARM_UP])
    timed = chosen[_WARM_UP:]
    n = len(timed)
    mb = sum(f.stat().st_size for f in timed) / 1e6
    stages, prepared = worker_stages(timed)
    writer, indexing = writer_seconds(prepared)

    print(f"{n} reports sampled from corpus-{args.n}, {mb / n * 1e3:.1f} KB a report; CPU time per report:")
    print(f"{'stage':<44}{'ms/report':>10}{'1 core MB/s':>13}")
    rows = [*stages.items(), ("writer (rows, then the index)", writer)]
    for name, seconds in rows:
        print(f"{name:<44}{seconds / n * 1e3:>10.2f}{mb / seconds:>13.2f}")
    total = sum(s for _, s in rows)
    print(f"{'total':<44}{total / n * 1e3:>10.2f}{mb / total:>13.2f}")
    print(f"{'of the writer: the tantivy index':<44}{indexing / n * 1e3:>10.2f}{mb / indexing:>13.2f}")
    ceiling = mb / total * args.cores
    print()
    print(f"ceiling on {args.cores} cores, every core busy: {ceiling:.2f} MB/s (target {TARGET_MB_S} MB/s)")
    print(f"the single writer alone allows at most {mb / writer:.2f} MB/s")


if __name__ == "__main__":
    main()
