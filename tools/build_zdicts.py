"""Build data/zdicts/<kind>.zdict: the preset dictionaries the store compresses its values against.

    .venv/bin/python tools/build_zdicts.py

The sample reports in data/reports are ingested into a store in a temporary folder; for each kind of
value the store compresses (``indexer.store.schema.ZDICT_KINDS``: the normalized text, the model, the
table cells and their indicators, the mentions, the passages, the checks), the samples' values are
joined in the store's order and the last 32 KB kept (zlib's window: a preset dictionary's earlier bytes are never used).
What they share with any other report is the format's own: the template's headings and row labels, the
regulation's name, the model's keys. A store keeps a copy of each dictionary it used, so rebuilding
these files changes only how new values are compressed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.api import Library  # noqa: E402
from indexer.store.schema import PACKED_COLUMNS, unzip  # noqa: E402

WINDOW = 32768


def main() -> None:
    out = ROOT / "data" / "zdicts"
    with tempfile.TemporaryDirectory() as tmp:
        library = Library(Path(tmp) / "samples.db")
        library.ingest([str(p) for p in sorted((ROOT / "data" / "reports").iterdir())])
        conn = library.conn
        out.mkdir(exist_ok=True)
        for table, key, column, kind in PACKED_COLUMNS:
            if table == "versions":
                continue
            values = [unzip(blob) for (blob,) in conn.execute(f"SELECT {column} FROM {table} ORDER BY {key}")]
            data = "".join(values).encode("utf-8")[-WINDOW:]
            (out / f"{kind}.zdict").write_bytes(data)
            print(f"{kind}: {len(values)} values, {len(data):,} bytes")


if __name__ == "__main__":
    main()
