"""One report, counted once: identity by content, sources, versions, stable ids, remove and prune."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from builders import build_docx, build_pdf, distinct_reports, with_changed_cell

from graph.build import build_graph
from graph.problems import problem_ranking
from graph.queries import cites, practice
from indexer.analyze import analyze_file
from indexer.corpus import list_reports, prune, remove
from indexer.errors import NianbaoError
from indexer.ingest import ingest
from indexer.search import SearchQuery, SqliteBackend
from indexer.search.embedded import index_path
from indexer.store import SCHEMA_VERSION, connect, sql_functions
from indexer.tables_export import write_long_csv

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
NIANBAO = Path(sys.executable).with_name("nianbao")


def _entries(db: Path) -> list[dict]:
    conn = connect(db, readonly=True)
    out = [e.to_json() for e in list_reports(conn)]
    conn.close()
    return out


def _hits(db: Path, text: str, mode: str = "exact") -> set[str]:
    backend = SqliteBackend(db)
    hits = {h.report_id for h in backend.search(SearchQuery(text, mode=mode, per_page=1000)).hits}
    backend.close()
    return hits


def test_the_same_bytes_at_two_paths_are_one_report_with_two_sources(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shutil.copy(SAMPLES[0], a / "盐池.txt")
    shutil.copy(SAMPLES[0], b / "copy.txt")
    db = tmp_path / "s.db"
    summary = ingest([a, b], db=db, workers=1)
    assert [o.status for o in summary.outcomes] == ["new", "attached"]
    assert summary.parsed == 1  # the copy's bytes were known: it was not parsed again
    [entry] = _entries(db)
    assert sorted(Path(s["location"]).name for s in entry["sources"]) == ["copy.txt", "盐池.txt"]


def test_a_moved_folder_is_no_new_report_and_its_paths_are_updated(tmp_path: Path) -> None:
    folder, db = tmp_path / "reports", tmp_path / "s.db"
    shutil.copytree(ROOT / "data" / "reports", folder)
    ingest([folder], db=db, workers=1)
    before = {e["uid"] for e in _entries(db)}
    moved = folder.rename(tmp_path / "r2")
    summary = ingest([moved], db=db, workers=1)
    assert [o.status for o in summary.outcomes] == ["moved"] * 5 and summary.parsed == 0
    entries = _entries(db)
    assert {e["uid"] for e in entries} == before
    assert all(Path(s["location"]).parent == moved.resolve() for e in entries for s in e["sources"])
    assert all(Path(e["primary"]).parent == moved.resolve() for e in entries)
    assert len(_hits(db, "政府开放日")) == 3
    conn = connect(db, readonly=True)
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 5
    conn.close()


def test_one_report_in_three_formats_is_one_report_with_three_sources_and_the_best_primary(tmp_path: Path) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gbk.txt").write_bytes(text.encode("gb18030"))
    files = [folder / "gbk.txt", build_docx(text, folder / "r.docx"), build_pdf(text, folder / "r.pdf")]
    db = tmp_path / "s.db"
    summary = ingest([folder], db=db, workers=1)
    assert sorted(o.status for o in summary.outcomes) == ["attached", "attached", "new"]
    [entry] = _entries(db)
    assert sorted(Path(s["location"]).name for s in entry["sources"]) == ["gbk.txt", "r.docx", "r.pdf"]
    # The primary has the fewest unproven cells of the three parses, and an original format on a tie.
    unproven = {f.name: len(analyze_file(f).unproven_cells()) for f in files}
    primary = Path(entry["primary"]).name
    assert unproven[primary] == min(unproven.values())
    if unproven["gbk.txt"] == min(unproven.values()):
        assert primary != "gbk.txt"
    assert entry["sources"][0]["location"] == entry["primary"]
    # Ingested in another order, the same primary is chosen.
    other = tmp_path / "other.db"
    for f in reversed(files):
        ingest([f], db=other, workers=1)
    assert Path(_entries(other)[0]["primary"]).name == primary


def test_a_copy_with_one_table_number_changed_is_a_new_version(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    folder.mkdir()
    original = Path(shutil.copy(SAMPLES[0], folder / "r.txt"))
    ingest([folder], db=db, workers=1)
    corrected = folder / "r-更正版.txt"
    corrected.write_text(with_changed_cell(original.read_text(encoding="utf-8")), encoding="utf-8")
    os.utime(corrected, (original.stat().st_mtime + 60,) * 2)
    summary = ingest([folder], db=db, workers=1)
    assert [o.status for o in summary.outcomes] == ["unchanged", "version"]
    [entry] = _entries(db)
    assert Path(entry["primary"]).name == "r-更正版.txt"  # the newest is current
    [old] = entry["versions"]
    assert Path(old["path"]).name == "r.txt"
    [cell] = old["differences"]["cells"]
    assert (cell["table"], cell["row"], cell["new"] - cell["old"]) == ("proactive", "规范性文件", 7)
    assert "proactive" in old["differences"]["sections"]
    assert {s["version"] == "current" for s in entry["sources"]} == {True, False}
    # Counted once: the statistics hold the current version's cells only.
    conn = connect(db, readonly=True)
    values = conn.execute(
        "SELECT value FROM table_cells WHERE tbl = 'proactive' AND row = '规范性文件' AND col = 'new_made'"
    ).fetchall()
    conn.close()
    assert len(values) == 1 and values[0][0] == cell["new"]


def test_an_older_version_ingested_later_stays_superseded(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    folder.mkdir()
    newer = folder / "new.txt"
    newer.write_text(with_changed_cell(SAMPLES[0].read_text(encoding="utf-8")), encoding="utf-8")
    ingest([newer], db=db, workers=1)
    older = Path(shutil.copy(SAMPLES[0], folder / "old.txt"))
    os.utime(older, (newer.stat().st_mtime - 3600,) * 2)
    assert [o.status for o in ingest([older], db=db, workers=1).outcomes] == ["version"]
    [entry] = _entries(db)
    assert Path(entry["primary"]).name == "new.txt"
    assert [Path(v["path"]).name for v in entry["versions"]] == ["old.txt"]


def test_ids_do_not_depend_on_the_order_of_ingest(tmp_path: Path) -> None:
    forward, backward = tmp_path / "f.db", tmp_path / "b.db"
    for sample in SAMPLES:
        ingest([sample], db=forward, workers=1)
    for sample in reversed(SAMPLES):
        ingest([sample], db=backward, workers=1)
    ids = [{(e["uid"], e["publisher"], e["year"]) for e in _entries(db)} for db in (forward, backward)]
    assert ids[0] == ids[1] and len(ids[0]) == 5
    assert _hits(forward, "政府开放日") == _hits(backward, "政府开放日")
    nodes = [
        {n for n in build_graph(connect(db, readonly=True)).nodes if n.startswith("report:")}
        for db in (forward, backward)
    ]
    assert nodes[0] == nodes[1] == {f"report:{uid}" for uid, _, _ in ids[0]}


def _counts(db: Path) -> dict:
    conn = connect(db, readonly=True)
    answer = cites(conn, "政府信息公开条例")
    measure = practice(conn, "政府开放日")
    ranking = {(r["category"], r["regions"], r["reports"]) for r in problem_ranking(conn)}
    rows = conn.execute(
        "SELECT r.province, r.year, sum(c.value) FROM table_cells c JOIN reports r ON r.id = c.report_id"
        " WHERE c.tbl = 'requests' AND c.row = '新收' AND c.col = '总计' GROUP BY 1, 2"
    ).fetchall()
    with open(db.with_suffix(".csv"), "w", encoding="utf-8") as f:
        lines = write_long_csv(conn, f)
    conn.close()
    return {
        "cites": (answer.reports, answer.regions, answer.by_province),
        "practice": (measure.reports, measure.regions),
        "problems": ranking,
        "statistics": sorted(map(tuple, rows)),
        "long csv lines": lines,
        "facets": SqliteBackend(db).search(SearchQuery("公开", per_page=1)).facets,
    }


def test_duplicate_ingests_leave_every_count_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    before = _counts(db)
    dupes = tmp_path / "dupes"
    dupes.mkdir()
    for sample in SAMPLES[:2]:
        text = sample.read_text(encoding="utf-8")
        (dupes / f"{sample.stem}-gbk.txt").write_bytes(text.encode("gb18030"))
        build_docx(text, dupes / f"{sample.stem}.docx")
    shutil.copytree(ROOT / "data" / "reports", tmp_path / "r2")
    summary = ingest([dupes, tmp_path / "r2"], db=db, workers=2)
    assert summary.ingested == 0 and not summary.failed
    assert _counts(db) == before


def test_remove_and_prune(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    files = distinct_reports(SAMPLES, folder, 4)
    upload = tmp_path / "up.txt"
    shutil.copy(SAMPLES[1], upload)
    ingest([folder], db=db, workers=1)
    ingest([upload], db=db, workers=1, names={str(upload): "上传.txt"})
    entries = _entries(db)
    assert len(entries) == 5
    conn = connect(db)
    with pytest.raises(NianbaoError, match="没有编号为 nosuchid"):
        remove(conn, [entries[0]["uid"], "nosuchid"])
    assert len(_entries(db)) == 5  # nothing was removed
    target = next(e for e in entries if Path(e["primary"]) == files[0].resolve())
    assert _hits(db, "编号0000号") == {target["uid"]}
    remove(conn, [target["uid"]])
    assert len(_entries(db)) == 4 and _hits(db, "编号0000号") == set()
    assert target["uid"] not in {n.split(":", 1)[1] for n in build_graph(conn).nodes if n.startswith("report:")}

    files[1].unlink()
    files[2].write_text("changed since", encoding="utf-8")
    upload.unlink()  # an upload's temporary file is gone too: uploads are kept all the same
    dry = prune(conn, dry_run=True)
    assert sorted(Path(p).name for p in dry.dead_sources) == ["r0001.txt", "r0002.txt"]
    assert len(dry.removed) == 2 and len(_entries(db)) == 4
    done = prune(conn)
    assert done.removed == dry.removed
    left = _entries(db)
    assert len(left) == 2 and any(s["origin"] == "upload" for e in left for s in e["sources"])
    assert prune(conn).removed == []
    conn.execute("PRAGMA integrity_check")
    conn.close()


def test_the_cli_lists_removes_prunes_and_rejects_an_unknown_id(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "s.db"
    shutil.copytree(ROOT / "data" / "reports", folder)
    (folder / "notes.xlsx").write_bytes(b"PK")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(NIANBAO), *args, "--db", str(db)], capture_output=True, text=True, timeout=300)

    result = run("ingest", str(folder))
    assert result.returncode == 0, result.stderr
    assert "新报告 5" in result.stdout and "跳过 1" in result.stdout and "notes.xlsx" in result.stdout
    listed = json.loads(run("reports", "--json").stdout)
    assert len(listed) == 5 and all(len(e["sources"]) == 1 for e in listed)
    uid = listed[0]["uid"]
    assert run("show", uid).returncode == 0
    missing = run("show", "000000000000")
    assert missing.returncode == 1 and "没有编号为 000000000000 的报告" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert run("remove", uid).returncode == 0
    assert len(json.loads(run("reports", "--json").stdout)) == 4
    os.remove(folder / Path(listed[1]["primary"]).name)
    dry = run("prune", "--dry-run")
    assert "将删除 1 份报告" in dry.stdout
    assert len(json.loads(run("reports", "--json").stdout)) == 4
    assert "已删除 1 份报告" in run("prune").stdout
    assert len(json.loads(run("reports", "--json").stdout)) == 3

    # Compacting gives back the removed reports' pages and changes nothing the store answers.
    def answers() -> tuple[list, dict]:
        found = json.loads(run("search", "政府信息公开", "--json").stdout)
        found.pop("elapsed_ms")
        return json.loads(run("reports", "--json").stdout), found

    before, size = answers(), db.stat().st_size
    compacted = run("compact")
    assert compacted.returncode == 0 and "已压缩" in compacted.stdout, compacted.stderr
    assert db.stat().st_size < size
    assert answers() == before
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_schema_7_store_is_upgraded_to_one_report_per_publisher_and_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A schema-7 store (one row per path) holding the same report at two paths and two versions of
    another: the upgrade makes one report of each, with its sources and its superseded version, and
    answers as a store ingested by this version does."""
    folder, db = tmp_path / "in", tmp_path / "s.db"
    folder.mkdir()
    files = [Path(shutil.copy(s, folder / s.name)) for s in SAMPLES]
    copy = Path(shutil.copy(files[0], folder / "copy.txt"))
    corrected = folder / "corrected.txt"
    corrected.write_text(with_changed_cell(files[1].read_text(encoding="utf-8")), encoding="utf-8")
    os.utime(corrected, (files[1].stat().st_mtime + 60,) * 2)
    everything = [*files, copy, corrected]
    reference = tmp_path / "reference.db"
    ingest(everything, db=reference, workers=1)
    _schema_7_store(everything, db, monkeypatch)

    conn = connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name IN ('word_postings', 'fts_trigram')").fetchall()
    assert {t for (t,) in conn.execute("SELECT typeof(text) FROM reports")} == {"blob"}  # compressed
    cells = "SELECT r.uid, c.tbl, c.row, c.col, c.value FROM table_cells c JOIN reports r ON r.id = c.report_id"
    fresh = connect(reference, readonly=True)
    assert sorted(map(tuple, conn.execute(cells))) == sorted(map(tuple, fresh.execute(cells)))
    fresh.close()
    entries = {e.uid: e.to_json() for e in list_reports(conn)}
    expected = {e["uid"]: e for e in _entries(reference)}
    assert set(entries) == set(expected)
    for uid, entry in entries.items():
        assert sorted(s["location"] for s in entry["sources"]) == sorted(
            s["location"] for s in expected[uid]["sources"]
        )
        assert [v["path"] for v in entry["versions"]] == [v["path"] for v in expected[uid]["versions"]]
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 5
    conn.close()
    for needle in ("政府开放日", "政府信息公开条例", "编号"):
        assert _hits(db, needle) == _hits(reference, needle)
        assert _hits(db, needle, "ranked") == _hits(reference, needle, "ranked")


def _schema_7_store(files: list[Path], db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store schema 7 would have made of the files: one report row per path (each file its own
    report), no stable ids, sources, versions, signatures or copies."""
    from itertools import count

    import indexer.store.reports

    rows = count()
    with monkeypatch.context() as m:
        m.setattr(indexer.store.reports, "report_uid", lambda *_: f"row{next(rows)}")
        for f in files:  # one at a time: the copy's bytes are new to a store keyed by path
            conn = connect(db)
            conn.execute("DELETE FROM sources")
            conn.close()
            ingest([f], db=db, workers=1)
    conn = sqlite3.connect(db)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(reports)") if r[1] not in ("uid", "text_sha", "mtime")]
    kept = ", ".join(c for c in columns if c not in ("id", "path"))
    conn.executescript(
        "DROP INDEX reports_region; DROP INDEX reports_year; DROP INDEX reports_county_place;"
        " DROP INDEX reports_city_place; DROP INDEX reports_publisher; DROP INDEX reports_agency;"
        " DROP INDEX reports_titles;"
        " DROP VIEW entity_reports;"
        " ALTER TABLE reports RENAME TO reports_8;"
        f" CREATE TABLE reports (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, {kept});"
        f" INSERT INTO reports (id, path, {kept}) SELECT id, path, {kept} FROM reports_8;"
        " DROP TABLE reports_8;"
        " DROP TABLE sources; DROP TABLE versions; DROP TABLE section_signatures; DROP TABLE copies;"
        " DROP TABLE index_queue; DELETE FROM meta WHERE key = 'index_token';"
        # Schema 7's own search tables (schema 9 drops them; the index is built from the stored text).
        " CREATE TABLE word_postings (batch INTEGER, term TEXT, entries BLOB);"
        " CREATE VIRTUAL TABLE fts_trigram USING fts5(text, content='', tokenize='trigram');"
        " INSERT INTO meta VALUES ('segmentation', 'rjieba:v1:x'), ('phrases', 'x');"
        " UPDATE meta SET value = '7' WHERE key = 'schema';"
    )
    # Schema 7 kept the normalized text as text and the cells as rows.
    sql_functions(conn)
    conn.executescript(
        "UPDATE reports SET text = unzip(text);"
        " CREATE TABLE cells_7 AS SELECT report_id, tbl, row, col, value, derived, reason FROM table_cells;"
        " DROP VIEW table_cells; DROP TABLE report_cells; ALTER TABLE cells_7 RENAME TO table_cells;"
    )
    shutil.rmtree(index_path(db))
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == len(files)
    conn.close()
