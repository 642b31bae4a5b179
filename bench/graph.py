"""Graph benchmark: build time and peak memory of the graph, and latency of the query commands.

.venv/bin/python bench/graph.py --n 10000      # needs bench/out/ingest-10000.db (bench/ingest.py)

The store is opened for writing, so a store of an older schema is upgraded first (its time is printed).
Each query is run three times and the median printed (the first run includes a cold page cache).
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import bench_store  # noqa: E402

from graph.build import build_graph  # noqa: E402
from graph.queries import cites, entity, practice, similar  # noqa: E402
from indexer.store import connect  # noqa: E402

TARGET_BUILD_S = 60.0
TARGET_RSS_MB = 4096
TARGET_QUERY_MS = 100.0
QUERIES = [
    (cites, "政府信息公开条例"),
    (cites, "政府网站发展指引"),
    (cites, "国务院办公厅关于印发2021年政务公开工作要点的通知"),  # a part of several names is a question back
    (practice, "政府开放日"),
    (practice, "三级审核"),
    (practice, "政务新媒体"),
    (entity, "国务院办公厅"),
    (entity, "政府开放日"),
    (entity, "政府信息公开条例"),
]


def _median_ms(query: Callable, *args: object) -> float:
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        query(*args)
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main() -> None:
    db, args = bench_store(__doc__)
    start = time.perf_counter()
    conn = connect(db)
    opened_s = time.perf_counter() - start
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    mentions = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]

    start = time.perf_counter()
    g = build_graph(conn)
    build_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # The region with the most reports at each level: the largest answer of its kind.
    regions = [
        conn.execute(
            f"SELECT {column} FROM reports WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        for column in ("county", "city", "province")
    ]
    timings = [
        (f"{query.__name__} {name}", _median_ms(query, conn, name))
        for query, name in [*QUERIES, *((similar, region) for region in regions)]
    ]

    print(f"store: {db.name}, {reports} reports, {mentions} mentions (opened/upgraded in {opened_s:.1f} s)")
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges")
    print(f"{'figure':<44}{'measured':>12}{'target':>12}{'ratio':>10}")
    print(f"{'graph build (s)':<44}{build_s:>12.1f}{f'<= {TARGET_BUILD_S:g}':>12}{TARGET_BUILD_S / build_s:>9.2f}x")
    print(f"{'peak RSS (MB)':<44}{rss:>12.0f}{f'<= {TARGET_RSS_MB}':>12}{TARGET_RSS_MB / rss:>9.2f}x")
    for name, ms in timings:
        label = f"query {name} (ms)"
        print(f"{label:<44}{ms:>12.1f}{f'<= {TARGET_QUERY_MS:g}':>12}{TARGET_QUERY_MS / ms:>9.2f}x")


if __name__ == "__main__":
    main()
