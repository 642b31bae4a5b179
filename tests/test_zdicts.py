"""The store compresses each kind of value against a preset dictionary of that kind (``data/zdicts``),
keeps a copy of every dictionary it used, reads alike without the files, and compresses a schema-12
store's values again when it upgrades it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from indexer.errors import NianbaoError
from indexer.ingest import ingest
from indexer.store import SCHEMA_VERSION, connect, unzip
from indexer.store.schema import PACKED_COLUMNS, ZDICT_KINDS, dictionary_id, pack, zdict

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))


def _values(conn) -> dict[str, list]:
    return {
        f"{table}.{column}": [
            [k, unzip(b)] for k, b in conn.execute(f"SELECT {key}, {column} FROM {table} ORDER BY {key}")
        ]
        for table, key, column, _ in PACKED_COLUMNS
    }


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    result = ingest([str(p) for p in SAMPLES], db=db, workers=1)
    assert not result.failed
    return db


def test_every_value_names_a_dictionary_of_its_kind_that_the_store_holds(store: Path) -> None:
    conn = connect(store, readonly=True)
    held = dict(conn.execute("SELECT id, kind FROM zdicts").fetchall())
    assert sorted(held.values()) == sorted(ZDICT_KINDS)
    for table, _, column, kind in PACKED_COLUMNS:
        blobs = [b for (b,) in conn.execute(f"SELECT {column} FROM {table}")]
        assert blobs or table == "versions"
        for blob in blobs:
            assert blob[0] == 0xFD, f"{table}.{column} is not a zstd value"
            assert dictionary_id(blob) in held, f"{table}.{column} compressed without its dictionary"
            assert held[dictionary_id(blob)] == kind


def test_a_store_reads_alike_without_the_dictionary_files(store: Path, tmp_path: Path) -> None:
    """Another process, its data folder without ``zdicts``: the store's own copies decompress every value."""
    expected = _values(connect(store, readonly=True))
    code = (
        "import json, sys\n"
        "from indexer.store import connect, unzip\n"
        "from indexer.store.schema import PACKED_COLUMNS, zdict\n"
        "assert zdict('text') is None\n"
        "conn = connect(sys.argv[1], readonly=True)\n"
        "print(json.dumps({f'{t}.{c}': [[k, unzip(b)] for k, b in conn.execute("
        "f'SELECT {key}, {c} FROM {t} ORDER BY {key}')] for t, key, c, _ in PACKED_COLUMNS}))\n"
    )
    empty = tmp_path / "no-data"
    empty.mkdir()
    env = {**os.environ, "NIANBAO_DATA": str(empty)}
    out = subprocess.run([sys.executable, "-c", code, str(store)], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == expected


def test_a_value_whose_dictionary_is_unknown_is_a_clear_error() -> None:
    preset = b"a dictionary no store holds " * 40
    packer = zlib.compressobj(6, zdict=preset)
    blob = packer.compress("中宁县".encode()) + packer.flush()  # as schema 13 wrote values
    with pytest.raises(NianbaoError, match="compression dictionary"):
        unzip(blob)
    zstd = pack("中宁县", "text")
    with pytest.raises(NianbaoError, match="compression dictionary"):
        unzip(zstd[:1] + zlib.adler32(preset).to_bytes(4, "big") + zstd[5:])


def test_a_schema_12_store_is_compressed_again_against_the_dictionaries(store: Path) -> None:
    conn = connect(store)
    expected = _values(conn)
    for table, key, column, _ in PACKED_COLUMNS:  # as schema 12 wrote them: each value compressed alone
        rows = conn.execute(f"SELECT {key}, {column} FROM {table}").fetchall()
        conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", [(pack(unzip(b)), k) for k, b in rows])
    conn.execute("DELETE FROM zdicts")
    conn.execute("UPDATE meta SET value = '12' WHERE key = 'schema'")
    sizes = "SELECT sum(length(text)) + sum(length(model)) FROM reports"
    before = conn.execute(sizes).fetchone()[0]
    conn.close()

    upgraded = connect(store, readonly=True)
    assert upgraded.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
    assert _values(upgraded) == expected
    assert upgraded.execute(sizes).fetchone()[0] < before * 0.8
    assert all(zdict(kind) for kind in ZDICT_KINDS)


def test_a_schema_13_store_s_zlib_values_become_zstd_values(store: Path) -> None:
    conn = connect(store)
    expected = _values(conn)
    for table, key, column, kind in PACKED_COLUMNS:  # as schema 13 wrote them: zlib against the dictionary
        rows = conn.execute(f"SELECT {key}, {column} FROM {table}").fetchall()
        packer = lambda text, kind=kind: (lambda z: z.compress(text.encode()) + z.flush())(  # noqa: E731
            zlib.compressobj(6, zdict=zdict(kind))
        )
        conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", [(packer(unzip(b)), k) for k, b in rows])
    conn.execute("UPDATE meta SET value = '13' WHERE key = 'schema'")
    zlib_size = conn.execute("SELECT sum(length(text)) + sum(length(model)) FROM reports").fetchone()[0]
    assert _values(conn) == expected  # zlib values read as before
    conn.close()

    upgraded = connect(store, readonly=True)
    assert _values(upgraded) == expected
    for table, _, column, _ in PACKED_COLUMNS:
        assert all(b[0] == 0xFD for (b,) in upgraded.execute(f"SELECT {column} FROM {table}"))
    assert upgraded.execute("SELECT sum(length(text)) + sum(length(model)) FROM reports").fetchone()[0] < zlib_size
