"""Ingest into the embedded store: idempotent, atomic replace, failures isolated, kill -9 safe, WAL readers."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from builders import distinct_reports, plain_store

from indexer import ingest as ingest_module
from indexer.ingest import ingest
from indexer.search import SearchQuery, SqliteBackend
from indexer.search import sync as sync_module
from indexer.search.embedded import index_path
from indexer.store import SourceFile, unzip

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
NIANBAO = Path(sys.executable).with_name("nianbao")


def _counts(db: Path) -> dict[str, int]:
    conn = plain_store(db)
    out = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("reports", "sections", "passages", "report_cells", "checks")
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
    conn = plain_store(db)
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
            conn = plain_store(f"file:{db}?mode=ro", uri=True, timeout=5)
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


def _answers(db: Path, needles: list[str]) -> dict[tuple[str, str], set[str]]:
    """The reports each needle finds in either mode (a new backend: it reconciles the index on opening)."""
    backend = SqliteBackend(db)
    try:
        return {
            (n, mode): {h.path for h in backend.search(SearchQuery(n, mode=mode, per_page=10_000)).hits}
            for n in needles
            for mode in ("exact", "ranked")
        }
    finally:
        backend.close()


def _scan(db: Path, needle: str) -> set[str]:
    conn = plain_store(db)
    try:
        return {path for path, text in conn.execute("SELECT path, text FROM reports") if needle in unzip(text)}
    finally:
        conn.close()


@pytest.mark.parametrize(("reports", "kill_at"), [(300, 1), (600, 257)])
def test_killed_ingest_leaves_a_consistent_store_and_the_rerun_completes_it(
    tmp_path: Path, reports: int, kill_at: int
) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    _many_reports(folder, reports)
    killed = _ingest_until(folder, db, kill_at, signal.SIGKILL)
    assert "Traceback" not in killed.stderr and "BrokenPipe" not in killed.stderr, killed.stderr
    partial = _counts(db)["reports"]
    assert 0 < partial < reports, "the ingest should have been killed half way"
    conn = plain_store(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # Before any rerun, the store and the index answer alike (whatever the kill interrupted).
    backend = SqliteBackend(db)
    assert backend.search(SearchQuery("附", per_page=1)).total_reports == partial
    backend.close()
    assert _exact_ids(db, "附：编号") == _scan(db, "附：编号") and len(_scan(db, "附：编号")) == partial
    summary = ingest([folder], db=db)
    assert summary.ingested == reports - partial and summary.unchanged == partial and not summary.failed
    conn = plain_store(db)
    assert conn.execute("SELECT count(*), count(DISTINCT path) FROM reports").fetchone() == (reports, reports)
    # The killed run's reports got their copied sections computed by the rerun.
    assert conn.execute("SELECT count(*) FROM copies_pending").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM index_queue").fetchone() == (0,)
    conn.close()
    backend = SqliteBackend(db)
    assert backend.search(SearchQuery("附", per_page=1)).total_reports == reports
    backend.close()
    assert len(_exact_ids(db, "附：编号")) == reports
    assert _exact_ids(db, "编号0123号") == {str((folder / "r0123.txt").resolve())}


@pytest.mark.parametrize("point", ["after the store's commit", "after the index's commit"])
def test_a_crash_between_the_store_and_the_index_is_reconciled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    """A process dying after the store committed a batch but before the index did (or before the queue
    was cleared): the next process to open the index brings it in step, each report once."""
    folder, db = tmp_path / "in", tmp_path / "s.db"
    files = distinct_reports(SAMPLES, folder, 12)
    ingest(files[:6], db=db, workers=1)
    needles = ["附：编号", "政府信息公开", "编号0008号", "复议 OR 诉讼"]

    class Crash(BaseException):
        pass

    real_commit = sync_module.EmbeddedWriter.commit

    def crash(self):
        if point == "after the index's commit":
            real_commit(self)
        raise Crash

    monkeypatch.setattr(sync_module.EmbeddedWriter, "commit", crash)
    with pytest.raises(Crash):
        ingest(files, db=db, workers=1)
    monkeypatch.setattr(sync_module.EmbeddedWriter, "commit", real_commit)
    conn = plain_store(db)
    assert conn.execute("SELECT count(*) FROM reports").fetchone() == (12,)
    assert conn.execute("SELECT count(*) FROM index_queue").fetchone()[0] > 0
    conn.close()
    answers = _answers(db, needles)
    assert answers[("附：编号", "exact")] == _scan(db, "附：编号") and len(_scan(db, "附：编号")) == 12
    assert answers[("编号0008号", "exact")] == _scan(db, "编号0008号")
    fresh = tmp_path / "fresh.db"
    ingest(files, db=fresh, workers=1)
    assert {k: {Path(p).name for p in v} for k, v in answers.items()} == {
        k: {Path(p).name for p in v} for k, v in _answers(fresh, needles).items()
    }
    backend = SqliteBackend(db)
    assert backend.index.searcher().num_docs == 12  # each report once
    backend.close()


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


@pytest.mark.parametrize("damage", ["index deleted", "another layout", "another vocabulary", "a report lost"])
def test_an_index_that_does_not_match_its_store_is_rebuilt_from_the_stored_text(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "s.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    needles = ["政府信息公开条例", "政务新媒体", "不存在的词语组合", "盐政办发〔2020〕43号", "复议 -诉讼"]
    before = _answers(db, needles)
    folder = index_path(db)
    marker = folder / "nianbao-index.json"
    if damage == "index deleted":
        shutil.rmtree(folder)
    elif damage == "a report lost":
        from indexer.search.embedded import EmbeddedWriter

        conn = plain_store(db)
        token = conn.execute("SELECT value FROM meta WHERE key = 'index_token'").fetchone()[0]
        rid = conn.execute("SELECT min(id) FROM reports").fetchone()[0]
        conn.close()
        writer = EmbeddedWriter(folder, token)
        writer.remove(rid)
        writer.commit()
        writer.close(wait=True)
    else:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        recorded["layout" if damage == "another layout" else "phrases"] = "other"
        marker.write_text(json.dumps(recorded), encoding="utf-8")
    assert _answers(db, needles) == before
    recorded = json.loads(marker.read_text(encoding="utf-8"))
    assert "other" not in recorded.values()


def test_reindex_rebuilds_the_index_and_answers_alike(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    needles = ["政府信息公开", "(复议 OR 诉讼) -县长", "2020年"]
    before = _answers(db, needles)
    result = subprocess.run([str(NIANBAO), "reindex", "--db", str(db)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "5 份报告" in result.stdout
    assert _answers(db, needles) == before


def test_small_ingests_and_replacements_answer_as_one_ingest(tmp_path: Path) -> None:
    """Twenty one-file ingests, then replacements: each report is in the index once, and ranked results
    are those of one ingest of the final files."""
    folder, db = tmp_path / "in", tmp_path / "s.db"
    files = distinct_reports(SAMPLES, folder, 20)
    for file in files:
        assert ingest([file], db=db, workers=1).ingested == 1
    for i in (3, 3, 11, 19):
        files[i].write_text(files[i].read_text(encoding="utf-8") + f"\n修订{i}。\n", encoding="utf-8")
        assert ingest([files[i]], db=db, workers=1).count("updated") == 1
    backend = SqliteBackend(db)
    assert backend.index.searcher().num_docs == 20
    backend.close()

    fresh = tmp_path / "fresh.db"
    ingest([folder], db=fresh, workers=1)
    for text in ("政府信息公开", "公开", "修订", "政务新媒体 复议", "编号0007号"):
        results = []
        for store in (db, fresh):
            backend = SqliteBackend(store)
            hits = backend.search(SearchQuery(text, per_page=100)).hits
            results.append({h.path for h in hits})
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
    """Every report comes back once from the pool, with the index fields and mentions one process gives it."""
    jobs = [_source(SAMPLES[i % 5], i) for i in range(12)]
    parallel, serial = (
        sorted(
            ((p.path, p.source.sha256, p.document, p.mentions) for p in ingest_module._prepared(jobs, workers=n)),
            key=lambda row: row[1],
        )
        for n in (2, 1)
    )
    assert len(parallel) == 12 and parallel == serial
