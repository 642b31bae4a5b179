"""Ingest into the embedded store: idempotent, atomic replace, failures isolated, kill -9 safe, WAL readers."""

from __future__ import annotations

import math
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from builders import distinct_reports

from indexer import ingest as ingest_module
from indexer.errors import NianbaoError
from indexer.ingest import ingest
from indexer.search import SearchQuery, SqliteBackend
from indexer.store import COLUMNS, SourceFile, connect, merge_postings, stored_columns, unpack_postings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
NIANBAO = Path(sys.executable).with_name("nianbao")


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    out = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("reports", "sections", "passages", "table_cells", "checks")
    }
    conn.close()
    return out


def _exact_ids(db: Path, needle: str) -> set[str]:
    backend = SqliteBackend(db)
    result = backend.search(SearchQuery(needle, mode="exact", per_page=10_000))
    backend.close()
    return {h.path for h in result.hits}


def _copy_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(s, folder / s.name)) for s in SAMPLES]


def test_reingest_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = ingest([ROOT / "data" / "reports"], db=db, workers=1)
    assert (first.ingested, first.unchanged, first.failed) == (5, 0, [])
    before = _counts(db)
    second = ingest([ROOT / "data" / "reports"], db=db)
    assert (second.ingested, second.unchanged, second.failed) == (0, 5, [])
    assert _counts(db) == before


def test_changed_file_replaces_its_old_version(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    files = _copy_samples(tmp_path / "in")
    ingest([tmp_path / "in"], db=db, workers=1)
    before = _counts(db)
    target = files[3]
    text = target.read_text(encoding="utf-8")
    assert "贺兰山西路" in text
    target.write_text(text.replace("贺兰山西路", "黄河东路"), encoding="utf-8")
    summary = ingest([tmp_path / "in"], db=db, workers=1)
    # The same report with a prose edit: the file is its source still, the report re-read from it.
    assert (summary.ingested, summary.unchanged, summary.count("updated")) == (0, 4, 1)
    assert _counts(db) == before
    assert _exact_ids(db, "贺兰山西路") == set()
    assert _exact_ids(db, "黄河东路") == {str(target.resolve())}
    # The replaced report left nothing behind in the ranked index either.
    ranked = SqliteBackend(db).search(SearchQuery("贺兰山"))
    assert ranked.total_reports == 0


def test_broken_files_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _copy_samples(folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 50)
    (folder / "story.txt").write_text("今天天气很好，我们去公园散步。" * 40, encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    db = tmp_path / "s.db"
    summary = ingest([folder], db=db, workers=2)
    assert summary.ingested == 5
    reasons = {Path(f.path).name: f.reason for f in summary.failed}
    assert set(reasons) == {"empty.txt", "garbage.txt", "story.txt", "broken.docx"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["garbage.txt"]
    assert "not a government information disclosure annual report" in reasons["story.txt"]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 4


def _many_reports(folder: Path, n: int) -> None:
    distinct_reports(SAMPLES, folder, n)


def _ingest_until(folder: Path, db: Path, reports: int, stop: signal.Signals) -> subprocess.CompletedProcess:
    """Run `nianbao ingest` with two workers and send it ``stop`` once ``reports`` are committed."""
    proc = subprocess.Popen(
        [str(NIANBAO), "ingest", str(folder), "--db", str(db), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            done = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
            conn.close()
        except sqlite3.OperationalError:
            continue
        if done >= reports:
            break
    proc.send_signal(stop)
    out, err = proc.communicate(timeout=120)
    time.sleep(1)  # the workers' last words, if any, reach the pipe
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_killed_ingest_leaves_a_consistent_store_and_the_rerun_completes_it(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    _many_reports(folder, 400)
    killed = _ingest_until(folder, db, 64, signal.SIGKILL)
    assert "Traceback" not in killed.stderr and "BrokenPipe" not in killed.stderr, killed.stderr
    partial = _counts(db)["reports"]
    assert 0 < partial < 400, "the ingest should have been killed half way"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    summary = ingest([folder], db=db)
    assert summary.ingested == 400 - partial and summary.unchanged == partial and not summary.failed
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), count(DISTINCT path) FROM reports").fetchone() == (400, 400)
    # The killed run's reports got their copied sections computed by the rerun.
    assert conn.execute("SELECT count(*) FROM copies_pending").fetchone() == (0,)
    for table in ("fts_trigram", "fts_bigram"):
        conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    # Every report's word entries are in a batch that was written (the killed transaction left none).
    assert conn.execute(
        "SELECT count(*) FROM word_docs JOIN word_batches USING (batch) JOIN reports ON reports.id = report_id"
    ).fetchone() == (400,)
    conn.close()
    backend = SqliteBackend(db)
    assert backend.search(SearchQuery("附", per_page=1)).total_reports == 400
    backend.close()
    assert len(_exact_ids(db, "附：编号")) == 400
    assert _exact_ids(db, "编号0123号") == {str((folder / "r0123.txt").resolve())}


def test_ctrl_c_stops_an_ingest_quietly_and_the_rerun_completes_it(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    _many_reports(folder, 300)
    stopped = _ingest_until(folder, db, 1, signal.SIGINT)
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr and "KeyboardInterrupt" not in stopped.stderr, stopped.stderr
    assert "已中断" in stopped.stderr
    partial = _counts(db)["reports"]
    assert 0 < partial < 300
    summary = ingest([folder], db=db)
    assert summary.ingested == 300 - partial and summary.unchanged == partial


def test_readers_query_while_an_ingest_writes(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    _many_reports(folder, 120)
    ingest([SAMPLES[0]], db=db, workers=1)
    errors: list[Exception] = []
    worker = threading.Thread(target=lambda: ingest([folder], db=db, workers=1))
    worker.start()
    queries = 0
    while worker.is_alive():
        try:
            backend = SqliteBackend(db)
            backend.search(SearchQuery("政务公开"))
            backend.close()
            queries += 1
        except Exception as exc:  # any locking error fails the test below
            errors.append(exc)
        time.sleep(0.05)
    worker.join()
    assert errors == [] and queries > 0


def test_unsupported_file_named_explicitly_is_a_failure(tmp_path: Path) -> None:
    odd = tmp_path / "report.xyz"
    odd.write_text("x", encoding="utf-8")
    summary = ingest([odd], db=tmp_path / "s.db")
    assert summary.ingested == 0
    assert "unsupported file type" in summary.failed[0].reason


@pytest.mark.parametrize("args", [["--year", "20x9"]])
def test_cli_rejects_bad_year(args: list[str], tmp_path: Path) -> None:
    ingest([SAMPLES[0]], db=tmp_path / "s.db")
    result = subprocess.run(
        [str(NIANBAO), "search", "公开", "--db", str(tmp_path / "s.db"), *args], capture_output=True, text=True
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr and "--year" in result.stderr


def test_a_schema_5_store_gets_its_trigram_index_rebuilt_on_the_next_write(tmp_path: Path) -> None:
    """Schema 5 indexed the trigram text with one row per report; the next write rebuilds it by section."""
    db = tmp_path / "s.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    needles = ["政府信息公开条例", "政务新媒体", "不存在的词语组合", "盐政办发〔2020〕43号"]
    before = {n: _exact_ids(db, n) for n in needles}
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE fts_trigram")
    conn.execute(f"CREATE VIRTUAL TABLE fts_trigram USING fts5({', '.join(COLUMNS)}, content='', tokenize='trigram')")
    for report_id in [r[0] for r in conn.execute("SELECT id FROM reports")]:
        columns = stored_columns(conn, report_id)
        conn.execute(f"INSERT INTO fts_trigram VALUES ({', '.join('?' * len(columns))})", columns)
    conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema'")
    conn.commit()
    conn.close()

    with pytest.raises(NianbaoError, match="nianbao ingest"):
        SqliteBackend(db)
    connect(db).close()
    assert {n: _exact_ids(db, n) for n in needles} == before
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO fts_trigram (fts_trigram) VALUES ('integrity-check')")
    rows = conn.execute("SELECT count(*) FROM fts_trigram_docsize").fetchone()[0]
    assert rows == sum(bool(c) for r in conn.execute("SELECT id FROM reports") for c in stored_columns(conn, r[0]))
    conn.close()


def test_small_ingests_and_replacements_keep_the_word_index_compact_and_equal(tmp_path: Path) -> None:
    """Twenty one-file ingests, then replacements: the word batches are merged (few remain, none that
    no report points to), and ranked results (paths and scores) equal one ingest of the final files."""
    folder, db = tmp_path / "in", tmp_path / "s.db"
    files = distinct_reports(SAMPLES, folder, 20)
    for file in files:
        assert ingest([file], db=db, workers=1).ingested == 1
    for i in (3, 3, 11, 19):
        files[i].write_text(files[i].read_text(encoding="utf-8") + f"\n修订{i}。\n", encoding="utf-8")
        assert ingest([files[i]], db=db, workers=1).count("updated") == 1
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM word_batches").fetchone()[0] <= 16
    assert (
        conn.execute("SELECT count(*) FROM word_batches WHERE batch NOT IN (SELECT batch FROM word_docs)").fetchone()[0]
        == 0
    )
    conn.close()

    fresh = tmp_path / "fresh.db"
    ingest([folder], db=fresh, workers=1)
    for text in ("政府信息公开", "公开", "修订", "政务新媒体 复议", "编号0007号"):
        results = []
        for store in (db, fresh):
            backend = SqliteBackend(store)
            hits = backend.search(SearchQuery(text, per_page=100)).hits
            results.append({h.path: pytest.approx(h.score) for h in hits})
            backend.close()
        assert results[0] == results[1] and results[0]


def test_workers_run_at_most_a_window_ahead_of_the_writer(tmp_path: Path, monkeypatch) -> None:
    """Prepared reports cannot pile up in memory when the writer is slower than the workers, and a
    writer that stops early does not leave the pool waiting."""
    monkeypatch.setattr(ingest_module, "_IN_FLIGHT", 6)
    pulled = 0

    class Jobs(list):
        def __iter__(self):
            nonlocal pulled
            for job in super().__iter__():
                pulled += 1
                yield job

    jobs = Jobs(_source(SAMPLES[i % 5], i) for i in range(30))
    done = 0
    for item in ingest_module._prepared(jobs, workers=2):
        assert not isinstance(item, ingest_module.Outcome), item
        done += 1
        time.sleep(0.02)  # a slow writer
        assert pulled - done <= 6 + 1  # the job the feeder holds while it waits for room
    assert done == 30

    for _item in ingest_module._prepared(Jobs(jobs), workers=2):
        break  # the generator is closed: its pool must shut down, not wait for the feeder


def _source(path: Path, i: int) -> SourceFile:
    return SourceFile("file", str(path), f"sha{i:02d}", path.stat().st_size, 0.0, str(path))


def test_the_worker_pool_prepares_reports_as_one_process_does() -> None:
    """Every report comes back once from the pool, with the words, phrases and mentions one process
    gives it."""
    jobs = [_source(SAMPLES[i % 5], i) for i in range(12)]
    parallel, serial = (
        sorted(
            (
                (p.path, p.source.sha256, p.words, p.phrases, p.mentions)
                for p in ingest_module._prepared(jobs, workers=n)
            ),
            key=lambda row: row[1],
        )
        for n in (2, 1)
    )
    assert len(parallel) == 12 and parallel == serial


def _phrase_rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT batch, phrase, entries FROM phrase_postings ORDER BY batch, phrase").fetchall()
    conn.close()
    return rows


@pytest.mark.parametrize("change", ["schema 6", "vocabulary"])
def test_the_phrase_index_is_rebuilt_for_a_schema_6_store_or_a_changed_vocabulary(tmp_path: Path, change: str) -> None:
    """A schema-6 store has no phrase index and one built with other lexicons holds other phrases: the
    next write builds it as an ingest would have; until then, searches use the trigram index."""
    db = tmp_path / "s.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    built = _phrase_rows(db)
    needles = ["政府信息公开", "政务新媒体", "中华人民共和国政府信息公开条例", "三级审核"]
    before = {n: _exact_ids(db, n) for n in needles}
    assert built and all(before.values())
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM phrase_postings WHERE phrase != '政务新媒体'")
    conn.execute("UPDATE meta SET value = 'another vocabulary' WHERE key = 'phrases'")
    if change == "schema 6":
        conn.execute("DELETE FROM meta WHERE key = 'phrases'")
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema'")
    conn.commit()
    conn.close()

    if change == "schema 6":
        with pytest.raises(NianbaoError, match="nianbao ingest"):
            SqliteBackend(db)
    else:
        assert {n: _exact_ids(db, n) for n in needles} == before  # the stale phrase index is not read
    connect(db).close()
    assert _phrase_rows(db) == built
    assert {n: _exact_ids(db, n) for n in needles} == before


def test_merged_batches_are_size_tiered(tmp_path: Path) -> None:
    """Batches are merged a tier at a time: after 30 one-report batches (fanout 4) none is left with
    three others of its size tier, and the merged postings hold every current entry once."""
    folder, db = tmp_path / "in", tmp_path / "s.db"
    for i, path in enumerate(distinct_reports(SAMPLES, folder, 30)):
        ingest([path], db=db, workers=1)
        conn = connect(db)
        merge_postings(conn, fanout=4)
        sizes = [n for (n,) in conn.execute("SELECT count(*) FROM word_docs GROUP BY batch")]
        conn.close()
        tiers = Counter(int(math.log(n, 4) + 1e-9) for n in sizes)
        assert sum(sizes) == i + 1 and max(tiers.values()) < 4, sizes
    assert len(sizes) < 30 and max(sizes) >= 16
    conn = sqlite3.connect(db)
    entries = [e for (e,) in conn.execute("SELECT entries FROM word_postings WHERE term = '政府信息公开'")]
    conn.close()
    ids = np.concatenate([unpack_postings(e)[0] for e in entries])
    assert sorted(ids.tolist()) == list(range(1, 31))
