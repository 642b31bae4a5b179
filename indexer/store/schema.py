"""The store's schema, its upgrades (one registry of steps) and connections.

The store is the system of record: reports, their sources and versions, sections, passages with
offsets, table cells, checks, entities, problems and copied sections. The search index is derived from
it and lives beside it (``indexer.search.embedded``); ``index_queue`` lists the reports whose change
the index has not committed yet (``indexer.search.sync``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import zstandard

from indexer.curation import CURATION_DDL
from indexer.errors import NianbaoError
from indexer.model import item_summary
from indexer.paths import data_dir

SCHEMA_VERSION = "16"
# Schemas a writable connection upgrades in place, each to the next: {from: to}.
_UPGRADES = {str(n): str(n + 1) for n in range(4, 16)}
INDEX_QUEUE_DDL = "CREATE TABLE IF NOT EXISTS index_queue (report_id INTEGER PRIMARY KEY);"
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
    text BLOB NOT NULL,          -- normalized text, zlib-compressed (SQL: unzip(text)): what offsets refer to
    original BLOB NOT NULL,      -- the original text (what snippets show), zlib-compressed against the text
    model BLOB NOT NULL,         -- the parsed model as zlib-compressed JSON (pack_model)
    ingested_at TEXT NOT NULL DEFAULT (datetime('now')),
    agency TEXT                  -- the publishing agency (entities.publishing_agency): the graph's agency node
);
CREATE INDEX IF NOT EXISTS reports_region ON reports (province, city, county);
CREATE INDEX IF NOT EXISTS reports_year ON reports (year);
CREATE INDEX IF NOT EXISTS reports_county_place ON reports (county, province, city);
CREATE INDEX IF NOT EXISTS reports_city_place ON reports (city, province);
CREATE INDEX IF NOT EXISTS reports_publisher ON reports (publisher);
"""

# The cells as rows, for SQL that reads them across reports (a filter on report_id reads one value).
TABLE_CELLS_VIEW = """
CREATE VIEW IF NOT EXISTS table_cells AS
SELECT c.report_id, j.key AS idx, j.value ->> 0 AS tbl, j.value ->> 1 AS row, j.value ->> 2 AS col,
       j.value ->> 3 AS value, j.value ->> 4 AS derived, j.value ->> 5 AS reason
FROM report_cells c, json_each(unzip(c.cells)) j;"""

CHECKS_VIEW = """CREATE VIEW IF NOT EXISTS checks AS
SELECT c.report_id, (c.report_id << 20) + j.key AS id, j.value ->> 0 AS check_id, j.value ->> 1 AS ok,
       j.value ->> 2 AS detail
FROM report_checks c, json_each(unzip(c.checks)) j"""

# A report's mentions, passages and checks are one compressed value each, read as rows through these views
# (a filter on report_id reads one value); ``entity_reports`` reads the per-report entity links with names
# and places.
COMPACT_VIEWS = f"""
CREATE VIEW IF NOT EXISTS mentions AS
SELECT m.report_id, (m.report_id << 20) + j.key AS id, j.value ->> 0 AS kind, j.value ->> 1 AS canonical,
       j.value ->> 2 AS surface, j.value ->> 3 AS start, j.value ->> 4 AS "end", j.value ->> 5 AS sentence_start,
       j.value ->> 6 AS sentence_end, j.value ->> 7 AS section, j.value ->> 8 AS attrs
FROM report_mentions m, json_each(mention_rows(m.mentions)) j;
CREATE VIEW IF NOT EXISTS passages AS
SELECT p.report_id, (p.report_id << 20) + j.key AS id, j.value ->> 0 AS kind, j.value ->> 1 AS start,
       j.value ->> 2 AS "end", j.value ->> 3 AS orig_start, j.value ->> 4 AS orig_end
FROM report_passages p, json_each(passage_rows(p.passages)) j;
{CHECKS_VIEW};
CREATE VIEW IF NOT EXISTS entity_reports AS
SELECT l.report_id, e.kind, e.canonical, r.province, r.city, r.county, r.year, r.agency, l.mentions, l.articles,
       l.versions, l.issuer, l.issuer_mentions
FROM entity_links l JOIN entities e ON e.id = l.entity_id JOIN reports r ON r.id = l.report_id;
CREATE VIEW IF NOT EXISTS entity_places AS
SELECT e.kind, e.canonical, p.province, p.city, p.county, c.reports
FROM entity_place_counts c JOIN entities e ON e.id = c.entity_id JOIN places p ON p.id = c.place_id;
CREATE VIEW IF NOT EXISTS entity_provinces AS
SELECT c.province, e.kind, e.canonical, c.places FROM entity_province_counts c JOIN entities e ON e.id = c.entity_id;
CREATE VIEW IF NOT EXISTS entity_years AS
SELECT e.kind, e.canonical, c.year, c.reports FROM entity_year_counts c JOIN entities e ON e.id = c.entity_id;
CREATE VIEW IF NOT EXISTS entity_surfaces AS
SELECT e.kind, e.canonical, c.surface, c.mentions FROM entity_surface_counts c JOIN entities e ON e.id = c.entity_id;
CREATE INDEX IF NOT EXISTS reports_agency ON reports (agency);
-- The report list (api.report_titles) reads this, not the rows with their compressed text and model.
CREATE INDEX IF NOT EXISTS reports_titles ON reports (year, title, uid);
"""

# Every entity's loose name: looked up by the index (those that are not the canonical name) and searched
# by trigrams (graph.queries.resolve), which read the names from the view.
ENTITY_NAMES_DDL = """
CREATE INDEX IF NOT EXISTS entities_loose ON entities (loose) WHERE loose != '';
CREATE VIEW IF NOT EXISTS entity_loose_names AS SELECT id, iif(loose = '', canonical, loose) AS loose FROM entities;
CREATE VIRTUAL TABLE IF NOT EXISTS entity_names USING fts5(
    loose, content='entity_loose_names', content_rowid='id', tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS entity_named AFTER INSERT ON entities BEGIN
    INSERT INTO entity_names (rowid, loose) VALUES (new.id, iif(new.loose = '', new.canonical, new.loose));
END;
CREATE TRIGGER IF NOT EXISTS entity_unnamed AFTER DELETE ON entities BEGIN
    INSERT INTO entity_names (entity_names, rowid, loose)
        VALUES ('delete', old.id, iif(old.loose = '', old.canonical, old.loose));
END;
"""

FETCH_DDL = """
CREATE TABLE IF NOT EXISTS fetch_manifest (  -- every URL nianbao fetch has met (indexer.fetch)
    url TEXT PRIMARY KEY,
    final_url TEXT,                  -- after redirects
    kind TEXT NOT NULL,              -- index | report | attachment | other | unreadable | disallowed | failed
    status INTEGER,                  -- the last HTTP status (304: unchanged)
    fetched_at TEXT,
    etag TEXT, last_modified TEXT,
    sha256 TEXT,                     -- of the body last saved
    path TEXT,                       -- where it was saved
    report_uid TEXT,                 -- the report it became
    reason TEXT,                     -- why it was not fetched or not read
    run INTEGER NOT NULL             -- the run that last requested it
);
"""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
{REPORTS_TABLE}
CREATE TABLE IF NOT EXISTS versions (  -- superseded versions of a report: listed and shown, never counted
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    path TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL, text_sha TEXT NOT NULL, mtime REAL NOT NULL,
    title TEXT, publisher TEXT, year INTEGER, template TEXT NOT NULL,
    text BLOB NOT NULL, original BLOB NOT NULL, model BLOB NOT NULL,  -- compressed as in reports
    differences TEXT NOT NULL,   -- JSON: what differs from the version that superseded it
    superseded_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS versions_uid ON versions (uid);
CREATE TABLE IF NOT EXISTS sources (  -- every file and upload a report was seen in
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    version_id INTEGER,          -- NULL: the report's current version; else versions.id
    origin TEXT NOT NULL,        -- file | upload | url
    location TEXT NOT NULL,      -- the absolute path, an upload's file name, or the URL it was fetched from
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
CREATE TABLE IF NOT EXISTS report_passages (  -- a report's lines (view: passages)
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    passages BLOB NOT NULL       -- zlib-compressed JSON [[kind, start, end, orig_start, orig_end], …]: offsets in
);                               -- the normalized text, then in the original
CREATE TABLE IF NOT EXISTS report_cells (  -- a report's table cells in one compact value, read per report
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    cells BLOB NOT NULL,         -- zlib-compressed JSON [[tbl, row, col, value, derived, reason], …]
    figures BLOB NOT NULL        -- its indicators (indexer.indicators.stored_figures), kept with the cells
);
{TABLE_CELLS_VIEW}
CREATE TABLE IF NOT EXISTS report_checks (  -- a report's consistency checks (view: checks)
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    checks BLOB NOT NULL         -- zlib-compressed JSON [[check_id, ok, detail], …], ok 1, 0 or null
);
CREATE TABLE IF NOT EXISTS report_mentions (  -- a report's entity mentions (view: mentions)
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    mentions BLOB NOT NULL       -- zlib-compressed JSON [[kind, canonical, surface, start, end, sentence_start,
);                               -- sentence_end, section, attrs], …] in the order the pipeline found them
-- Entities per report (view: entity_reports), and running totals per entity, kept in step with the mentions
-- at every write: the entity questions and the graph read these instead of every mention.
CREATE TABLE IF NOT EXISTS entity_links (
    entity_id INTEGER NOT NULL,      -- entities.id
    report_id INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    articles TEXT NOT NULL,          -- the articles cited, comma-joined in order of mention
    versions TEXT NOT NULL,          -- the editions of a regulation named (2007, 2019), comma-joined
    issuer TEXT, issuer_mentions INTEGER NOT NULL,
    PRIMARY KEY (entity_id, report_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_links_report ON entity_links (report_id);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL, canonical TEXT NOT NULL,
    loose TEXT NOT NULL,             -- the name compared loosely (no 中华人民共和国, marks or spaces), or ''
                                     -- when that is the canonical name itself (view: entity_loose_names)
    attrs TEXT NOT NULL,             -- node attributes (stored_name): a document's kind, a platform's kind
    reports INTEGER NOT NULL, mentions INTEGER NOT NULL,
    places INTEGER NOT NULL DEFAULT 0,  -- its rows in entity_place_counts, counted by their triggers
    UNIQUE (kind, canonical)
);
{ENTITY_NAMES_DDL}
-- Running totals per entity, keyed by entities.id (views of the same names without _counts give names):
-- the reports per place ('' where a part of the region is unknown) and per year (0: unknown), the places
-- per province (by trigger), the mentions per printed form.
CREATE TABLE IF NOT EXISTS places (
    id INTEGER PRIMARY KEY,
    province TEXT NOT NULL, city TEXT NOT NULL, county TEXT NOT NULL,
    UNIQUE (province, city, county)
);
CREATE TABLE IF NOT EXISTS entity_place_counts (
    entity_id INTEGER NOT NULL, place_id INTEGER NOT NULL, reports INTEGER NOT NULL,
    PRIMARY KEY (entity_id, place_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_place_counts_place ON entity_place_counts (place_id);
CREATE TABLE IF NOT EXISTS entity_province_counts (
    province TEXT NOT NULL, entity_id INTEGER NOT NULL, places INTEGER NOT NULL,
    PRIMARY KEY (province, entity_id)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS entity_place_counted AFTER INSERT ON entity_place_counts BEGIN
    UPDATE entities SET places = places + 1 WHERE id = new.entity_id;
    INSERT INTO entity_province_counts SELECT province, new.entity_id, 1 FROM places WHERE id = new.place_id
        ON CONFLICT DO UPDATE SET places = places + 1;
END;
CREATE TRIGGER IF NOT EXISTS entity_place_uncounted AFTER DELETE ON entity_place_counts BEGIN
    UPDATE entities SET places = places - 1 WHERE id = old.entity_id;
    UPDATE entity_province_counts SET places = places - 1
        WHERE entity_id = old.entity_id AND province = (SELECT province FROM places WHERE id = old.place_id);
    DELETE FROM entity_province_counts WHERE entity_id = old.entity_id AND places <= 0;
END;
CREATE TABLE IF NOT EXISTS entity_year_counts (
    entity_id INTEGER NOT NULL, year INTEGER NOT NULL, reports INTEGER NOT NULL,
    PRIMARY KEY (entity_id, year)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_surface_counts (
    entity_id INTEGER NOT NULL, surface TEXT NOT NULL, mentions INTEGER NOT NULL,
    PRIMARY KEY (entity_id, surface)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,              -- problem | fix
    idx INTEGER NOT NULL,            -- its place among the report's items
    start INTEGER NOT NULL, end INTEGER NOT NULL  -- its text: the report's text[start:end]
);                                   -- its categories: item_categories; the model keeps the matched words
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
{INDEX_QUEUE_DDL}  -- changed reports the index has not committed yet
{CURATION_DDL}  -- entity decisions (indexer.curation), applied to the mentions
{FETCH_DDL}
CREATE TABLE IF NOT EXISTS zdicts (  -- the preset dictionaries the compressed values were made with (pack)
    id INTEGER PRIMARY KEY,          -- zlib's id of the dictionary (its Adler-32), which each value names
    kind TEXT NOT NULL, data BLOB NOT NULL
);
"""
# The search tables of schema 8 and before, replaced by the embedded index.
_OLD_INDEX_TABLES = ("word_batches", "word_postings", "phrase_postings", "word_docs", "fts_trigram", "fts_bigram")


# The kinds of value compressed against a preset dictionary: ``data/zdicts/<kind>.zdict``, made from the
# sample reports by ``tools/build_zdicts.py``. A report's values are a few kilobytes each, too short for
# zlib to learn the template's wording and the model's keys from the value alone; with the dictionary
# the text takes 0.30× its size instead of 0.42× (the samples, each against a dictionary of the other
# four) and the model half as much. Since schema 14 values are zstd frames, which with the same
# dictionaries take 10 % less than zlib's and compress faster (``ZSTD_LEVEL``). Each value names its
# dictionary (a zstd value: a 0xFD byte and the dictionary's id before the frame; a zlib one: its
# DICTID), and the store keeps a copy of every dictionary it used (``zdicts``): a store reads alike
# whatever the files hold later.
ZDICT_KINDS = ("text", "model", "cells", "figures", "mentions", "passages", "checks")
_shipped: dict[str, bytes | None] = {}
_known: dict[int, bytes] = {}  # every dictionary seen, by its id: the files' and the stores'


def zdict(kind: str) -> bytes | None:
    """The preset dictionary new values of ``kind`` are compressed against (None: the file is missing)."""
    if kind not in _shipped:
        path = data_dir() / "zdicts" / f"{kind}.zdict"
        data = path.read_bytes() if path.is_file() else None
        _shipped[kind] = data
        if data:
            _known[zlib.adler32(data)] = data
    return _shipped[kind]


ZSTD_LEVEL = 9  # 10 % smaller than zlib's level 6 and a third faster (1,000 generated reports, all kinds)
_ZSTD = 0xFD  # a value's first byte: a zstd frame follows the dictionary's id (never a zlib header's)
_codecs = threading.local()  # zstd's compressors and decompressors are not to be shared between threads


def _preset(dict_id: int) -> zstandard.ZstdCompressionDict | None:
    if not dict_id:
        return None
    return zstandard.ZstdCompressionDict(_known[dict_id], dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def _compressor(dict_id: int) -> zstandard.ZstdCompressor:
    made = _codecs.__dict__.setdefault("compressors", {})
    if dict_id not in made:
        made[dict_id] = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=_preset(dict_id))
    return made[dict_id]


def _decompressor(dict_id: int) -> zstandard.ZstdDecompressor:
    made = _codecs.__dict__.setdefault("decompressors", {})
    if dict_id not in made:
        made[dict_id] = zstandard.ZstdDecompressor(dict_data=_preset(dict_id))
    return made[dict_id]


def pack(text: str, kind: str | None = None) -> bytes:
    """Text as the store keeps it (the normalized text, the model's JSON, a report's rows as JSON):
    a zstd frame, compressed against the preset dictionary of its kind when there is one."""
    preset = zdict(kind) if kind else None
    dict_id = zlib.adler32(preset) if preset else 0
    return bytes([_ZSTD]) + dict_id.to_bytes(4, "big") + _compressor(dict_id).compress(text.encode("utf-8"))


def dictionary_id(blob: bytes) -> int:
    """The id of the dictionary a stored value was compressed against (0: none)."""
    if blob[0] == _ZSTD:
        return int.from_bytes(blob[1:5], "big")
    return int.from_bytes(blob[2:6], "big") if len(blob) >= 6 and blob[1] & 0x20 else 0


def unzip(blob: bytes | str | None) -> str | None:
    """What ``pack`` stored, as text; also the SQL function ``unzip`` of every connection."""
    if blob is None or isinstance(blob, str):
        return blob
    return _inflate(blob).decode("utf-8")


def _inflate(blob: bytes) -> bytes:
    dict_id = dictionary_id(blob)
    if dict_id:
        _need(dict_id)
    if blob[0] == _ZSTD:
        return _decompressor(dict_id).decompress(blob[5:])
    if not dict_id:  # zlib without a dictionary: compressed alone (schema 12 and before)
        return zlib.decompress(blob)
    unpacker = zlib.decompressobj(zdict=_known[dict_id])
    return unpacker.decompress(blob) + unpacker.flush()


def _need(dict_id: int) -> None:
    if dict_id not in _known:
        for kind in ZDICT_KINDS:
            zdict(kind)
    if dict_id not in _known:
        raise NianbaoError(f"a stored value needs compression dictionary {dict_id:#010x}, which this store lacks")


def _keep_zdicts(conn: sqlite3.Connection, write: bool) -> None:
    """Learn the dictionaries a store holds; a writable connection first adds those new values will use."""
    held = {i for (i,) in conn.execute("SELECT id FROM zdicts")}
    if write:
        missing = []
        for kind in ZDICT_KINDS:
            data = zdict(kind)
            if data and zlib.adler32(data) not in held:
                missing.append((zlib.adler32(data), kind, data))
        if missing:
            conn.executemany("INSERT OR IGNORE INTO zdicts VALUES (?, ?, ?)", missing)
            held.update(i for i, _, _ in missing)
    for i in held - _known.keys():
        _known[i] = conn.execute("SELECT data FROM zdicts WHERE id = ?", (i,)).fetchone()[0]


def pack_original(original: str, text: str) -> bytes:
    """The original text compressed with the normalized text as zlib's preset dictionary: where the two are
    alike (most of a report), the original costs a few bytes."""
    packer = zlib.compressobj(6, zdict=_zdict(text))
    return packer.compress(original.encode("utf-8")) + packer.flush()


def unpack_original(blob: bytes, text: str) -> str:
    """What ``pack_original`` stored (or, from a store before schema 11, the original compressed alone)."""
    if len(blob) > 1 and blob[1] & 0x20:  # zlib's FDICT flag: compressed against a preset dictionary
        unpacker = zlib.decompressobj(zdict=_zdict(text))
        return (unpacker.decompress(blob) + unpacker.flush()).decode("utf-8")
    return zlib.decompress(blob).decode("utf-8")


def _zdict(text: str) -> bytes:
    return text.encode("utf-8")[-32768:]  # zlib's window: only the dictionary's last 32 KB is used


def pack_json(value: Any, kind: str | None = None) -> bytes:
    return pack(json.dumps(value, ensure_ascii=False, separators=(",", ":")), kind)


def pack_mentions(mentions: list) -> bytes:
    """A report's mentions as ``report_mentions`` stores them (the rows of ``MentionRow``'s fields, attrs a
    dict or its JSON). Each entity (kind, name, attrs) and each section kind is written once, and each
    mention as [entity, surface, start − the previous start, length, start − its sentence's start, its
    sentence's end − end, section], the surface 0 when it is the name: a third of the size of a list of
    whole rows. ``mention_rows`` gives the whole rows back (the ``mentions`` view reads them through it)."""
    entities: dict[tuple[str, str, str], int] = {}
    written: list[list] = []
    sections: dict[str | None, int] = {}
    rows, previous = [], 0
    for kind, canonical, surface, start, end, sentence_start, sentence_end, section, attrs in mentions:
        attrs = json.loads(attrs) if isinstance(attrs, str) else attrs
        key = (kind, canonical, json.dumps(attrs, ensure_ascii=False, sort_keys=True))
        if key not in entities:
            entities[key] = len(written)
            written.append([kind, canonical, attrs])
        e = entities[key]
        s = sections.setdefault(section, len(sections))
        named = 0 if surface == canonical else surface
        rows.append([e, named, start - previous, end - start, start - sentence_start, sentence_end - end, s])
        previous = start
    return pack_json({"e": written, "s": list(sections), "m": rows}, "mentions")


def mention_rows(blob: bytes | None) -> str | None:
    """What ``pack_mentions`` stored, as the JSON list of whole rows [kind, canonical, surface, start, end,
    sentence_start, sentence_end, section, attrs] (a value of schema 14 and before already is one); also
    the SQL function ``mention_rows`` of every connection."""
    value = _compact_value(blob)
    if not isinstance(value, dict):
        return value
    entities, sections, rows, start = value["e"], value["s"], [], 0
    for e, named, step, length, before, after, s in value["m"]:
        kind, canonical, attrs = entities[e]
        start += step
        end = start + length
        surface = canonical if named == 0 else named
        rows.append([kind, canonical, surface, start, end, start - before, end + after, sections[s], attrs])
    return json.dumps(rows, ensure_ascii=False)


def _compact_value(blob: bytes | None) -> dict[str, Any] | str | None:
    """A stored value of ``pack_mentions`` or ``pack_passages``: the compact object, or, for a value of
    schema 14 and before (already the JSON list of rows) or a NULL, what the reader returns as it is."""
    if blob is None:
        return None
    text = _inflate(blob).decode("utf-8")
    return json.loads(text) if text.startswith("{") else text


def pack_passages(passages: list) -> bytes:
    """A report's lines as ``report_passages`` stores them (rows of [kind, start, end, orig_start,
    orig_end]): each section kind once, and each line as [kind, start − the previous end, length, how
    much farther its original start lies than the previous line's, how much longer its original is],
    small numbers that are mostly 1, a length and 0. ``passage_rows`` gives the rows back."""
    kinds: dict[str | None, int] = {}
    rows, end, shift = [], 0, 0
    for kind, start, stop, o_start, o_end in passages:
        k = kinds.setdefault(kind, len(kinds))
        rows.append([k, start - end, stop - start, o_start - start - shift, (o_end - o_start) - (stop - start)])
        end, shift = stop, o_start - start
    return pack_json({"k": list(kinds), "p": rows}, "passages")


def passage_rows(blob: bytes | None) -> str | None:
    """What ``pack_passages`` stored, as the JSON list of rows (a value of schema 14 and before already is
    one); also the SQL function ``passage_rows`` of every connection."""
    value = _compact_value(blob)
    if not isinstance(value, dict):
        return value
    kinds, rows, end, shift = value["k"], [], 0, 0
    for k, gap, length, moved, longer in value["p"]:
        start = end + gap
        end = start + length
        shift += moved
        rows.append([kinds[k], start, end, start + shift, start + shift + length + longer])
    return json.dumps(rows, ensure_ascii=False)


_ITEM_KINDS = ("problems", "fixes")


def pack_model(model: dict[str, Any], text: str) -> bytes:
    """The parsed model as the store keeps it: without its mentions (``report_mentions`` holds them), with
    its sources packed by ``pack_sources``, and each problem and fix without its text and summary where
    they are the normalized ``text`` at its offsets and that text's summary (``unpack_model`` gives
    them back)."""
    kept = {k: v for k, v in model.items() if k != "mentions"}
    kept["sources"] = pack_sources(model.get("sources") or {}, model)
    for kind in _ITEM_KINDS:
        if kind in kept:
            kept[kind] = [_item_without_text(item, text) for item in kept[kind]]
    return pack_json(kept, "model")


def _item_without_text(item: dict[str, Any], text: str) -> dict[str, Any]:
    """A problem or fix as ``pack_model`` keeps it: its text and summary left out when the text gives them."""
    body = text[item["start"] : item["end"]]
    if item.get("text") != body or item.get("summary") != item_summary(body):
        return item
    return {k: v for k, v in item.items() if k not in ("summary", "text")}


def unpack_model(blob: bytes, text: str) -> dict[str, Any]:
    """A stored model as a dict, each source as {start, end, original_start, original_end, line, page};
    ``text`` is the report's normalized text, which its problems and fixes are read from."""
    model = json.loads(_inflate(blob))
    for kind in _ITEM_KINDS:
        for i, item in enumerate(model.get(kind) or ()):
            if "text" not in item:
                body = text[item["start"] : item["end"]]
                model[kind][i] = {"summary": item_summary(body), "text": body, **item}
    sources = model.get("sources") or {}
    if isinstance(sources, list):
        model["sources"] = unpack_sources(sources, model)
        return model
    for key, at in sources.items():  # schema 11: one list per source
        if isinstance(at, list):
            start, end, o_start, o_end, line, page = at
            sources[key] = _source(start, end, start + o_start, end + o_end, line, page)
    return model


def _source(start: int, end: int, o_start: int, o_end: int, line: int | None, page: int | None) -> dict[str, Any]:
    return {"start": start, "end": end, "original_start": o_start, "original_end": o_end, "line": line, "page": page}


def source_keys(model: dict[str, Any]) -> list[str]:
    """The keys a model's sources may have, in a fixed order made from the model itself: its table cells
    ('table/row/column') in the tables' order, then its prose figures ('figure/<key>')."""
    keys = []
    for table in ("proactive", "review_litigation"):
        for row, fields in (model.get(table) or {}).items():
            if isinstance(fields, dict):
                keys += [f"{table}/{row}/{f}" for f in fields]
    requests = model.get("requests") or {}
    columns = requests.get("columns") or []
    for row in requests.get("rows") or {}:
        keys += [f"requests/{row}/{c}" for c in columns]
    keys += [f"figure/{key}" for key in model.get("narrative_figures") or {}]
    return keys


def pack_sources(sources: dict[str, dict[str, Any]], model: dict[str, Any]) -> list:
    """A model's sources as columns of small numbers, which compress to a tenth of one object per key:
    [key numbers, other keys, starts, lengths, original start shifts, original end shifts, lines, pages].
    A key is its gap to the previous one in ``source_keys(model)`` (a key outside that list is written out),
    each start is its gap to the previous start, each line its gap to the previous line."""
    order = {key: i for i, key in enumerate(source_keys(model))}
    known = sorted((order[k], k) for k in sources if k in order)
    others = [k for k in sources if k not in order]
    keys = [k for _, k in known] + others
    numbers, last = [], -1
    for i, _ in known:
        numbers.append(i - last)
        last = i
    columns: list[list] = [[] for _ in range(6)]
    start = line = 0
    for key in keys:
        at = sources[key]
        columns[0].append(at["start"] - start)
        columns[1].append(at["end"] - at["start"])
        columns[2].append(at["original_start"] - at["start"])
        columns[3].append(at["original_end"] - at["original_start"] - (at["end"] - at["start"]))
        columns[4].append(None if at.get("line") is None else at["line"] - line)
        columns[5].append(at.get("page"))
        start = at["start"]
        line = line if at.get("line") is None else at["line"]
    if not any(p is not None for p in columns[5]):
        columns[5] = []
    return [numbers, others, *columns]


def unpack_sources(packed: list, model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What ``pack_sources`` made, as {key: {start, end, original_start, original_end, line, page}}."""
    numbers, others, starts, lengths, shifts, widths, lines, pages = packed
    order = source_keys(model)
    keys, i = [], -1
    for gap in numbers:
        i += gap
        keys.append(order[i])
    keys += others
    out: dict[str, dict[str, Any]] = {}
    start = line = 0
    for k, key in enumerate(keys):
        start += starts[k]
        end = start + lengths[k]
        o_start = start + shifts[k]
        this_line = None if lines[k] is None else line + lines[k]
        out[key] = _source(
            start, end, o_start, o_start + lengths[k] + widths[k], this_line, pages[k] if pages else None
        )
        line = line if this_line is None else this_line
    return out


def sql_functions(conn: sqlite3.Connection) -> None:
    """Give a connection the SQL functions the store's views use (``unzip``, ``mention_rows``,
    ``passage_rows``): every connection ``connect`` opens has them; a plain ``sqlite3`` connection to a
    store needs this."""
    conn.create_function("unzip", 1, unzip, deterministic=True)
    conn.create_function("mention_rows", 1, mention_rows, deterministic=True)
    conn.create_function("passage_rows", 1, passage_rows, deterministic=True)


def default_db_path() -> Path:
    return Path(os.environ.get("NIANBAO_DB") or data_dir() / "nianbao.db")


def connect(path: str | Path | None = None, readonly: bool = False) -> sqlite3.Connection:
    """Open (and create) the store; WAL lets readers query while an ingest writes."""
    db = Path(path) if path else default_db_path()
    if readonly:
        if not db.exists():
            raise NianbaoError("no store here yet; run `nianbao ingest` first", db)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        sql_functions(conn)
        schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if schema and (schema[0] in _UPGRADES or _stale_figures(conn)):  # upgraded once, then opened read-only
            conn.close()
            connect(db).close()
            return connect(db, readonly=True)
        if schema and schema[0] != SCHEMA_VERSION:
            raise _schema_error(schema[0], db)
        if schema:
            _keep_zdicts(conn, write=False)
    else:
        db.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=10000")  # before anything below waits for another writer
        sql_functions(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        stored = _stored_schema(conn)
        if stored is None:
            conn.executescript(_SCHEMA + COMPACT_VIEWS)
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            _keep_zdicts(conn, write=True)
        else:
            _upgrade(conn, stored, db)
        if _stale_figures(conn):  # a read first: no write lock taken when there is nothing to do
            with transaction(conn):
                refresh_figures(conn)
    conn.execute("PRAGMA busy_timeout=10000")
    conn.row_factory = sqlite3.Row
    return conn


def _stored_schema(conn: sqlite3.Connection) -> str | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return row[0] if row else None


def _upgrade(conn: sqlite3.Connection, schema: str, db: Path) -> None:
    """Run the upgrade steps from the stored schema to this one, each in its own transaction."""
    conn.executescript(_SCHEMA)  # the tables an older schema lacks (its own stay as they are)
    _keep_zdicts(conn, write=True)  # before the steps, which may write compressed values
    while schema in _UPGRADES:
        with transaction(conn):
            UPGRADE_STEPS[schema](conn)
            schema = _UPGRADES[schema]
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (schema,))
    if schema != SCHEMA_VERSION:
        raise _schema_error(schema, db)


def _schema_error(schema: str | None, db: Path) -> NianbaoError:
    """What to do with a store of another schema: older schemas are upgraded by the next write."""
    upgrade = "run `nianbao ingest` once to upgrade it" if schema in _UPGRADES else "delete it and ingest again"
    return NianbaoError(f"store schema {schema} is not {SCHEMA_VERSION}; {upgrade}", db)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# ------------------------------------------------------------------ upgrade steps (in the caller's transaction)


def _upgrade_from_4(conn: sqlite3.Connection) -> None:
    """Schema 4 → 5: fill the entity tables from the stored mentions, as an ingest would have."""
    from indexer.store.entities import relink_all

    relink_all(conn)


def _upgrade_from_5(conn: sqlite3.Connection) -> None:
    """Schema 5 → 6: the fts_words index goes (schema 6 rebuilt its search tables, which schema 9 drops)."""
    conn.execute("DROP TABLE IF EXISTS fts_words")


def _upgrade_from_6(conn: sqlite3.Connection) -> None:
    """Schema 6 → 7: the phrase index (now part of the embedded index: nothing to do)."""


def _upgrade_from_7(conn: sqlite3.Connection) -> None:
    """Schema 7 → 8: reports get their stable ids, sources and versions (``corpus.upgrade_identities``)."""
    from indexer.corpus import upgrade_identities

    upgrade_identities(conn)


def _upgrade_from_9(conn: sqlite3.Connection) -> None:
    """Schema 9 → 10: the record store gets compact — a report's table cells become one compressed value
    (``report_cells``) instead of ~190 indexed rows, and the normalized texts are stored compressed."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS report_cells (report_id INTEGER PRIMARY KEY REFERENCES reports (id),"
        " cells BLOB NOT NULL, figures BLOB NOT NULL)"
    )
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'table_cells' AND type = 'table'").fetchone():
        rows: dict[int, list] = {rid: [] for (rid,) in conn.execute("SELECT id FROM reports")}
        for rid, *cell in conn.execute(
            "SELECT report_id, tbl, row, col, value, derived, reason FROM table_cells ORDER BY report_id, rowid"
        ):
            rows.setdefault(rid, []).append(cell)
        packed = [(r, pack_cells(c)) for r, c in rows.items()]
        conn.executemany("INSERT OR REPLACE INTO report_cells VALUES (?, ?, '')", packed)
        conn.execute("DROP TABLE table_cells")
    conn.execute(TABLE_CELLS_VIEW)
    conn.execute("DELETE FROM meta WHERE key = 'indicators'")  # the figures are computed once it is open
    for table in ("reports", "versions"):
        texts = conn.execute(f"SELECT id, text FROM {table} WHERE typeof(text) = 'text'").fetchall()
        conn.executemany(f"UPDATE {table} SET text = ? WHERE id = ?", [(pack(t), i) for i, t in texts])


def _stale_figures(conn: sqlite3.Connection) -> bool:
    from indexer.indicators import INDICATORS_VERSION

    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'report_cells'").fetchone() is None:
        return False
    stored = conn.execute("SELECT value FROM meta WHERE key = 'indicators'").fetchone()
    return not stored or stored[0] != INDICATORS_VERSION


def refresh_figures(conn: sqlite3.Connection) -> None:
    """Recompute every report's stored indicators when the definitions changed (``INDICATORS_VERSION``);
    in the caller's transaction."""
    from indexer.indicators import INDICATORS_VERSION, stored_figures

    stored = conn.execute("SELECT value FROM meta WHERE key = 'indicators'").fetchone()
    if stored and stored[0] == INDICATORS_VERSION:
        return
    if "figures" not in [c[1] for c in conn.execute("PRAGMA table_info(report_cells)")]:
        conn.execute("ALTER TABLE report_cells ADD COLUMN figures BLOB NOT NULL DEFAULT ''")
    missing = conn.execute("SELECT id FROM reports WHERE id NOT IN (SELECT report_id FROM report_cells)").fetchall()
    conn.executemany("INSERT INTO report_cells VALUES (?, ?, '')", [(rid, pack_cells([])) for (rid,) in missing])
    checks: dict[int, list] = {}
    for rid, check_id, ok in conn.execute("SELECT report_id, check_id, ok FROM checks"):
        checks.setdefault(rid, []).append((check_id, ok))
    rows = conn.execute(
        "SELECT c.report_id, r.template, c.cells FROM report_cells c JOIN reports r ON r.id = c.report_id"
    )
    conn.executemany(
        "UPDATE report_cells SET figures = ? WHERE report_id = ?",
        [
            (stored_figures(t, json.loads(unzip(cells) or "[]"), checks.get(rid, [])), rid)
            for rid, t, cells in rows.fetchall()
        ],
    )
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('indicators', ?)", (INDICATORS_VERSION,))


def pack_cells(cells: list) -> bytes:
    """A report's cells, [[tbl, row, col, value, derived, reason], …], as ``report_cells`` stores them."""
    return pack(json.dumps(cells, ensure_ascii=False, separators=(",", ":")), "cells")


def _upgrade_from_8(conn: sqlite3.Connection) -> None:
    """Schema 8 → 9: the hand-made search tables go; the embedded index is built from the stored text
    the next time the store is opened for searching or writing (it has no index marker yet)."""
    for table in _OLD_INDEX_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(INDEX_QUEUE_DDL)
    conn.execute("DELETE FROM meta WHERE key IN ('segmentation', 'phrases', 'index_token')")


def _upgrade_from_10(conn: sqlite3.Connection) -> None:
    """Schema 10 → 11: a report's mentions and passages become one compressed value each (read through the
    views of the same names), its entity rows name the entity by id, the original is compressed against
    the normalized text and the model drops what the rows hold; the entity tables are rebuilt from the
    mentions, as an ingest would have written them."""
    from indexer.store.entities import publishing_agency, relink_all

    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    for table, columns, packed in (
        (
            "mentions",
            "kind, canonical, surface, start, end, sentence_start, sentence_end, section, attrs",
            "report_mentions",
        ),
        ("passages", "kind, start, end, orig_start, orig_end", "report_passages"),
    ):
        if kinds.get(table) != "table":
            continue
        values: dict[int, list] = {}
        for rid, *row in conn.execute(
            f"SELECT report_id, {columns} FROM {table}"
            " WHERE report_id IN (SELECT id FROM reports) ORDER BY report_id, id"
        ):
            if table == "mentions":
                row[-1] = json.loads(row[-1])  # attrs: an object inside the value, as an ingest stores it
            values.setdefault(rid, []).append(row)
        conn.executemany(
            f"INSERT OR REPLACE INTO {packed} VALUES (?, ?)", [(r, pack_json(v)) for r, v in values.items()]
        )
        conn.execute(f"DROP TABLE {table}")
    for table in ("entity_reports", "entity_places", "entity_provinces", "entity_years", "entity_surfaces"):
        if kinds.get(table) == "table":  # rebuilt below by entity id (with views of these names)
            conn.execute(f"DROP TABLE {table}")
    if "agency" not in [c[1] for c in conn.execute("PRAGMA table_info(reports)")]:
        conn.execute("ALTER TABLE reports ADD COLUMN agency TEXT")
    conn.executemany(
        "UPDATE reports SET agency = ? WHERE id = ?",
        [
            (publishing_agency(publisher, province, city, county), rid)
            for rid, publisher, province, city, county in conn.execute(
                "SELECT id, publisher, province, city, county FROM reports"
            ).fetchall()
        ],
    )
    _make_compact_views(conn)
    for table in ("reports", "versions"):
        rows = conn.execute(f"SELECT id, unzip(text), original, model FROM {table}").fetchall()
        conn.executemany(
            f"UPDATE {table} SET original = ?, model = ? WHERE id = ?",
            [(pack_original(unpack_original(o, t), t), pack_model(unpack_model(m, t), t), i) for i, t, o, m in rows],
        )
    relink_all(conn)


def _upgrade_from_11(conn: sqlite3.Connection) -> None:
    """Schema 11 → 12: each model's sources are stored as columns of small numbers (``pack_sources``), and a
    report's checks become one compressed value (read through the view ``checks``)."""
    if conn.execute("SELECT type FROM sqlite_master WHERE name = 'checks'").fetchone() == ("table",):
        values: dict[int, list] = {}
        for rid, *row in conn.execute(
            "SELECT report_id, check_id, ok, detail FROM checks"
            " WHERE report_id IN (SELECT id FROM reports) ORDER BY report_id, rowid"
        ):
            values.setdefault(rid, []).append(row)
        conn.executemany(
            "INSERT OR REPLACE INTO report_checks VALUES (?, ?)", [(r, pack_json(v)) for r, v in values.items()]
        )
        conn.execute("DROP TABLE checks")
        conn.execute(CHECKS_VIEW)
    for table in ("reports", "versions"):
        _repack_models(conn, table)


# Every value ``pack`` writes: (table, key, column, kind).
PACKED_COLUMNS = (
    ("reports", "id", "text", "text"),
    ("reports", "id", "model", "model"),
    ("versions", "id", "text", "text"),
    ("versions", "id", "model", "model"),
    ("report_cells", "report_id", "cells", "cells"),
    ("report_cells", "report_id", "figures", "figures"),
    ("report_mentions", "report_id", "mentions", "mentions"),
    ("report_passages", "report_id", "passages", "passages"),
    ("report_checks", "report_id", "checks", "checks"),
)


def _upgrade_from_12(conn: sqlite3.Connection) -> None:
    """Schema 12 → 13: every compressed value was compressed again against its kind's preset dictionary;
    the 13 → 14 step that follows compresses every value again as ``pack`` does now, so nothing is done
    here (the values read as they are meanwhile)."""


def _repack(conn: sqlite3.Connection) -> None:
    """Every compressed value compressed again as ``pack`` does now."""
    for table, key, column, kind in PACKED_COLUMNS:
        _rewrite_column(conn, table, key, column, lambda b, kind=kind: pack(unzip(b), kind))


def _rewrite_column(
    conn: sqlite3.Connection, table: str, key: str, column: str, rewrite: Callable[[bytes], bytes]
) -> None:
    """Every value of ``table.column`` replaced by what ``rewrite`` makes of it, a thousand rows at a time."""
    last = -1
    while rows := conn.execute(
        f"SELECT {key}, {column} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT 1000", (last,)
    ).fetchall():
        conn.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", [(rewrite(b), k) for k, b in rows])
        last = rows[-1][0]


def _repack_models(conn: sqlite3.Connection, table: str) -> None:
    """Every model of ``table`` (reports or versions) packed again as ``pack_model`` does now."""
    rows = conn.execute(f"SELECT id, unzip(text), model FROM {table}").fetchall()
    conn.executemany(
        f"UPDATE {table} SET model = ? WHERE id = ?", [(pack_model(unpack_model(m, t), t), i) for i, t, m in rows]
    )


def _make_compact_views(conn: sqlite3.Connection) -> None:
    """The views of ``COMPACT_VIEWS`` (those missing), in the caller's transaction."""
    for statement in _statements(COMPACT_VIEWS):
        conn.execute(statement)


def _upgrade_from_13(conn: sqlite3.Connection) -> None:
    """Schema 13 → 14: an item no longer keeps its text (the report's text[start:end]) or its categories as
    JSON (``item_categories`` holds them, the taxonomy their labels), and every compressed value becomes
    a zstd frame."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
    for column in ("text", "categories"):
        if column in columns:
            conn.execute(f"ALTER TABLE items DROP COLUMN {column}")
    _repack(conn)


def _upgrade_from_14(conn: sqlite3.Connection) -> None:
    """Schema 14 → 15: a report's mentions and lines are stored as ``pack_mentions`` and ``pack_passages``
    write them now (each entity and kind once, offsets as steps), read through the SQL functions
    ``mention_rows`` and ``passage_rows``."""
    conn.execute("DROP VIEW IF EXISTS mentions")
    conn.execute("DROP VIEW IF EXISTS passages")
    _make_compact_views(conn)
    for table, column, pack_rows, read_rows in (
        ("report_mentions", "mentions", pack_mentions, mention_rows),
        ("report_passages", "passages", pack_passages, passage_rows),
    ):
        _rewrite_column(conn, table, "report_id", column, lambda b, p=pack_rows, r=read_rows: p(json.loads(r(b))))


def _statements(script: str) -> Iterator[str]:
    """A script's statements one by one (a trigger's body included in its statement), for a transaction
    that ``executescript`` would commit."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def _upgrade_from_15(conn: sqlite3.Connection) -> None:
    """Schema 15 → 16: an entity keeps its loose name only where it is not its canonical name (else ''),
    a document's family is no longer stored (``documents.family_key`` of its name: ``node_attrs_of``),
    and the covering index of the entities' counts goes; the trigram index of names reads a view. A
    model's problems and fixes no longer repeat their text (``pack_model``)."""
    conn.execute("DROP INDEX IF EXISTS entities_counts")
    conn.execute("DROP INDEX IF EXISTS entities_loose")
    for trigger in ("entity_named", "entity_unnamed"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS entity_names")
    from indexer.store.entities import stored_name

    rows = conn.execute("SELECT id, kind, canonical, attrs FROM entities").fetchall()
    conn.executemany(
        "UPDATE entities SET loose = ?, attrs = ? WHERE id = ?",
        [(*stored_name(kind, canonical, json.loads(attrs)), i) for i, kind, canonical, attrs in rows],
    )
    for statement in _statements(ENTITY_NAMES_DDL):
        conn.execute(statement)
    conn.execute("INSERT INTO entity_names (entity_names) VALUES ('rebuild')")
    for table in ("reports", "versions"):
        _repack_models(conn, table)


UPGRADE_STEPS = {
    "4": _upgrade_from_4,
    "5": _upgrade_from_5,
    "6": _upgrade_from_6,
    "7": _upgrade_from_7,
    "8": _upgrade_from_8,
    "9": _upgrade_from_9,
    "10": _upgrade_from_10,
    "11": _upgrade_from_11,
    "12": _upgrade_from_12,
    "13": _upgrade_from_13,
    "14": _upgrade_from_14,
    "15": _upgrade_from_15,
}
