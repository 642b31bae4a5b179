"""The corpus: which report a file is, the sources and versions of each report, and removing reports.

A report is one publisher's report for one year (``indexer.identity``). Every file and upload it was
seen in is one of its *sources*; the *primary* source is the one parsed, stored and shown. Files of
one report with clearly different content are its *versions*: the newest is current (stored in
``reports``, counted and indexed), the others are kept in ``versions`` with what differs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.errors import NianbaoError
from indexer.identity import same_version, source_rank, version_differences
from indexer.store import (
    PreparedReport,
    SourceFile,
    WriteBatch,
    delete_report_row,
    pack,
    transaction,
    unpack_model,
    unpack_original,
    write_report,
)

STATUSES = ("new", "unchanged", "moved", "attached", "updated", "version", "skipped", "failed")


@dataclass
class Outcome:
    """What ingest did with one file."""

    status: str  # one of STATUSES
    location: str
    uid: str | None = None  # the report the file is (or joined)
    detail: str = ""  # what it joined or superseded, moved from, or why it failed


@dataclass
class KnownSource:
    id: int
    uid: str
    version_id: int | None
    origin: str
    location: str


def known_sources(conn: sqlite3.Connection) -> dict[str, list[KnownSource]]:
    """Every stored source by the hash of its bytes."""
    out: dict[str, list[KnownSource]] = {}
    for sha, *values in conn.execute("SELECT sha256, id, uid, version_id, origin, location FROM sources"):
        out.setdefault(sha, []).append(KnownSource(*values))
    return out


def _add_source(
    conn: sqlite3.Connection, source: SourceFile, uid: str, version_id: int | None, parsed: PreparedReport | None
) -> None:
    conn.execute(
        "INSERT INTO sources (uid, version_id, origin, location, sha256, format, size, mtime, unproven, failing)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO UPDATE SET uid = excluded.uid, version_id = excluded.version_id,"
        " last_seen = datetime('now')",
        (
            uid,
            version_id,
            source.origin,
            source.location,
            source.sha256,
            Path(source.location).suffix.lower().lstrip(".") or "txt",
            source.size,
            source.mtime,
            parsed.unproven if parsed else None,
            parsed.failing if parsed else None,
        ),
    )


def _release_location(conn: sqlite3.Connection, source: SourceFile) -> set[str]:
    """A file whose content changed no longer holds its old content: drop those sources; returns the
    reports they belonged to."""
    if source.origin != "file":
        return set()
    rows = conn.execute(
        "SELECT id, uid FROM sources WHERE origin = 'file' AND location = ? AND sha256 != ?",
        (source.location, source.sha256),
    ).fetchall()
    conn.executemany("DELETE FROM sources WHERE id = ?", [(r[0],) for r in rows])
    return {r[1] for r in rows}


def _drop_sourceless(conn: sqlite3.Connection, uids: set[str], batch: WriteBatch) -> None:
    """Remove the reports none of whose versions has a source left."""
    for uid in uids:
        if conn.execute("SELECT 1 FROM sources WHERE uid = ? LIMIT 1", (uid,)).fetchone() is None:
            remove_report(conn, uid, batch)


def place_known(
    conn: sqlite3.Connection, source: SourceFile, stored: list[KnownSource], batch: WriteBatch, holds: Any
) -> Outcome:
    """A file whose bytes are a stored source's: unchanged, moved (its old location no longer holds them:
    ``holds(location, sha256)`` says), or another source of the same report. Nothing is parsed."""
    same = [s for s in stored if s.origin == source.origin and s.location == source.location]
    if same:
        conn.execute("UPDATE sources SET last_seen = datetime('now') WHERE id = ?", (same[0].id,))
        return Outcome("unchanged", source.location, same[0].uid)
    stale = _release_location(conn, source)
    gone = [s for s in stored if s.origin == "file" and not holds(s.location, source.sha256)]
    if source.origin == "file" and gone:
        old = gone[0]
        conn.execute(
            "UPDATE sources SET location = ?, mtime = ?, last_seen = datetime('now') WHERE id = ?",
            (source.location, source.mtime, old.id),
        )
        for table in ("reports", "versions"):
            conn.execute(
                f"UPDATE {table} SET path = ? WHERE uid = ? AND path = ? AND sha256 = ?",
                (source.location, old.uid, old.location, source.sha256),
            )
        outcome = Outcome("moved", source.location, old.uid, f"from {old.location}")
    else:
        first = stored[0]
        _add_source(conn, source, first.uid, first.version_id, None)
        outcome = Outcome("attached", source.location, first.uid, f"the same file as {first.location}")
    _drop_sourceless(conn, stale - {outcome.uid}, batch)
    return outcome


def place(conn: sqlite3.Connection, prepared: PreparedReport, batch: WriteBatch) -> Outcome:
    """Store a parsed file as a new report, another source of a stored version (re-parsed from it when it
    is the better primary), or a new version; in the caller's transaction."""
    source, uid = prepared.source, prepared.uid
    stale = _release_location(conn, source)
    conn.execute("DELETE FROM failures WHERE path = ?", (source.location,))
    current = conn.execute(
        "SELECT id, text_sha, unzip(text) AS text, model, path, sha256, format, mtime FROM reports WHERE uid = ?",
        (uid,),
    ).fetchone()
    if current is None:
        write_report(conn, prepared, batch, None)
        _add_source(conn, source, uid, None, prepared)
        outcome = Outcome("new", source.location, uid)
    else:
        outcome = _place_beside(conn, prepared, current, batch, updated=uid in stale)
    _drop_sourceless(conn, stale - {uid}, batch)
    return outcome


def _place_beside(
    conn: sqlite3.Connection, prepared: PreparedReport, current: sqlite3.Row, batch: WriteBatch, updated: bool
) -> Outcome:
    source, uid = prepared.source, prepared.uid
    model, new_model = unpack_model(current["model"], current["text"]), prepared.model()
    text, new_text = current["text"], prepared.row["text"]
    if current["text_sha"] == prepared.row["text_sha"] or same_version(text, model, new_text, new_model):
        _add_source(conn, source, uid, None, prepared)
        if _better_primary(conn, uid, current, prepared):
            prepared.row["mtime"] = current["mtime"]  # the version keeps its age
            write_report(conn, prepared, batch, current["id"])
            detail = f"now the primary source (was {current['path']})"
        else:
            detail = f"another source of {current['path']}"
        return Outcome("updated" if updated else "attached", source.location, uid, detail)
    for version_id, v_text, v_model in conn.execute(
        "SELECT id, unzip(text), model FROM versions WHERE uid = ?", (uid,)
    ).fetchall():
        if same_version(v_text, unpack_model(v_model, v_text), new_text, new_model):
            _add_source(conn, source, uid, version_id, prepared)
            return Outcome("attached", source.location, uid, "another source of a superseded version")
    if source.mtime >= current["mtime"]:
        version_id = _archive(conn, uid, dict(current), model, new_text, new_model)
        conn.execute("UPDATE sources SET version_id = ? WHERE uid = ? AND version_id IS NULL", (version_id, uid))
        write_report(conn, prepared, batch, current["id"])
        _add_source(conn, source, uid, None, prepared)
        return Outcome("version", source.location, uid, f"supersedes the version of {current['path']}")
    version_id = _archive(conn, uid, {**prepared.row, "path": source.location}, new_model, text, model)
    _add_source(conn, source, uid, version_id, prepared)
    return Outcome("version", source.location, uid, f"an older version than {current['path']}, kept as superseded")


def _better_primary(conn: sqlite3.Connection, uid: str, current: sqlite3.Row, prepared: PreparedReport) -> bool:
    """Whether a new source of the current version should be its primary: the primary's file no longer
    holds it, or the new one ranks first (``identity.source_rank``)."""
    if prepared.source.sha256 == current["sha256"]:
        return False
    primary = conn.execute(
        "SELECT unproven, failing FROM sources WHERE uid = ? AND version_id IS NULL AND location = ? AND sha256 = ?",
        (uid, current["path"], current["sha256"]),
    ).fetchone()
    if primary is None:
        return True
    new = source_rank(prepared.unproven, prepared.failing, prepared.row["format"], prepared.source.location)
    old = source_rank(primary[0] or 0, primary[1] or 0, current["format"], current["path"])
    return new < old


def _archive(
    conn: sqlite3.Connection,
    uid: str,
    row: dict[str, Any],
    model: dict[str, Any],
    newer_text: str,
    newer_model: dict[str, Any],
) -> int:
    """Keep a version as superseded (``row`` has the reports table's columns), with what the newer one
    changed."""
    differences = version_differences(row["text"], model, newer_text, newer_model)
    original = row.get("original")
    if original is None:
        original = conn.execute("SELECT original FROM reports WHERE uid = ?", (uid,)).fetchone()[0]
    cur = conn.execute(
        "INSERT INTO versions (uid, path, sha256, format, text_sha, mtime, title, publisher, year, template, text,"
        " original, model, differences) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uid,
            row["path"],
            row["sha256"],
            row["format"],
            row["text_sha"],
            row["mtime"],
            model.get("title"),
            model.get("publisher"),
            model.get("year"),
            model.get("template") or "other",
            pack(row["text"], "text"),
            original,
            row["model"],
            json.dumps(differences, ensure_ascii=False),
        ),
    )
    return cur.lastrowid


def remove_report(conn: sqlite3.Connection, uid: str, batch: WriteBatch) -> None:
    """Take a report out: its row and index entries, its versions and its sources (in the caller's
    transaction)."""
    row = conn.execute("SELECT id FROM reports WHERE uid = ?", (uid,)).fetchone()
    if row is not None:
        delete_report_row(conn, row[0], batch)
    conn.execute("DELETE FROM versions WHERE uid = ?", (uid,))
    conn.execute("DELETE FROM sources WHERE uid = ?", (uid,))


def report_row_id(conn: sqlite3.Connection, uid: str) -> int:
    """The store's row of a report id; an unknown id is an error a user can act on."""
    row = conn.execute("SELECT id FROM reports WHERE uid = ?", (uid.strip(),)).fetchone()
    if row is None:
        raise NianbaoError(f"没有编号为 {uid} 的报告（`nianbao reports` 列出全部报告的编号）")
    return row[0]


def remove(conn: sqlite3.Connection, uids: list[str]) -> list[str]:
    """Remove reports by id, all in one transaction (none if any id is unknown); returns their titles."""
    for uid in uids:
        report_row_id(conn, uid)
    titles = []
    with transaction(conn):
        batch = WriteBatch()
        for uid in dict.fromkeys(u.strip() for u in uids):
            titles.append(conn.execute("SELECT title FROM reports WHERE uid = ?", (uid,)).fetchone()[0] or uid)
            remove_report(conn, uid, batch)
        batch.finish(conn)
    return titles


@dataclass
class PruneResult:
    removed: list[tuple[str, str | None]] = field(default_factory=list)  # (uid, title) of reports taken out
    dead_sources: list[str] = field(default_factory=list)  # file sources that no longer hold their bytes


def file_holds(location: str, sha256: str) -> bool:
    """Whether a file still holds the bytes a source recorded."""
    try:
        return hashlib.sha256(Path(location).read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def prune(conn: sqlite3.Connection, dry_run: bool = False) -> PruneResult:
    """Forget the file sources that no longer hold their bytes, and remove the reports left without any
    source (uploads always count as sources); one transaction. ``dry_run`` only says what it would do."""
    result = PruneResult()
    rows = conn.execute("SELECT id, uid, location, sha256 FROM sources WHERE origin = 'file'").fetchall()
    dead = [(sid, uid, loc) for sid, uid, loc, sha in rows if not file_holds(loc, sha)]
    result.dead_sources = [loc for _, _, loc in dead]
    dead_ids = {sid for sid, _, _ in dead}
    live = {uid for (uid, sid) in conn.execute("SELECT uid, id FROM sources") if sid not in dead_ids}
    for uid in sorted({uid for _, uid, _ in dead} - live):
        title = conn.execute("SELECT title FROM reports WHERE uid = ?", (uid,)).fetchone()
        result.removed.append((uid, title[0] if title else None))
    if dry_run or not dead:
        return result
    with transaction(conn):
        batch = WriteBatch()
        conn.executemany("DELETE FROM sources WHERE id = ?", [(sid,) for sid in dead_ids])
        for uid, _ in result.removed:
            remove_report(conn, uid, batch)
        batch.finish(conn)
    return result


def upgrade_identities(conn: sqlite3.Connection) -> None:
    """Give the report rows of an older store their ids, sources and versions, as an ingest now would:
    rows of one report (one publisher's for one year, stored from several files) become one report with
    several sources, or with superseded versions (in the caller's transaction)."""
    import os

    from indexer.copies import refresh_copies, section_signatures
    from indexer.identity import report_uid, text_sha
    from indexer.store import REPORTS_TABLE

    if "uid" in [r[1] for r in conn.execute("PRAGMA table_info(reports)")]:
        return  # the reports table has this schema's layout already
    batch = WriteBatch()
    kept: dict[str, dict[str, Any]] = {}
    sources: list[tuple] = []
    for rid, path, sha, fmt, text, blob, original in conn.execute(
        "SELECT id, path, sha256, format, unzip(text), model, original FROM reports ORDER BY id"
    ).fetchall():
        model = unpack_model(blob, text)
        fingerprint = text_sha(text)
        uid = report_uid(model.get("publisher"), model.get("year"), fingerprint)
        try:
            size, mtime = os.path.getsize(path), os.path.getmtime(path)
        except OSError:
            size, mtime = len(unpack_original(original, text).encode("utf-8")), 0.0
        row = {"id": rid, "uid": uid, "path": path, "sha256": sha, "format": fmt, "text_sha": fingerprint}
        row |= {"mtime": mtime, "text": text, "model": blob, "original": original, "parsed": model}
        source = [uid, None, "file", path, sha, fmt, size, mtime, len(model.get("unproven_cells") or [])]
        source.append(sum(1 for c in model.get("consistency") or [] if c["ok"] is False))
        current = kept.get(uid)
        if current is not None and same_version(current["text"], current["parsed"], text, model):
            delete_report_row(conn, rid, batch)
        elif current is not None:
            older, newer = (row, current) if mtime < current["mtime"] else (current, row)
            version_id = _archive(conn, uid, older, older["parsed"], newer["text"], newer["parsed"])
            for s in sources:
                if s[0] == uid and s[1] is None and s[3] == older["path"]:
                    s[1] = version_id
            source[1] = version_id if older is row else None
            delete_report_row(conn, older["id"], batch)
            kept[uid] = newer
        else:
            kept[uid] = row
        sources.append(source)
    batch.finish(conn)
    for name in [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports'")
    ]:
        if not name.startswith("sqlite_autoindex"):
            conn.execute(f"DROP INDEX {name}")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entity_reports' AND type = 'view'").fetchone():
        conn.execute("DROP VIEW entity_reports")  # it reads reports (schema 11 makes it again)
    conn.execute("ALTER TABLE reports RENAME TO reports_7")
    for statement in REPORTS_TABLE.split(";"):
        if statement.strip():
            conn.execute(statement)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(reports_7)")]
    shared = ", ".join(c for c in columns if c != "path")
    conn.execute(
        f"INSERT INTO reports (path, uid, text_sha, mtime, {shared})"
        f" SELECT path, 'row' || id, '', 0, {shared} FROM reports_7"
    )
    conn.execute("DROP TABLE reports_7")
    conn.executemany(
        "UPDATE reports SET uid = ?, text_sha = ?, mtime = ? WHERE id = ?",
        [(r["uid"], r["text_sha"], r["mtime"], r["id"]) for r in kept.values()],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO sources (uid, version_id, origin, location, sha256, format, size, mtime, unproven,"
        " failing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [tuple(s) for s in sources],
    )
    for r in kept.values():
        bounds = conn.execute("SELECT kind, start, end FROM sections WHERE report_id = ? ORDER BY idx", (r["id"],))
        conn.executemany(
            "INSERT INTO section_signatures VALUES (?, ?, ?, ?)",
            [(r["id"], *s) for s in section_signatures(r["text"], [tuple(b) for b in bounds])],
        )
    refresh_copies(conn)


@dataclass
class ReportEntry:
    """One report as ``nianbao reports`` lists it."""

    uid: str
    title: str | None
    publisher: str | None
    level: str | None
    province: str | None
    city: str | None
    county: str | None
    year: int | None
    template: str
    primary: str  # the source parsed and shown
    failing_checks: int
    sources: list[dict[str, Any]] = field(default_factory=list)  # every file and upload, the primary first
    versions: list[dict[str, Any]] = field(default_factory=list)  # superseded versions, newest first

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def list_reports(
    conn: sqlite3.Connection,
    province: str | None = None,
    city: str | None = None,
    county: str | None = None,
    level: str | None = None,
    year: int | None = None,
    uids: list[str] | None = None,
) -> list[ReportEntry]:
    """The stored reports (one per publisher and year), by region, year and publisher."""
    where, params = [], []
    for column, value in (("province", province), ("city", city), ("county", county), ("level", level)):
        if value:
            where.append(f"r.{column} = ?")
            params.append(value)
    if year is not None:
        where.append("r.year = ?")
        params.append(year)
    if uids is not None:
        where.append(f"r.uid IN ({', '.join('?' * len(uids))})")
        params += uids
    rows = conn.execute(
        "SELECT r.uid, r.title, r.publisher, r.level, r.province, r.city, r.county, r.year, r.template, r.path,"
        " (SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.ok = 0) FROM reports r"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY r.province, r.city, r.county, r.publisher, r.year, r.uid",
        params,
    ).fetchall()
    entries = {r[0]: ReportEntry(*r) for r in rows}
    # Asked for a few reports (a report's page): read their sources and versions only, not every one.
    only = f" WHERE uid IN ({', '.join('?' * len(uids))})" if uids is not None else ""
    only_params = list(uids) if uids is not None else []
    for uid, version_id, origin, location, fmt, first, last in conn.execute(
        "SELECT uid, version_id, origin, location, format, first_seen, last_seen FROM sources" + only + " ORDER BY id",
        only_params,
    ):
        entry = entries.get(uid)
        if entry is not None:
            source = {"origin": origin, "location": location, "format": fmt, "first_seen": first, "last_seen": last}
            source["version"] = "current" if version_id is None else version_id
            entry.sources.append(source)
    for entry in entries.values():
        entry.sources.sort(key=lambda s: (s["version"] != "current", s["location"] != entry.primary))
    for version_id, uid, path, title, superseded_at, differences in conn.execute(
        "SELECT id, uid, path, title, superseded_at, differences FROM versions" + only + " ORDER BY mtime DESC, id",
        only_params,
    ):
        entry = entries.get(uid)
        if entry is not None:
            entry.versions.append(
                {
                    "version": version_id,
                    "path": path,
                    "title": title,
                    "superseded_at": superseded_at,
                    "differences": json.loads(differences),
                }
            )
    return list(entries.values())
