"""Digests of what ingest prepares for each report, to check that a change leaves the outputs identical.

    .venv/bin/python bench/outputs.py --n 10000 --reports 1000 > after.txt
    git worktree add /tmp/before <commit> && (cd /tmp/before && python bench/outputs.py ... > before.txt)
    diff before.txt after.txt

For every ``n/reports``-th file of the synthetic corpus it prints one line: the file name and a hash of
each output (the stored row values, sections, passages, table cells, checks, mentions, entities, items,
copy signatures and the search index's fields), so a difference names the report and the output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from ingest import corpus  # noqa: E402

from indexer.ingest import discover, prepare_file  # noqa: E402
from indexer.store import SourceFile  # noqa: E402


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=repr, sort_keys=True).encode()).hexdigest()[:12]


def _attrs(attrs: Any) -> Any:
    return json.loads(attrs) if isinstance(attrs, str) else attrs


def outputs(prepared: Any) -> dict[str, Any]:
    # How a value is stored (the model's mentions kept apart, an agency column, attrs as JSON or a dict) is
    # not an output: the digests compare what is stored, so a change of layout compares equal.
    skipped = ("original", "model", "path", "sha256", "mtime", "agency")
    row = {k: v for k, v in prepared.row.items() if k not in skipped}
    out = {
        "row": row,
        "model": {k: v for k, v in prepared.model().items() if k != "mentions"},
        "sections": [list(s) for s in prepared.sections],
        "passages": [list(p) for p in prepared.passages],
        "cells": [list(c) for c in prepared.cells],
        "checks": [list(c) for c in prepared.checks],
        "mentions": [[*m[:-1], _attrs(m[-1])] for m in prepared.mentions],
        "entities": [vars(e) for e in prepared.entities],
        "items": [list(i) for i in prepared.items],
        "signatures": [[s[0], s[1], s[2].hex()] for s in prepared.signatures],
    }
    document = getattr(prepared, "document", None)
    if document is not None:
        out["index"] = vars(document) | {"pairs": [sorted(p.split()) for p in document.pairs]}
        out["index"]["chars"] = [sorted(c.split()) for c in document.chars]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reports", type=int, default=1000)
    args = parser.parse_args()
    files = discover([corpus(args.n, args.seed)])[0]
    step = max(1, len(files) // args.reports)
    for f in files[::step][: args.reports]:
        prepared = prepare_file(SourceFile("file", str(f), "-", f.stat().st_size, 0.0, str(f)))
        digests = {name: _digest(value) for name, value in outputs(prepared).items()}
        print(f.name, " ".join(f"{k}={v}" for k, v in digests.items()))


if __name__ == "__main__":
    main()
