"""The embedded store: one SQLite file holding the reports, their parts, and the search indexes.

The store is the system of record. The two FTS5 indexes are contentless; what they hold is
recomputed from the stored normalized text, so a report can be removed from them exactly (the
'delete' command needs the indexed values). The text is indexed by index column: the text before the
first section, then the six section kinds (``COLUMNS``).

- ``word_postings``: the ranked index (jieba words and sub-words, ``index_tokens``). Each write
  transaction adds one row per word: the reports holding it, each with its weighted frequency and the
  index columns it occurs in, packed as int64 (``pack_postings``). ``word_docs`` says which batch holds
  each report's current entries (older entries of a replaced report are skipped when read) and its
  length in words; ranked search computes BM25 from these with numpy.
- ``phrase_postings``: the same for the phrases of ``indexer.phrases.vocabulary()`` (domain terms,
  lexicon names and aliases), found verbatim: exact mode's answer for those, without the trigram index.
  Batches are shared with ``word_postings`` and merged with them, size-tiered (``merge_postings``).
- ``fts_trigram``: the normalized text, trigram tokenizer (exact mode, queries of 3+ characters); one
  row per report and index column, rowid = report id × 8 + column (``section_row``), so that one
  phrase query gives both the reports and the sections it occurs in.
- ``fts_bigram``: each distinct character pair (exact mode, queries of 1–2 characters); rowid = report
  id, one FTS5 column per index column.
"""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from indexer.copies import section_signatures
from indexer.errors import NianbaoError
from indexer.extract.documents import squeeze
from indexer.identity import report_uid, text_sha
from indexer.model import APPLICANT_COLUMNS, Report
from indexer.paths import data_dir
from indexer.phrases import phrase_entries, phrase_version
from indexer.segment import SEGMENTATION_VERSION, domain_terms, index_tokens

SCHEMA_VERSION = "8"
# Schemas a writable connection upgrades in place, each to the next: {from: to}.
_UPGRADES = {"4": "5", "5": "6", "6": "7", "7": "8"}
# Segmentation versions recorded by earlier releases (a hash of segment.py's source) whose cuts are this
# release's.
_SAME_CUTS = {"rjieba:4e4388b10ab3bd47", "rjieba:3f0b50dc330e7a80", "rjieba:25beca401c2b137d"}
_UPGRADE_BATCH = 256  # reports per word-postings batch when a store is upgraded
# Index columns: the text before the first section, then the six section kinds.
COLUMNS = ("preamble", "overview", "proactive", "applications", "review_litigation", "problems", "other")

TRIGRAM_TABLE = (  # the trigram index over each report's index columns (rowids: section_row)
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts_trigram USING fts5(text, content='', tokenize='trigram case_sensitive 1')"
)
REPORTS_TABLE = """
CREATE TABLE IF NOT EXISTS reports (  -- one row per report: its current version, the one counted and indexed
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,    -- the stable report id (indexer.identity.report_uid)
    path TEXT NOT NULL,          -- the primary source, the one parsed and shown (a path, or an upload's name)
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    text_sha TEXT NOT NULL,      -- indexer.identity.text_sha of the normalized text
    mtime REAL NOT NULL,         -- when the version's first file was modified: the newest version is current
    title TEXT, publisher TEXT, level TEXT, year INTEGER,
    province TEXT, city TEXT, county TEXT, region_code TEXT,
    template TEXT NOT NULL,
    text TEXT NOT NULL,          -- normalized text: what is searched and what offsets refer to
    original BLOB NOT NULL,      -- zlib-compressed original text: what snippets show
    model BLOB NOT NULL,         -- the parsed model as zlib-compressed JSON
    ingested_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS reports_region ON reports (province, city, county);
CREATE INDEX IF NOT EXISTS reports_year ON reports (year);
CREATE INDEX IF NOT EXISTS reports_county_place ON reports (county, province, city);
CREATE INDEX IF NOT EXISTS reports_city_place ON reports (city, province);
CREATE INDEX IF NOT EXISTS reports_publisher ON reports (publisher);
"""
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
{REPORTS_TABLE}
CREATE TABLE IF NOT EXISTS versions (  -- superseded versions of a report: listed and shown, never counted
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    path TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL, text_sha TEXT NOT NULL, mtime REAL NOT NULL,
    title TEXT, publisher TEXT, year INTEGER, template TEXT NOT NULL,
    text TEXT NOT NULL, original BLOB NOT NULL, model BLOB NOT NULL,
    differences TEXT NOT NULL,   -- JSON: what differs from the version that superseded it
    superseded_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS versions_uid ON versions (uid);
CREATE TABLE IF NOT EXISTS sources (  -- every file and upload a report was seen in
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    version_id INTEGER,          -- NULL: the report's current version; else versions.id
    origin TEXT NOT NULL,        -- file | upload
    location TEXT NOT NULL,      -- the absolute path, or an upload's file name
    sha256 TEXT NOT NULL, format TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL,
    unproven INTEGER, failing INTEGER,  -- its parse's unproven cells and failing checks (NULL: not parsed)
    first_seen TEXT NOT NULL DEFAULT (datetime('now')),
    last_seen TEXT NOT NULL DEFAULT (datetime('now')),
    UNIQUE (origin, location, sha256)
);
CREATE INDEX IF NOT EXISTS sources_sha ON sources (sha256);
CREATE INDEX IF NOT EXISTS sources_uid ON sources (uid, version_id);
CREATE TABLE IF NOT EXISTS section_signatures (  -- MinHash signatures of the sections' prose (indexer.copies)
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL, shingles INTEGER NOT NULL, signature BLOB NOT NULL,
    PRIMARY KEY (report_id, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS copies (  -- similar sections of two reports, stored from each report's side
    report_id INTEGER NOT NULL, other_id INTEGER NOT NULL, kind TEXT NOT NULL,
    relation TEXT NOT NULL,      -- previous | next: the same publisher's other year; other: another publisher
    similarity REAL NOT NULL,
    PRIMARY KEY (report_id, kind, other_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS copies_other ON copies (other_id);
CREATE TABLE IF NOT EXISTS copies_pending (report_id INTEGER PRIMARY KEY);  -- stored, copies not computed yet
CREATE INDEX IF NOT EXISTS copies_kind ON copies (kind, similarity);
CREATE TABLE IF NOT EXISTS sections (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    idx INTEGER NOT NULL, kind TEXT, number TEXT, heading TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    PRIMARY KEY (report_id, idx)
);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL,            -- in the normalized text
    orig_start INTEGER NOT NULL, orig_end INTEGER NOT NULL   -- in the original text
);
CREATE INDEX IF NOT EXISTS passages_report ON passages (report_id);
CREATE TABLE IF NOT EXISTS table_cells (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    tbl TEXT NOT NULL, row TEXT NOT NULL, col TEXT NOT NULL,
    value REAL, derived INTEGER NOT NULL, reason TEXT
);
CREATE INDEX IF NOT EXISTS table_cells_report ON table_cells (report_id);
CREATE INDEX IF NOT EXISTS table_cells_cell ON table_cells (tbl, col, row);
CREATE TABLE IF NOT EXISTS checks (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    check_id TEXT NOT NULL, ok INTEGER, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checks_report ON checks (report_id);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL, canonical TEXT NOT NULL, surface TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
    section TEXT, attrs TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_entity_report ON mentions (kind, canonical, report_id);
CREATE INDEX IF NOT EXISTS mentions_report ON mentions (report_id);
-- Entities per report, and running totals per entity, kept in step with mentions at every write:
-- the entity questions and the graph read these instead of every mention.
CREATE TABLE IF NOT EXISTS entity_reports (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL, canonical TEXT NOT NULL,
    province TEXT, city TEXT, county TEXT, year INTEGER,  -- the report's, so answers sort without a join
    agency TEXT,                     -- the publishing agency (the graph's agency node)
    mentions INTEGER NOT NULL,
    articles TEXT NOT NULL,          -- the articles cited, comma-joined in order of mention
    issuer TEXT, issuer_mentions INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entity_reports_entity
    ON entity_reports (kind, canonical, province, city, county, year, report_id);
CREATE INDEX IF NOT EXISTS entity_reports_report ON entity_reports (report_id);
CREATE INDEX IF NOT EXISTS entity_reports_agency ON entity_reports (agency, kind, canonical);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL, canonical TEXT NOT NULL,
    loose TEXT NOT NULL,             -- the name compared loosely: no 中华人民共和国, marks or spaces
    attrs TEXT NOT NULL,             -- node attributes: a document's kind and family, a platform's kind
    reports INTEGER NOT NULL, mentions INTEGER NOT NULL,
    places INTEGER NOT NULL DEFAULT 0,  -- its rows in entity_places, counted by the triggers below
    UNIQUE (kind, canonical)
);
CREATE INDEX IF NOT EXISTS entities_loose ON entities (loose);
CREATE INDEX IF NOT EXISTS entities_counts ON entities (kind, canonical, reports, places);
CREATE VIRTUAL TABLE IF NOT EXISTS entity_names USING fts5(
    loose, content='entities', content_rowid='id', tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS entity_named AFTER INSERT ON entities BEGIN
    INSERT INTO entity_names (rowid, loose) VALUES (new.id, new.loose);
END;
CREATE TRIGGER IF NOT EXISTS entity_unnamed AFTER DELETE ON entities BEGIN
    INSERT INTO entity_names (entity_names, rowid, loose) VALUES ('delete', old.id, old.loose);
END;
CREATE TABLE IF NOT EXISTS entity_places (   -- '' where the region is unknown
    kind TEXT NOT NULL, canonical TEXT NOT NULL,
    province TEXT NOT NULL, city TEXT NOT NULL, county TEXT NOT NULL, reports INTEGER NOT NULL,
    PRIMARY KEY (kind, canonical, province, city, county)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_places_place ON entity_places (province, city, county);
CREATE TABLE IF NOT EXISTS entity_provinces (  -- places per province naming an entity (by trigger)
    province TEXT NOT NULL, kind TEXT NOT NULL, canonical TEXT NOT NULL, places INTEGER NOT NULL,
    PRIMARY KEY (province, kind, canonical)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS entity_place_added AFTER INSERT ON entity_places BEGIN
    UPDATE entities SET places = places + 1 WHERE kind = new.kind AND canonical = new.canonical;
    INSERT INTO entity_provinces VALUES (new.province, new.kind, new.canonical, 1)
        ON CONFLICT DO UPDATE SET places = places + 1;
END;
CREATE TRIGGER IF NOT EXISTS entity_place_removed AFTER DELETE ON entity_places BEGIN
    UPDATE entities SET places = places - 1 WHERE kind = old.kind AND canonical = old.canonical;
    UPDATE entity_provinces SET places = places - 1
        WHERE province = old.province AND kind = old.kind AND canonical = old.canonical;
    DELETE FROM entity_provinces
        WHERE province = old.province AND kind = old.kind AND canonical = old.canonical AND places <= 0;
END;
CREATE TABLE IF NOT EXISTS entity_years (    -- year 0 where it is unknown
    kind TEXT NOT NULL, canonical TEXT NOT NULL, year INTEGER NOT NULL, reports INTEGER NOT NULL,
    PRIMARY KEY (kind, canonical, year)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_surfaces (
    kind TEXT NOT NULL, canonical TEXT NOT NULL, surface TEXT NOT NULL, mentions INTEGER NOT NULL,
    PRIMARY KEY (kind, canonical, surface)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,              -- problem | fix
    idx INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    categories TEXT NOT NULL         -- JSON list of the categories with id, label, score, matched
);
CREATE INDEX IF NOT EXISTS items_report ON items (report_id);
CREATE TABLE IF NOT EXISTS item_categories (
    item_id INTEGER NOT NULL REFERENCES items (id), report_id INTEGER NOT NULL,
    kind TEXT NOT NULL, category TEXT NOT NULL, score INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS item_categories_category ON item_categories (kind, category);
CREATE INDEX IF NOT EXISTS item_categories_report ON item_categories (report_id);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT PRIMARY KEY, sha256 TEXT, reason TEXT NOT NULL,
    failed_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS word_batches (batch INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS word_postings (
    batch INTEGER NOT NULL, term TEXT NOT NULL,
    entries BLOB NOT NULL,           -- little-endian int64: report id << 24 | frequency << 8 | column bits
    PRIMARY KEY (batch, term)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS phrase_postings (
    batch INTEGER NOT NULL, phrase TEXT NOT NULL,
    entries BLOB NOT NULL,           -- as word_postings, with the phrase's occurrences as frequency
    PRIMARY KEY (batch, phrase)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS word_docs (
    report_id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, length INTEGER NOT NULL
);
{TRIGRAM_TABLE};
CREATE VIRTUAL TABLE IF NOT EXISTS fts_bigram USING fts5(
    {", ".join(COLUMNS)}, content='', tokenize='ascii', detail=column);
"""

# What a ranked-index word weighs in each index column: the title and introduction count four times.
COLUMN_WEIGHTS = (4, 1, 1, 1, 1, 1, 1)
_MAX_FREQUENCY = 0xFFFF
ROWS_PER_REPORT = 8  # fts_trigram rowids per report: room for the len(COLUMNS) index columns
# ASCII is folded by FTS5's ascii tokenizer and splits tokens; map it out of ASCII for character pairs.
_PAIR_MAP = str.maketrans({chr(c): chr(0xE000 + c) for c in range(0x20, 0x7F)} | {"\t": "\ue009"})


def default_db_path() -> Path:
    return Path(os.environ.get("NIANBAO_DB") or data_dir() / "nianbao.db")


def section_row(report_id: int, column: int) -> int:
    """The fts_trigram rowid of one report's text in one index column (``COLUMNS[column]``)."""
    return report_id * ROWS_PER_REPORT + column


def pair_key(text: str) -> str:
    """A 1–2 character string as the fts_bigram token it is stored as."""
    return text.translate(_PAIR_MAP)


def character_pairs(text: str) -> str:
    """Every distinct pair of adjacent characters on a line, plus each line's last character."""
    pairs: set[str] = set()
    for line in text.translate(_PAIR_MAP).split("\n"):
        if line:
            pairs.update({line[i : i + 2] for i in range(len(line) - 1)})
            pairs.add(line[-1])
    return " ".join(pairs)


def segmentation_version() -> str:
    """Changes whenever the words indexed for a text could change: ``SEGMENTATION_VERSION`` (the code's
    cuts) and the domain terms (the dictionary)."""
    import hashlib

    digest = hashlib.sha256("\n".join(domain_terms()).encode()).hexdigest()[:16]
    return f"rjieba:v{SEGMENTATION_VERSION}:{digest}"


def connect(path: str | Path | None = None, readonly: bool = False) -> sqlite3.Connection:
    """Open (and create) the store; WAL lets readers query while an ingest writes."""
    db = Path(path) if path else default_db_path()
    if readonly:
        if not db.exists():
            raise NianbaoError("no store here yet; run `nianbao ingest` first", db)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if schema and schema[0] != SCHEMA_VERSION:
            raise _schema_error(schema[0], db)
    else:
        db.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        _check_versions(conn, db)
    conn.execute("PRAGMA busy_timeout=10000")
    conn.row_factory = sqlite3.Row
    return conn


def _check_versions(conn: sqlite3.Connection, db: Path) -> None:
    current = {"schema": SCHEMA_VERSION, "segmentation": segmentation_version(), "phrases": phrase_version()}
    stored = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if not stored:
        conn.executemany("INSERT INTO meta VALUES (?, ?)", current.items())
        return
    schema = stored.get("schema")
    while schema in _UPGRADES:
        _UPGRADE_STEPS[schema](conn)
        schema = _UPGRADES[schema]
    if schema != SCHEMA_VERSION:
        raise _schema_error(schema, db)
    if stored.get("segmentation") in _SAME_CUTS:
        # Built by an earlier version whose cuts are this one's (its code differs in other ways).
        conn.execute("UPDATE meta SET value = ? WHERE key = 'segmentation'", (current["segmentation"],))
    elif stored.get("segmentation") != current["segmentation"]:
        raise NianbaoError(
            "the segmentation dictionary changed since this store was built; delete it and ingest again", db
        )
    if stored.get("phrases") != current["phrases"]:
        with transaction(conn):
            build_phrases(conn)  # the lexicons or domain terms changed: the phrase index follows them


def _schema_error(schema: str | None, db: Path) -> NianbaoError:
    """What to do with a store of another schema: schemas 4 to 6 are upgraded by the next write."""
    upgrade = "run `nianbao ingest` once to upgrade it" if schema in _UPGRADES else "delete it and ingest again"
    return NianbaoError(f"store schema {schema} is not {SCHEMA_VERSION}; {upgrade}", db)


def _upgrade_from_4(conn: sqlite3.Connection) -> None:
    """Schema 4 → 5: fill the entity tables from the stored mentions, as an ingest would have."""
    from types import SimpleNamespace

    with transaction(conn):
        reports = conn.execute("SELECT id, publisher, province, city, county, year FROM reports").fetchall()
        for report_id, publisher, province, city, county, year in reports:
            mentions = [
                SimpleNamespace(kind=k, canonical=c, surface=s, attrs=json.loads(a))
                for k, c, s, a in conn.execute(
                    "SELECT kind, canonical, surface, attrs FROM mentions WHERE report_id = ? ORDER BY start",
                    (report_id,),
                )
            ]
            row = {"publisher": publisher, "province": province, "city": city, "county": county, "year": year}
            _link_entities(conn, report_id, row, summarize_entities(mentions))
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema'")


def _upgrade_from_5(conn: sqlite3.Connection) -> None:
    """Schema 5 → 6: fts_trigram rebuilt with one row per report and index column; the word postings
    built from the stored text (they replace the fts_words index)."""
    with transaction(conn):
        conn.execute("DROP TABLE IF EXISTS fts_words")
        conn.execute("DROP TABLE fts_trigram")
        conn.execute(TRIGRAM_TABLE)
        for table in ("word_batches", "word_postings", "word_docs"):
            conn.execute(f"DELETE FROM {table}")
        ids = [r[0] for r in conn.execute("SELECT id FROM reports ORDER BY id")]
        for start in range(0, len(ids), _UPGRADE_BATCH):
            postings = IndexBatch(conn)
            for report_id in ids[start : start + _UPGRADE_BATCH]:
                columns = stored_columns(conn, report_id)
                _trigram_rows(conn, report_id, columns)
                postings.add_report(conn, report_id, *word_entries(columns), [])  # phrases: schema 7
            postings.write(conn)
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema'")


def _upgrade_from_7(conn: sqlite3.Connection) -> None:
    """Schema 7 → 8: reports get their stable ids, sources and versions (``corpus.upgrade_identities``)."""
    from indexer.corpus import upgrade_identities

    with transaction(conn):
        upgrade_identities(conn)
        conn.execute("UPDATE meta SET value = '8' WHERE key = 'schema'")


def _upgrade_from_6(conn: sqlite3.Connection) -> None:
    """Schema 6 → 7: the phrase index, which the vocabulary check after the upgrades builds (a schema-6
    store records no phrase vocabulary)."""
    conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema'")


_UPGRADE_STEPS = {"4": _upgrade_from_4, "5": _upgrade_from_5, "6": _upgrade_from_6, "7": _upgrade_from_7}


def build_phrases(conn: sqlite3.Connection) -> None:
    """(Re)build phrase_postings from the stored text, each batch's current reports with the current
    vocabulary (in the caller's transaction)."""
    conn.execute("DELETE FROM phrase_postings")
    batches = [b for (b,) in conn.execute("SELECT batch FROM word_batches ORDER BY batch").fetchall()]
    for batch in batches:
        owners = conn.execute("SELECT report_id FROM word_docs WHERE batch = ?", (batch,)).fetchall()
        found = ((report_id, phrase_entries(stored_columns(conn, report_id))) for (report_id,) in owners)
        _insert_postings(conn, "phrase_postings", batch, found)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('phrases', ?)", (phrase_version(),))


@dataclass
class EntitySummary:
    """One entity as one report names it: what ``entity_reports`` and the running totals hold."""

    kind: str
    canonical: str
    attrs: dict[str, str]
    mentions: int = 0
    articles: list[str] = field(default_factory=list)
    issuer: str | None = None
    issuer_mentions: int = 0
    surfaces: Counter[str] = field(default_factory=Counter)


def summarize_entities(mentions: Iterable[Any]) -> list[EntitySummary]:
    """Mentions (in text order) grouped by entity."""
    found: dict[tuple[str, str], EntitySummary] = {}
    for m in mentions:
        key = (m.kind, m.canonical)
        e = found.get(key)
        if e is None:
            e = found[key] = EntitySummary(m.kind, m.canonical, node_attrs(m.kind, m.attrs))
        e.mentions += 1
        e.surfaces[m.surface] += 1
        article = m.attrs.get("article")
        if article and article not in e.articles:
            e.articles.append(article)
        if m.attrs.get("issuer"):
            e.issuer = e.issuer or m.attrs["issuer"]
            e.issuer_mentions += 1
    return list(found.values())


def node_attrs(kind: str, attrs: dict[str, Any]) -> dict[str, str]:
    """What the graph shows of an entity beside its name."""
    if kind == "document":
        return {"kind": attrs.get("doc_kind") or "", "family": attrs.get("family") or ""}
    if kind == "platform" and attrs.get("instance_of"):
        return {"instance_of": attrs["instance_of"]}
    return {}


def publishing_agency(publisher: str | None, province: str | None, city: str | None, county: str | None) -> str | None:
    """The agency a report is published by: its publisher, else the government of its region."""
    if publisher:
        return publisher
    place = county or city or province
    return f"{place}人民政府" if place else None


@dataclass(frozen=True)
class SourceFile:
    """One file as ingest found it: where it was seen (a path, or an upload's own name) and its bytes' hash."""

    origin: str  # file | upload
    location: str
    sha256: str
    size: int
    mtime: float
    read_from: str  # the file read (an upload's temporary copy; else the location)


@dataclass
class PreparedReport:
    """Everything the writer inserts for one report, computed away from the database (in a worker)."""

    source: SourceFile
    uid: str
    unproven: int  # table cells left empty
    failing: int  # consistency checks that fail
    row: dict[str, Any]
    words: list[tuple[str, int, int]]  # ranked-index words: (term, weighted frequency, column bits)
    length: int  # ranked-index words in the report
    phrases: list[tuple[str, int, int]]  # the phrase index's: (phrase, occurrences, column bits)
    pairs: list[str]  # fts_bigram values per column
    sections: list[tuple]
    passages: list[tuple]
    cells: list[tuple]
    checks: list[tuple]
    mentions: list[tuple]
    entities: list[EntitySummary]
    items: list[tuple]
    signatures: list[tuple[str, int, bytes]]  # the sections' prose: (kind, shingles, MinHash signature)

    @property
    def path(self) -> str:
        return self.source.location

    def model(self) -> dict[str, Any]:
        return unpack_model(self.row["model"])

    @property
    def columns(self) -> list[str]:
        """The normalized text per index column (derived here: cheaper than sending it from the worker)."""
        return column_texts(self.row["text"], [(kind, start, end) for _, kind, _, _, start, end in self.sections])


def column_texts(text: str, sections: list[tuple[str | None, int, int]]) -> list[str]:
    """The normalized text split into the index columns (lines of each section kind)."""
    parts: dict[str, list[str]] = {c: [] for c in COLUMNS}
    first = sections[0][1] if sections else len(text)
    parts["preamble"].append(text[:first])
    for kind, start, end in sections:
        parts[kind if kind in parts else "other"].append(text[start:end])
    return ["\n".join(parts[c]) for c in COLUMNS]


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
        "original": zlib.compress(original.encode("utf-8"), 6),
        "model": zlib.compress(json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8"), 6),
    }
    words, length = word_entries(columns)
    passages = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            kind = _kind_at(bounds, pos)
            o_start, o_end = original_span(pos, end)
            passages.append((kind, pos, end, o_start, o_end))
        pos = end + 1
    cells = list(_cells(report))
    checks = [(c.check, None if c.ok is None else int(c.ok), c.detail) for c in report.consistency]
    return PreparedReport(
        source=source,
        uid=uid,
        unproven=sum(1 for c in cells if c[3] is None),
        failing=sum(1 for c in checks if c[1] == 0),
        row=row,
        words=words,
        length=length,
        phrases=phrase_entries(columns),
        pairs=[character_pairs(c) for c in columns],
        sections=[(i, s.kind, s.number, s.heading, s.start, s.end) for i, s in enumerate(report.sections)],
        passages=passages,
        cells=cells,
        checks=checks,
        mentions=[
            (
                m.kind,
                m.canonical,
                m.surface,
                m.start,
                m.end,
                m.sentence_start,
                m.sentence_end,
                m.section,
                json.dumps(m.attrs, ensure_ascii=False),
            )
            for m in report.mentions
        ],
        entities=summarize_entities(sorted(report.mentions, key=lambda m: m.start)),
        items=[
            (i.kind, n, i.text, i.start, i.end, json.dumps(i.categories, ensure_ascii=False))
            for n, i in enumerate(report.items)
        ],
        signatures=section_signatures(text, bounds),
    )


def word_entries(columns: list[str]) -> tuple[list[tuple[str, int, int]], int]:
    """A report's ranked-index words as (term, weighted frequency, column bits), and its length in words."""
    frequency: Counter[str] = Counter()
    bits: dict[str, int] = {}
    length = 0
    for i, text in enumerate(columns):
        tokens = index_tokens(text) if text else []
        length += len(tokens)
        for term, n in Counter(tokens).items():
            frequency[term] += n * COLUMN_WEIGHTS[i]
            bits[term] = bits.get(term, 0) | 1 << i
    return [(term, min(n, _MAX_FREQUENCY), bits[term]) for term, n in frequency.items()], length


def pack_postings(report_id: int, frequency: int, columns: int) -> int:
    """One word_postings entry: the report, the word's weighted frequency in it and its column bits."""
    return report_id << 24 | frequency << 8 | columns


def unpack_postings(entries: bytes | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A word_postings blob (or its entries) as arrays of report ids, weighted frequencies and column bits."""
    packed = np.frombuffer(entries, dtype="<i8") if isinstance(entries, bytes) else entries
    return report_ids(packed), (packed >> 8) & _MAX_FREQUENCY, packed & 0xFF


def report_ids(packed: np.ndarray) -> np.ndarray:
    """The report ids of packed word_postings entries."""
    return packed >> 24


def live_entries(rows: list[tuple[int, bytes]], owner: np.ndarray) -> np.ndarray:
    """The entries of (batch, blob) postings rows that are their report's current ones, ascending:
    ``owner`` gives each report id's current batch (-1: none); ids beyond it are skipped."""
    packed = np.frombuffer(b"".join(e for _, e in rows), dtype="<i8")
    batches = np.repeat(np.array([batch for batch, _ in rows], dtype=np.int64), [len(e) // 8 for _, e in rows])
    ids = report_ids(packed)
    live = ids < len(owner)
    live[live] = owner[ids[live]] == batches[live]
    packed = packed[live]
    return np.sort(packed) if len(rows) > 1 else packed  # each row is in report order, the rows need not be


class IndexBatch:
    """The index writes of one write transaction, made together before it commits: the word and phrase
    postings (one row per word or phrase the batch's reports hold) and the FTS5 rows of the reports
    added and replaced.

    Deferred because FTS5 flushes its pending terms into a new segment at every savepoint release:
    written report by report (each in a savepoint, so that one failing report leaves the rest), the
    FTS5 indexes took ~7 ms a report in segment writes and merges.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.batch = conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM word_batches").fetchone()[0]
        self.reports: dict[int, tuple[list, list]] = {}  # report id → its words and phrases
        self.totals = EntityTotals()  # the entities' running totals of the batch's reports
        self.removed: list[tuple[int, list[str]]] = []  # (report id, the columns it was indexed with)
        self.added: dict[int, tuple[list[str], list[str]]] = {}  # report id → columns, character pairs

    def add_report(
        self,
        conn: sqlite3.Connection,
        report_id: int,
        words: list[tuple[str, int, int]],
        length: int,
        phrases: list[tuple[str, int, int]],
    ) -> None:
        """A report's words and phrases: its word_docs row now (in the caller's savepoint), its entries
        at ``write`` (a later version of the report in the same batch takes their place)."""
        conn.execute("INSERT OR REPLACE INTO word_docs VALUES (?, ?, ?)", (report_id, self.batch, length))
        self.reports[report_id] = (words, phrases)

    def remove(self, report_id: int, columns: list[str]) -> None:
        """Take a replaced version of a report out of the FTS5 indexes: at ``write`` if it is there,
        or now if it was added in this batch (its rows are not written yet)."""
        if self.added.pop(report_id, None) is None:
            self.removed.append((report_id, columns))

    def write(self, conn: sqlite3.Connection) -> None:
        self.totals.write(conn)
        for report_id, columns in self.removed:
            pairs = [character_pairs(c) for c in columns]
            sql = f"INSERT INTO fts_bigram (fts_bigram, rowid, {_COLS}) VALUES ('delete', ?, {_MARKS})"
            conn.execute(sql, (report_id, *pairs))
            _trigram_rows(conn, report_id, columns, delete=True)
        for report_id, (columns, pairs) in self.added.items():
            conn.execute(f"INSERT INTO fts_bigram (rowid, {_COLS}) VALUES (?, {_MARKS})", (report_id, *pairs))
            _trigram_rows(conn, report_id, columns)
        self.removed, self.added = [], {}
        if not self.reports:
            return
        conn.execute("INSERT INTO word_batches VALUES (?)", (self.batch,))
        for i, table in enumerate(("word_postings", "phrase_postings")):
            _insert_postings(conn, table, self.batch, ((report_id, f[i]) for report_id, f in self.reports.items()))
        self.reports = {}


def _insert_postings(
    conn: sqlite3.Connection, table: str, batch: int, found: Iterable[tuple[int, list[tuple[str, int, int]]]]
) -> None:
    """One batch's rows of word_postings or phrase_postings, from each report's (term, frequency, column
    bits): a row per term, its entries ascending."""
    entries: dict[str, array] = {}  # 8 bytes an entry: a batch may hold every report
    for report_id, terms in found:
        for term, frequency, columns in terms:
            entries.setdefault(term, array("q")).append(pack_postings(report_id, frequency, columns))
    conn.executemany(
        f"INSERT INTO {table} VALUES (?, ?, ?)",
        [(batch, term, np.sort(np.asarray(e, dtype="<i8")).tobytes()) for term, e in sorted(entries.items())],
    )


def merge_postings(conn: sqlite3.Connection, fanout: int = 8) -> int:
    """Keep the postings compact, as a size-tiered log-structured index: drop the batches no report
    points to any more (each of their reports was replaced since), and whenever ``fanout`` batches hold
    a like number of current reports (the same power of ``fanout``), merge them into one without the
    replaced reports' entries. A search reads one row per batch for each word, so few batches remain:
    at most ``fanout`` - 1 per size tier. Returns how many batches were dropped or merged."""
    changed = 0
    with transaction(conn):
        current = dict(conn.execute("SELECT batch, count(*) FROM word_docs GROUP BY batch").fetchall())
        dead = [b for (b,) in conn.execute("SELECT batch FROM word_batches").fetchall() if b not in current]
        _drop_batches(conn, dead)
        changed += len(dead)
        while True:
            tiers: dict[int, list[int]] = {}
            for batch, reports in sorted(current.items()):
                tiers.setdefault(int(np.log(reports) / np.log(fanout) + 1e-9), []).append(batch)
            full = [batches for _, batches in sorted(tiers.items()) if len(batches) >= fanout]
            if not full:
                return changed
            target = _merge_batches(conn, full[0])
            current[target] = sum(current.pop(b) for b in full[0])
            changed += len(full[0])


def _merge_batches(conn: sqlite3.Connection, batches: list[int]) -> int:
    """Merge the postings of several batches into a new one, keeping each report's current entries only.

    Each batch's rows are read in term order and merged as they come (one row per term in memory)."""
    target = conn.execute("SELECT coalesce(max(batch), 0) + 1 FROM word_batches").fetchone()[0]
    conn.execute("INSERT INTO word_batches VALUES (?)", (target,))
    docs = np.array(conn.execute("SELECT report_id, batch FROM word_docs").fetchall(), dtype=np.int64).reshape(-1, 2)
    owner = np.full(int(docs[:, 0].max(initial=-1)) + 1, -1, dtype=np.int64)  # report id → its current batch
    owner[docs[:, 0]] = docs[:, 1]
    for table, key in (("word_postings", "term"), ("phrase_postings", "phrase")):
        streams = []
        for batch in batches:
            cursor = conn.cursor()
            cursor.row_factory = None
            sql = f"SELECT {key}, {int(batch)}, entries FROM {table} WHERE batch = ? ORDER BY {key}"
            streams.append(cursor.execute(sql, (batch,)))
        rows: list[tuple[int, str, bytes]] = []
        for term, group in groupby(heapq.merge(*streams), key=itemgetter(0)):
            kept = live_entries([(batch, entries) for _, batch, entries in group], owner)
            if len(kept):
                rows.append((target, term, kept.tobytes()))
            if len(rows) >= 10_000:
                conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)
                rows = []
        conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)
    conn.executemany("UPDATE word_docs SET batch = ? WHERE batch = ?", [(target, b) for b in batches])
    _drop_batches(conn, batches)
    return target


def _drop_batches(conn: sqlite3.Connection, batches: list[int]) -> None:
    for table in ("word_postings", "phrase_postings", "word_batches"):
        conn.executemany(f"DELETE FROM {table} WHERE batch = ?", [(b,) for b in batches])


def _kind_at(bounds: list[tuple[str | None, int, int]], pos: int) -> str:
    for kind, start, end in bounds:
        if start <= pos < end:
            return kind or "other"
    return "preamble"


def _cells(report: Report) -> Iterator[tuple]:
    for tbl, rows in (("proactive", report.proactive), ("review_litigation", report.review_litigation)):
        for row, fields in (rows or {}).items():
            for col, v in fields.items():
                yield tbl, row, col, v.value, int(v.derived), v.reason
    for row, values in (report.requests or {}).items():
        for col, v in zip(APPLICANT_COLUMNS, values, strict=True):
            yield "requests", row, col, v.value, int(v.derived), v.reason


_COLS = ", ".join(COLUMNS)
_MARKS = ", ".join("?" * len(COLUMNS))


def _unindex(conn: sqlite3.Connection, report_id: int) -> list[str]:
    """Remove one report's rows; returns the columns its FTS5 rows hold (the 'delete' command needs them).

    Its word entries stay in their batch: word_docs will point at the new one.
    """
    columns = stored_columns(conn, report_id)
    _unlink_entities(conn, report_id)
    for table in (
        "sections",
        "passages",
        "table_cells",
        "checks",
        "mentions",
        "item_categories",
        "items",
        "section_signatures",
    ):
        conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM copies WHERE report_id = ? OR other_id = ?", (report_id, report_id))
    return columns


def stored_columns(conn: sqlite3.Connection, report_id: int) -> list[str]:
    """A stored report's text per index column, as it was indexed."""
    text = conn.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()[0]
    bounds = [
        tuple(r)
        for r in conn.execute("SELECT kind, start, end FROM sections WHERE report_id = ? ORDER BY idx", (report_id,))
    ]
    return column_texts(text, bounds)  # type: ignore[arg-type]


def _trigram_rows(conn: sqlite3.Connection, report_id: int, columns: list[str], delete: bool = False) -> None:
    """Add a report's non-empty index columns to fts_trigram, or remove them (``delete``)."""
    sql = (
        "INSERT INTO fts_trigram (fts_trigram, rowid, text) VALUES ('delete', ?, ?)"
        if delete
        else "INSERT INTO fts_trigram (rowid, text) VALUES (?, ?)"
    )
    conn.executemany(sql, [(section_row(report_id, i), text) for i, text in enumerate(columns) if text])


def _link_entities(conn: sqlite3.Connection, report_id: int, row: dict[str, Any], found: list[EntitySummary]) -> None:
    """Add one report's entities to ``entity_reports`` and to the running totals."""
    _entity_reports(conn, report_id, row, found)
    totals = EntityTotals()
    totals.add(row, found)
    totals.write(conn)


def _entity_reports(conn: sqlite3.Connection, report_id: int, row: dict[str, Any], found: list[EntitySummary]) -> None:
    province, city, county, year = row["province"], row["city"], row["county"], row["year"]
    agency = publishing_agency(row["publisher"], province, city, county)
    conn.executemany(
        "INSERT INTO entity_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (report_id, e.kind, e.canonical, province, city, county, year, agency, e.mentions)
            + (",".join(e.articles), e.issuer, e.issuer_mentions)
            for e in found
        ],
    )


class EntityTotals:
    """The running totals' increments of several reports, added up: one upsert per entity, place, year
    and surface instead of one per report (an entity such as the 条例 is named by nearly every report)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.entities: dict[tuple[str, str], list] = {}  # (kind, canonical) → [loose, attrs, reports, mentions]
        self.places: Counter[tuple] = Counter()
        self.years: Counter[tuple] = Counter()
        self.surfaces: Counter[tuple] = Counter()

    def add(self, row: dict[str, Any], found: list[EntitySummary]) -> None:
        place = (row["province"] or "", row["city"] or "", row["county"] or "")
        for e in found:
            key = (e.kind, e.canonical)
            entity = self.entities.get(key)
            if entity is None:
                entity = self.entities[key] = [squeeze(e.canonical), json.dumps(e.attrs, ensure_ascii=False), 0, 0]
            entity[2] += 1
            entity[3] += e.mentions
            self.places[(*key, *place)] += 1
            self.years[(*key, row["year"] or 0)] += 1
            for surface, n in e.surfaces.items():
                self.surfaces[(*key, surface)] += n

    def write(self, conn: sqlite3.Connection) -> None:
        """Apply the increments (entities first: the places' triggers count into them) and start over."""
        conn.executemany(
            "INSERT INTO entities (kind, canonical, loose, attrs, reports, mentions) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET reports = reports + excluded.reports, mentions = mentions + excluded.mentions",
            [(*key, *values) for key, values in self.entities.items()],
        )
        conn.executemany(
            "INSERT INTO entity_places VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET reports = reports + excluded.reports",
            [(*key, n) for key, n in self.places.items()],
        )
        conn.executemany(
            "INSERT INTO entity_years VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET reports = reports + excluded.reports",
            [(*key, n) for key, n in self.years.items()],
        )
        conn.executemany(
            "INSERT INTO entity_surfaces VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions",
            [(*key, n) for key, n in self.surfaces.items()],
        )
        self.clear()


def _unlink_entities(conn: sqlite3.Connection, report_id: int) -> None:
    """Take one report's entities out of ``entity_reports`` and the totals (before its mentions go)."""
    rows = conn.execute(
        "SELECT kind, canonical, ifnull(province, ''), ifnull(city, ''), ifnull(county, ''), ifnull(year, 0), mentions"
        " FROM entity_reports WHERE report_id = ?",
        (report_id,),
    ).fetchall()
    surfaces = conn.execute(
        "SELECT kind, canonical, surface, count(*) FROM mentions WHERE report_id = ? GROUP BY kind, canonical, surface",
        (report_id,),
    ).fetchall()
    # (table, counter column, key columns, [(decrement, *key)])
    for table, counter, keys, values in (
        ("entities", "reports", ("kind", "canonical"), [(1, *r[:2]) for r in rows]),
        ("entities", "mentions", ("kind", "canonical"), [(r[6], *r[:2]) for r in rows]),
        ("entity_places", "reports", ("kind", "canonical", "province", "city", "county"), [(1, *r[:5]) for r in rows]),
        ("entity_years", "reports", ("kind", "canonical", "year"), [(1, *r[:2], r[5]) for r in rows]),
        ("entity_surfaces", "mentions", ("kind", "canonical", "surface"), [(n, *r) for *r, n in surfaces]),
    ):
        where = " AND ".join(f"{k} = ?" for k in keys)
        conn.executemany(f"UPDATE {table} SET {counter} = {counter} - ? WHERE {where}", values)
        conn.executemany(f"DELETE FROM {table} WHERE {counter} <= 0 AND {where}", [v[1:] for v in values])
    conn.execute("DELETE FROM entity_reports WHERE report_id = ?", (report_id,))


def write_report(conn: sqlite3.Connection, prepared: PreparedReport, index: IndexBatch, replace: int | None) -> int:
    """Insert a report, or store it in place of the report row ``replace`` (same id, its old rows and index
    entries taken out); the caller holds the transaction and writes ``index`` before it ends. Returns the id.
    """
    row = prepared.row
    names = list(row)
    indexed = None
    if replace is not None:
        report_id = replace
        index.totals.write(conn)  # the old version may be among them: its totals must be there to take out
        indexed = _unindex(conn, report_id)
        conn.execute(
            f"UPDATE reports SET {', '.join(f'{n} = ?' for n in names)}, ingested_at = datetime('now') WHERE id = ?",
            (*row.values(), report_id),
        )
    else:
        cur = conn.execute(
            f"INSERT INTO reports ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", tuple(row.values())
        )
        report_id = cur.lastrowid
    conn.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?, ?)", [(report_id, *s) for s in prepared.sections])
    conn.executemany(
        "INSERT INTO passages (report_id, kind, start, end, orig_start, orig_end) VALUES (?, ?, ?, ?, ?, ?)",
        [(report_id, *p) for p in prepared.passages],
    )
    conn.executemany("INSERT INTO table_cells VALUES (?, ?, ?, ?, ?, ?, ?)", [(report_id, *c) for c in prepared.cells])
    conn.executemany("INSERT INTO checks VALUES (?, ?, ?, ?)", [(report_id, *c) for c in prepared.checks])
    conn.executemany(
        "INSERT INTO mentions (report_id, kind, canonical, surface, start, end, sentence_start, sentence_end, section,"
        " attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(report_id, *m) for m in prepared.mentions],
    )
    _entity_reports(conn, report_id, row, prepared.entities)  # the running totals: below, once all is written
    for kind, n, text, start, end, categories in prepared.items:
        cur = conn.execute(
            "INSERT INTO items (report_id, kind, idx, text, start, end, categories) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (report_id, kind, n, text, start, end, categories),
        )
        conn.executemany(
            "INSERT INTO item_categories VALUES (?, ?, ?, ?, ?)",
            [(cur.lastrowid, report_id, kind, c["id"], c["score"]) for c in json.loads(categories)],
        )
    conn.executemany(
        "INSERT INTO section_signatures VALUES (?, ?, ?, ?)", [(report_id, *s) for s in prepared.signatures]
    )
    conn.execute("INSERT OR IGNORE INTO copies_pending VALUES (?)", (report_id,))
    # Last: a report whose rows failed (its savepoint rolled back) leaves nothing in the batch.
    index.totals.add(row, prepared.entities)
    index.add_report(conn, report_id, prepared.words, prepared.length, prepared.phrases)
    if indexed is not None:
        index.remove(report_id, indexed)
    index.added[report_id] = (prepared.columns, prepared.pairs)
    return report_id


def delete_report_row(conn: sqlite3.Connection, report_id: int, index: IndexBatch) -> None:
    """Take a report row out of the store and every index (in the caller's transaction; ``index`` written
    before it ends)."""
    index.totals.write(conn)  # the report may be among them: its totals must be there to take out
    index.remove(report_id, _unindex(conn, report_id))
    index.reports.pop(report_id, None)
    conn.execute("DELETE FROM word_docs WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM copies_pending WHERE report_id = ?", (report_id,))
    conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))


def record_failure(conn: sqlite3.Connection, path: str, sha256: str | None, reason: str) -> None:
    conn.execute("INSERT OR REPLACE INTO failures (path, sha256, reason) VALUES (?, ?, ?)", (path, sha256, reason))


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def load_model(conn: sqlite3.Connection, report_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT model FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        raise NianbaoError(f"no report with id {report_id}")
    return unpack_model(row[0])


def unpack_model(blob: bytes) -> dict[str, Any]:
    """A stored model (zlib-compressed JSON) as a dict."""
    return json.loads(zlib.decompress(blob))


def original_text(conn: sqlite3.Connection, report_id: int) -> str:
    row = conn.execute("SELECT original FROM reports WHERE id = ?", (report_id,)).fetchone()
    return zlib.decompress(row[0]).decode("utf-8")
