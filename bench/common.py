"""What the benchmark scripts share: the --n option and the store bench/ingest.py built for it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def bench_store(doc: str | None) -> tuple[Path, argparse.Namespace]:
    """Parse ``--n`` and return the store bench/ingest.py wrote for that many reports."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    db = HERE / "out" / f"ingest-{args.n}.db"
    if not db.exists():
        sys.exit(f"{db} is missing: run bench/ingest.py --n {args.n} first")
    return db, args
