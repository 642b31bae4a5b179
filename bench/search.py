"""Search benchmark: p50/p95 latency of 30 queries in ranked and exact mode, against grep and ripgrep.

    .venv/bin/python bench/search.py --n 10000      # needs bench/out/ingest-10000.db (bench/ingest.py)

The normalized texts of the store are written one file per report (bench/out/norm-N/<id>.txt);
``grep -l -F`` and ``rg -l -F`` run each query over them, and exact mode's result set is checked to
be the same set of reports. Each figure is printed with its target and its ratio, then the mean time of
each phase of a search (FTS lookup, metadata facets, section facet, sort, snippets) per mode.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import bench_store  # noqa: E402

from indexer.search import SearchQuery, SqliteBackend  # noqa: E402
from indexer.store import unzip  # noqa: E402

# 2-character terms, common and rare words, regulation titles, 文号.
QUERIES = [
    "公开",
    "政务",
    "复议",
    "诉讼",
    "申请",
    "解读",
    "县长",
    "热线",
    "政府信息公开",
    "政务新媒体",
    "政府开放日",
    "三级审核",
    "政策解读",
    "重点领域",
    "基层政务公开标准目录",
    "双随机一公开",
    "网络舆情",
    "人员更换频繁",
    "重建设轻管理",
    "图解",
    "短视频",
    "政务公开专区",
    "中华人民共和国政府信息公开条例",
    "政府信息公开条例",
    "政务公开工作要点",
    "政府信息公开申请办理规范",
    "国办公开办函〔2021〕30号",
    "国务院令第711号",
    "政办发〔2020〕",
    "盐政办发〔2020〕43号",
]
TARGET_P95_MS = 50.0
TARGET_VS_RG = 20.0
RUNS = 3


def export_texts(db: Path, folder: Path) -> dict[str, str]:
    """Write each report's normalized text to <id>.txt (again whenever the store changed);
    returns file name → report path."""
    conn = sqlite3.connect(db)
    stamp = f"{db.stat().st_mtime_ns}:{conn.execute('SELECT count(*), max(id) FROM reports').fetchone()}"
    marker = folder / ".store"
    if not marker.exists() or marker.read_text() != stamp:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for rid, text in conn.execute("SELECT id, text FROM reports"):
            (folder / f"{rid}.txt").write_text(unzip(text), encoding="utf-8")
        marker.write_text(stamp)
    names = {f"{rid}.txt": path for rid, path in conn.execute("SELECT id, path FROM reports")}
    conn.close()
    return names


def timed_tool(argv: list[str], folder: Path) -> tuple[float, set[str]]:
    start = time.perf_counter()
    out = subprocess.run(argv, cwd=folder, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, {Path(line).name for line in out.stdout.splitlines() if line}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    db, args = bench_store(__doc__)
    backend = SqliteBackend(db)
    reports = backend.report_count()
    folder = HERE / "out" / f"norm-{args.n}"
    names = export_texts(db, folder)

    latency: dict[str, list[float]] = {"ranked": [], "exact": []}
    phases: dict[str, dict[str, list[float]]] = {"ranked": {}, "exact": {}}
    grep_ms: list[float] = []
    rg_ms: list[float] = []
    ratios: list[float] = []
    mismatches = []
    rg = shutil.which("rg")
    # The store's searches first, then grep and rg: each of those reads every text file, and run between
    # two searches they push the store's pages out of the page cache on a machine whose memory holds
    # little more than the store.
    for q in QUERIES:
        for mode in ("ranked", "exact"):
            runs = []
            for _ in range(RUNS):
                start = time.perf_counter()
                backend.search(SearchQuery(q, mode=mode, per_page=10))
                runs.append((time.perf_counter() - start) * 1000)
                for name, ms in backend.phases.items():
                    phases[mode].setdefault(name, []).append(ms)
            latency[mode].append(statistics.median(runs))
    for i, q in enumerate(QUERIES):
        exact_ids = {
            h.path
            for h in backend.search(SearchQuery(q, mode="exact", per_page=reports + 1, passages_per_report=0)).hits
        }
        g_ms, g_files = timed_tool(["grep", "-l", "-F", "-r", "--", q, "."], folder)
        grep_ms.append(g_ms)
        if {names[f] for f in g_files} != exact_ids:
            mismatches.append(("grep", q, len(g_files), len(exact_ids)))
        if rg:
            r_ms, r_files = timed_tool([rg, "-l", "-F", "--", q, "."], folder)
            rg_ms.append(r_ms)
            ratios.append(r_ms / latency["exact"][i])
            if {names[f] for f in r_files} != exact_ids:
                mismatches.append(("rg", q, len(r_files), len(exact_ids)))

    print(f"store: {db.name}, {reports} reports; {len(QUERIES)} queries, median of {RUNS} runs each")
    print(f"{'figure':<40}{'measured':>12}{'target':>12}{'ratio':>10}")
    for mode in ("ranked", "exact"):
        p50, p95 = percentile(latency[mode], 0.5), percentile(latency[mode], 0.95)
        print(f"{mode + ' p50 (ms)':<40}{p50:>12.1f}{'':>12}{'':>10}")
        print(f"{mode + ' p95 (ms)':<40}{p95:>12.1f}{f'<= {TARGET_P95_MS:g}':>12}{TARGET_P95_MS / p95:>9.2f}x")
    print(f"{'grep -l -F median (ms)':<40}{statistics.median(grep_ms):>12.1f}")
    if rg:
        median_ratio = statistics.median(ratios)
        print(f"{'rg -l -F median (ms)':<40}{statistics.median(rg_ms):>12.1f}")
        print(
            f"{'exact vs rg, median speed-up':<40}{median_ratio:>11.1f}x{f'>= {TARGET_VS_RG:g}x':>12}"
            f"{median_ratio / TARGET_VS_RG:>9.2f}x"
        )
    else:
        print("rg not installed (Debian package ripgrep): ripgrep comparison skipped")
    print("exact result sets equal grep/rg for every query" if not mismatches else f"MISMATCHES: {mismatches}")
    print(f"\n{'mean per phase (ms, all runs)':<40}{'ranked':>12}{'exact':>12}")
    for name in phases["ranked"]:
        ranked, exact = (statistics.mean(phases[mode].get(name, [0.0])) for mode in ("ranked", "exact"))
        print(f"{name:<40}{ranked:>12.1f}{exact:>12.1f}")


if __name__ == "__main__":
    main()
