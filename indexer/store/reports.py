"""Reports in the store: a parsed report turned into rows (in a worker), written, replaced and deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from indexer.copies import section_signatures
from indexer.curation import Rules, as_summaries_input, curate_mentions
from indexer.curation import rules as curation_rules
from indexer.errors import NianbaoError
from indexer.identity import report_uid, text_sha
from indexer.indicators import stored_figures
from indexer.model import APPLICANT_COLUMNS, Report
from indexer.search.embedded import IndexDocument, IndexedReport, column_texts, index_document
from indexer.store.entities import (
    EntitySummary,
    EntityTotals,
    entity_report_rows,
    publishing_agency,
    summarize_entities,
    unlink_entities,
)
from indexer.store.schema import (
    pack,
    pack_cells,
    pack_json,
    pack_mentions,
    pack_model,
    pack_original,
    pack_passages,
    unpack_model,
    unpack_original,
)


@dataclass(frozen=True)
class SourceFile:
    """One file as ingest found it: where it was seen (a path, or an upload's own name) and its bytes' hash."""

    origin: str  # file | upload
    location: str
    sha256: str
    size: int
    mtime: float
    read_from: str  # the file read (an upload's temporary copy; else the location)


class SectionRow(NamedTuple):
    """A row of ``sections`` (each row type's fields are its table's columns, by name, after report_id)."""

    idx: int
    kind: str | None
    number: str | None
    heading: str
    start: int
    end: int


class PassageRow(NamedTuple):
    kind: str
    start: int
    end: int
    orig_start: int
    orig_end: int


class CellRow(NamedTuple):
    tbl: str
    row: str
    col: str
    value: float | None
    derived: int
    reason: str | None


class CheckRow(NamedTuple):
    check_id: str
    ok: int | None
    detail: str


class MentionRow(NamedTuple):
    kind: str
    canonical: str
    surface: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    section: str | None
    attrs: Any  # a dict (from the pipeline), or its JSON (read from the ``mentions`` view)


class ItemRow(NamedTuple):
    """A problem or fix: where it is in the report's text (which is its text) and its categories' ids and
    scores (labels come from the taxonomy; the model keeps the matched words)."""

    kind: str  # problem | fix
    idx: int
    start: int
    end: int
    categories: list[tuple[str, int]]


class SignatureRow(NamedTuple):
    kind: str
    shingles: int
    signature: bytes


def _insert(conn: sqlite3.Connection, table: str, report_id: int, rows: list[Any]) -> None:
    """Insert rows of one NamedTuple type into the table of the same columns, for one report."""
    if not rows:
        return
    fields = type(rows[0])._fields
    sql = f"INSERT INTO {table} (report_id, {', '.join(fields)}) VALUES (?{', ?' * len(fields)})"
    conn.executemany(sql, [(report_id, *r) for r in rows])


@dataclass
class PreparedReport:
    """Everything the writer inserts for one report, computed away from the database (in a worker)."""

    source: SourceFile
    uid: str
    unproven: int  # table cells left empty
    failing: int  # consistency checks that fail
    row: dict[str, Any]
    document: IndexDocument  # what the search index holds of its text
    sections: list[SectionRow]
    passages: list[PassageRow]
    cells: list[CellRow]
    checks: list[CheckRow]
    mentions: list[MentionRow]
    entities: list[EntitySummary]
    items: list[ItemRow]
    signatures: list[SignatureRow]  # the sections' prose: its 5-grams and MinHash signature

    @property
    def path(self) -> str:
        return self.source.location

    def model(self) -> dict[str, Any]:
        return unpack_model(self.row["model"], self.row["text"])

    @property
    def columns(self) -> list[str]:
        """The normalized text per index column (derived here: cheaper than sending it from the worker)."""
        return column_texts(self.row["text"], [(s.kind, s.start, s.end) for s in self.sections])


def prepare(report: Report, source: SourceFile, original: str, original_span: Any) -> PreparedReport:
    """Turn a parsed report into rows and index values."""
    text = report.text
    bounds = [(s.kind, s.start, s.end) for s in report.sections]
    columns = column_texts(text, bounds)
    region = report.region
    fingerprint = text_sha(text)
    uid = report_uid(report.publisher, report.year, fingerprint)
    row = {
        "uid": uid,
        "path": source.location,
        "sha256": source.sha256,
        "format": report.format,
        "text_sha": fingerprint,
        "mtime": source.mtime,
        "title": report.title,
        "publisher": report.publisher,
        "level": report.level,
        "year": report.year,
        "province": region.province if region else None,
        "city": region.city if region else None,
        "county": region.county if region else None,
        "region_code": region.code if region else None,
        "template": report.template,
        "text": text,
        "original": pack_original(original, text),
        "model": pack_model(report.to_json(mentions=False), text),
        "agency": publishing_agency(
            report.publisher, *((region.province, region.city, region.county) if region else (None, None, None))
        ),
    }
    passages = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            kind = _kind_at(bounds, pos)
            o_start, o_end = original_span(pos, end)
            passages.append(PassageRow(kind, pos, end, o_start, o_end))
        pos = end + 1
    cells = list(_cells(report))
    checks = [CheckRow(c.check, None if c.ok is None else int(c.ok), c.detail) for c in report.consistency]
    return PreparedReport(
        source=source,
        uid=uid,
        unproven=sum(1 for c in cells if c.value is None),
        failing=sum(1 for c in checks if c.ok == 0),
        row=row,
        document=index_document(columns),
        sections=[SectionRow(i, s.kind, s.number, s.heading, s.start, s.end) for i, s in enumerate(report.sections)],
        passages=passages,
        cells=cells,
        checks=checks,
        mentions=[
            MentionRow(
                m.kind,
                m.canonical,
                m.surface,
                m.start,
                m.end,
                m.sentence_start,
                m.sentence_end,
                m.section,
                m.attrs,
            )
            for m in report.mentions
        ],
        entities=summarize_entities(sorted(report.mentions, key=lambda m: m.start)),
        items=[
            ItemRow(i.kind, n, i.start, i.end, [(c["id"], c["score"]) for c in i.categories])
            for n, i in enumerate(report.items)
        ],
        signatures=[SignatureRow(*sig) for sig in section_signatures(text, bounds)],
    )


def _kind_at(bounds: list[tuple[str | None, int, int]], pos: int) -> str:
    for kind, start, end in bounds:
        if start <= pos < end:
            return kind or "other"
    return "preamble"


def _cells(report: Report) -> Iterator[CellRow]:
    for tbl, rows in (("proactive", report.proactive), ("review_litigation", report.review_litigation)):
        for row, fields in (rows or {}).items():
            for col, v in fields.items():
                yield CellRow(tbl, row, col, v.value, int(v.derived), v.reason)
    for row, values in (report.requests or {}).items():
        for col, v in zip(APPLICANT_COLUMNS, values, strict=True):
            yield CellRow("requests", row, col, v.value, int(v.derived), v.reason)


def _clear_rows(conn: sqlite3.Connection, report_id: int) -> None:
    """Take out a report's rows (all but the report row itself) and its entities' share of the totals."""
    unlink_entities(conn, report_id)
    for table in (
        "sections",
        "report_passages",
        "report_cells",
        "report_checks",
        "report_mentions",
        "item_categories",
        "items",
        "section_signatures",
    ):
        conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM copies WHERE report_id = ? OR other_id = ?", (report_id, report_id))


def stored_columns(conn: sqlite3.Connection, report_id: int) -> list[str]:
    """A stored report's normalized text per index column."""
    text = conn.execute("SELECT unzip(text) FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
    bounds = [
        tuple(r)
        for r in conn.execute("SELECT kind, start, end FROM sections WHERE report_id = ? ORDER BY idx", (report_id,))
    ]
    return column_texts(text, bounds)  # type: ignore[arg-type]


class WriteBatch:
    """What the writes of one transaction leave for after it: the entities' running totals of its reports
    (one upsert per entity, written before the transaction ends) and the reports for the search index
    (indexed once the transaction has committed; ``index_queue`` holds their ids until then)."""

    def __init__(self) -> None:
        self.totals = EntityTotals()
        self.reports: dict[int, IndexedReport] = {}  # report row id → what the index writers receive
        self.curation: Rules | None = None  # the entity decisions, read once per batch
        self.entity_ids: dict[tuple[str, str], int] = {}  # (kind, canonical) → entities.id, while none is deleted

    def finish(self, conn: sqlite3.Connection) -> None:
        """Write the totals (in the caller's transaction, before it commits)."""
        self.totals.write(conn)


def _queue(conn: sqlite3.Connection, report_id: int) -> None:
    conn.execute("INSERT OR IGNORE INTO index_queue VALUES (?)", (report_id,))


def write_report(conn: sqlite3.Connection, prepared: PreparedReport, batch: WriteBatch, replace: int | None) -> int:
    """Insert a report, or store it in place of the report row ``replace`` (same id, its old rows taken
    out); the caller holds the transaction and finishes ``batch`` before it ends. Returns the row id."""
    row = prepared.row
    names = list(row)
    values = [pack(v, "text") if n == "text" else v for n, v in row.items()]
    if replace is not None:
        report_id = replace
        batch.totals.write(conn)  # the old version may be among them: its totals must be there to take out
        _clear_rows(conn, report_id)
        batch.entity_ids.clear()  # an entity no other report names has gone
        conn.execute(
            f"UPDATE reports SET {', '.join(f'{n} = ?' for n in names)}, ingested_at = datetime('now') WHERE id = ?",
            (*values, report_id),
        )
    else:
        cur = conn.execute(f"INSERT INTO reports ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", values)
        report_id = cur.lastrowid
    _insert(conn, "sections", report_id, prepared.sections)
    conn.execute("INSERT INTO report_passages VALUES (?, ?)", (report_id, pack_passages(prepared.passages)))
    cells = [list(c) for c in prepared.cells]
    figures = stored_figures(row["template"], cells, [(c.check_id, c.ok) for c in prepared.checks])
    conn.execute("INSERT INTO report_cells VALUES (?, ?, ?)", (report_id, pack_cells(cells), figures))
    checks = pack_json([list(c) for c in prepared.checks], "checks")
    conn.execute("INSERT INTO report_checks VALUES (?, ?)", (report_id, checks))
    if batch.curation is None:
        batch.curation = curation_rules(conn)
    if batch.curation:  # a researcher's merges, renames and splits hold for what an ingest writes too
        curated = curate_mentions(prepared.mentions, batch.curation)
        if curated != prepared.mentions:
            prepared.mentions = curated
            prepared.entities = summarize_entities(as_summaries_input(curated))
    conn.execute("INSERT INTO report_mentions VALUES (?, ?)", (report_id, pack_mentions(prepared.mentions)))
    entity_report_rows(conn, report_id, prepared.entities, batch.entity_ids)  # the running totals: at ``finish``
    for item in prepared.items:
        cur = conn.execute(
            "INSERT INTO items (report_id, kind, idx, start, end) VALUES (?, ?, ?, ?, ?)",
            (report_id, item.kind, item.idx, item.start, item.end),
        )
        conn.executemany(
            "INSERT INTO item_categories (item_id, report_id, kind, category, score) VALUES (?, ?, ?, ?, ?)",
            [(cur.lastrowid, report_id, item.kind, c, score) for c, score in item.categories],
        )
    _insert(conn, "section_signatures", report_id, prepared.signatures)
    conn.execute("INSERT OR IGNORE INTO copies_pending VALUES (?)", (report_id,))
    _queue(conn, report_id)
    # Last: a report whose rows failed (its savepoint rolled back) leaves nothing in the batch.
    batch.totals.add(row, prepared.entities)
    metadata = {k: row[k] for k in ("title", "path", "publisher", "level", "year", "province", "city", "county")}
    batch.reports[report_id] = IndexedReport(report_id, row["uid"], metadata, prepared.columns, prepared.document)
    return report_id


def delete_report_row(conn: sqlite3.Connection, report_id: int, batch: WriteBatch) -> None:
    """Take a report row out of the store (in the caller's transaction; the index follows once it commits)."""
    batch.totals.write(conn)  # the report may be among them: its totals must be there to take out
    _clear_rows(conn, report_id)
    batch.entity_ids.clear()
    batch.reports.pop(report_id, None)
    conn.execute("DELETE FROM copies_pending WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
    _queue(conn, report_id)


def record_failure(conn: sqlite3.Connection, path: str, sha256: str | None, reason: str) -> None:
    conn.execute("INSERT OR REPLACE INTO failures (path, sha256, reason) VALUES (?, ?, ?)", (path, sha256, reason))


def load_model(conn: sqlite3.Connection, report_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT model, unzip(text) FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        raise NianbaoError(f"no report with id {report_id}")
    return unpack_model(row[0], row[1])


def original_text(conn: sqlite3.Connection, report_id: int) -> str:
    row = conn.execute("SELECT original, unzip(text) FROM reports WHERE id = ?", (report_id,)).fetchone()
    return unpack_original(row[0], row[1])
