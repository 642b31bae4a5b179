"""The per-report entity rows and running totals stay equal to what the mentions say, through
ingest, replace and the upgrade of a schema-4 store."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

from builders import with_changed_cell
from hypothesis import given
from hypothesis import strategies as st

from indexer.ingest import ingest
from indexer.search import SearchQuery, SqliteBackend
from indexer.store import SCHEMA_VERSION, connect, sql_functions, unzip

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
TABLES = ("entity_reports", "entities", "entity_places", "entity_provinces", "entity_years", "entity_surfaces")


def _open(db: Path) -> sqlite3.Connection:
    """The store as plain SQLite, with the functions its views of compressed values use."""
    conn = sqlite3.connect(db)
    sql_functions(conn)
    return conn


def _from_mentions(conn: sqlite3.Connection) -> dict[str, Counter]:
    """The totals recomputed from scratch out of the mentions and reports."""
    entities: Counter = Counter()
    places: Counter = Counter()
    years: Counter = Counter()
    for kind, canonical, n, province, city, county, year in conn.execute(
        "SELECT m.kind, m.canonical, count(*), r.province, r.city, r.county, r.year"
        " FROM mentions m JOIN reports r ON r.id = m.report_id GROUP BY m.report_id, m.kind, m.canonical"
    ):
        entities[(kind, canonical, "reports")] += 1
        entities[(kind, canonical, "mentions")] += n
        place = (kind, canonical, province or "", city or "", county or "")
        entities[(kind, canonical, "places")] += place not in places
        places[place] += 1
        years[(kind, canonical, year or 0)] += 1
    surfaces = Counter(
        {
            tuple(row[:3]): row[3]
            for row in conn.execute("SELECT kind, canonical, surface, count(*) FROM mentions GROUP BY 1, 2, 3")
        }
    )
    provinces = Counter((province, kind, canonical) for kind, canonical, province, _, _ in places)
    return {
        "entities": entities,
        "entity_places": places,
        "entity_provinces": provinces,
        "entity_years": years,
        "entity_surfaces": surfaces,
    }


def _stored(conn: sqlite3.Connection) -> dict[str, Counter]:
    entities: Counter = Counter()
    for kind, canonical, reports, mentions, places in conn.execute(
        "SELECT kind, canonical, reports, mentions, places FROM entities"
    ):
        entities[(kind, canonical, "reports")] = reports
        entities[(kind, canonical, "mentions")] = mentions
        entities[(kind, canonical, "places")] = places
    return {
        "entities": entities,
        "entity_places": Counter({tuple(r[:5]): r[5] for r in conn.execute("SELECT * FROM entity_places")}),
        "entity_provinces": Counter({tuple(r[:3]): r[3] for r in conn.execute("SELECT * FROM entity_provinces")}),
        "entity_years": Counter({tuple(r[:3]): r[3] for r in conn.execute("SELECT * FROM entity_years")}),
        "entity_surfaces": Counter({tuple(r[:3]): r[3] for r in conn.execute("SELECT * FROM entity_surfaces")}),
    }


def _snapshot(db: Path) -> dict[str, list]:
    conn = _open(db)
    out = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in TABLES}
    out["entity_names"] = sorted(
        conn.execute("SELECT rowid, loose FROM entity_names WHERE entity_names MATCH '公开条例'")
    )
    conn.close()
    return out


def test_totals_follow_the_mentions_through_a_replace(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    files = [Path(shutil.copy(s, folder / s.name)) for s in SAMPLES]
    db = tmp_path / "s.db"
    ingest([folder], db=db, workers=1)
    conn = _open(db)
    assert _stored(conn) == _from_mentions(conn)
    before = conn.execute("SELECT reports FROM entities WHERE kind = 'measure' AND canonical = '政府开放日'").fetchone()
    assert before == (3,)
    per_report = conn.execute("SELECT count(*), count(DISTINCT report_id) FROM entity_reports").fetchone()
    assert per_report[1] == 5 and per_report[0] == len(
        set(conn.execute("SELECT report_id, kind, canonical FROM mentions").fetchall())
    )

    target = files[1]
    text = target.read_text(encoding="utf-8")
    assert "政府开放日" in text
    target.write_text(text.replace("政府开放日", "座谈会").replace("走进政府", "参与座谈"), encoding="utf-8")
    assert ingest([folder], db=db, workers=1).count("updated") == 1
    conn = _open(db)
    assert _stored(conn) == _from_mentions(conn)
    after = conn.execute("SELECT reports FROM entities WHERE kind = 'measure' AND canonical = '政府开放日'").fetchone()
    assert after == (2,)


def test_totals_hold_when_a_report_is_replaced_in_the_transaction_that_added_it(tmp_path: Path) -> None:
    """The totals of a write transaction are added up and written at its end; a newer version of a report
    in the same run replaces the version written moments before, whose totals must be counted before
    they are taken out."""
    folder = tmp_path / "in"
    folder.mkdir()
    files = [Path(shutil.copy(s, folder / s.name)) for s in SAMPLES]
    for i in (0, 2):
        newer = folder / f"zz-{files[i].name}"
        newer.write_text(with_changed_cell(files[i].read_text(encoding="utf-8")), encoding="utf-8")
        os.utime(newer, (files[i].stat().st_mtime + 60,) * 2)
    db = tmp_path / "s.db"
    summary = ingest([folder], db=db, workers=1)
    assert (summary.ingested, summary.count("version")) == (5, 2)
    conn = _open(db)
    assert _stored(conn) == _from_mentions(conn)
    assert conn.execute("SELECT count(*) FROM reports").fetchone() == (5,)
    assert conn.execute("SELECT count(*) FROM versions").fetchone() == (2,)
    assert {p for (p,) in conn.execute("SELECT path FROM reports")} >= {str(folder / f"zz-{files[0].name}")}
    fresh = tmp_path / "fresh.db"
    ingest([folder], db=fresh, workers=1)
    assert _stored(conn) == _stored(_open(fresh))
    for needle in ("政府信息公开条例", "政务新媒体", "盐政办发〔2020〕43号"):
        hits = []
        for store in (db, fresh):
            backend = SqliteBackend(store)
            for mode in ("exact", "ranked"):
                result = backend.search(SearchQuery(needle, mode=mode, per_page=10))
                hits.append({h.path for h in result.hits})
            assert backend.index.searcher().num_docs == 5  # the replaced versions are out of the index
            backend.close()
        assert hits[:2] == hits[2:] and hits[0]


def test_a_schema_4_store_is_upgraded_on_the_next_write(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    expected = _snapshot(db)
    assert all(expected[t] for t in (*TABLES, "entity_names"))
    conn = _open(db)
    # The tables behind the views of TABLES (entity_reports reads entity_links, entity_places
    # entity_place_counts …); the place counts first, their triggers count into the others.
    for table in ("entity_links", "entity_place_counts", "entity_province_counts", "entity_year_counts"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM entity_surface_counts")
    conn.execute("DELETE FROM entities")
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema'")
    conn.commit()
    conn.close()

    connect(db, readonly=True).close()  # a reader upgrades an older store once
    assert _snapshot(db) == expected
    schema = connect(db, readonly=True).execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    assert schema == SCHEMA_VERSION


def test_a_schema_10_store_written_by_the_previous_version_upgrades_to_what_an_ingest_writes(tmp_path: Path) -> None:
    """tests/fixtures/schema10.db.gz: the five samples as the previous version stored them (mentions,
    passages and entity rows as rows, originals compressed alone, the mentions inside the model). Opened
    here it is upgraded to the current schema and holds what a fresh ingest of the same files holds."""
    import gzip

    from indexer.store import unpack_model, unpack_original, unzip

    old = tmp_path / "old.db"
    old.write_bytes(gzip.decompress((ROOT / "tests" / "fixtures" / "schema10.db.gz").read_bytes()))
    assert _open(old).execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("10",)
    fresh = tmp_path / "fresh.db"
    ingest([ROOT / "data" / "reports"], db=fresh, workers=1)
    upgraded, made = connect(old, readonly=True), connect(fresh, readonly=True)
    assert upgraded.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
    # The fixture predates the platforms and measures found beyond the lexicons (mentions marked
    # "discovered"): an upgrade converts what a store holds and does not extract again, so the rows
    # of those names are left out of the comparison.
    discovered = {c for (c,) in made.execute("SELECT canonical FROM mentions WHERE attrs LIKE '%\"discovered\"%'")}
    assert discovered
    for sql in (
        "SELECT r.uid, m.kind, m.canonical, m.surface, m.start, m.end, m.section, m.attrs"
        " FROM mentions m JOIN reports r ON r.id = m.report_id",
        "SELECT r.uid, p.kind, p.start, p.end, p.orig_start, p.orig_end"
        " FROM passages p JOIN reports r ON r.id = p.report_id",
        "SELECT r.uid, e.kind, e.canonical, e.province, e.year, e.agency, e.mentions, e.articles, e.versions, e.issuer"
        " FROM entity_reports e JOIN reports r ON r.id = e.report_id",
        "SELECT kind, canonical, reports, mentions, places FROM entities",
        "SELECT * FROM entity_places",
        "SELECT * FROM entity_provinces",
        "SELECT * FROM entity_years",
        "SELECT * FROM entity_surfaces",
    ):
        rows = sorted(map(tuple, upgraded.execute(sql)))
        fresh_rows = sorted(r for r in map(tuple, made.execute(sql)) if not discovered & set(r))
        assert rows and rows == fresh_rows, sql
    for uid, model, original, text in upgraded.execute("SELECT uid, model, original, text FROM reports"):
        m2, o2, t2 = made.execute("SELECT model, original, text FROM reports WHERE uid = ?", (uid,)).fetchone()
        ignore = ("path", "file")  # the fixture was made in another folder
        fresh_model = {k: v for k, v in unpack_model(m2, unzip(t2)).items() if k not in ignore}
        for key in ("platforms", "measures"):
            fresh_model[key] = [name for name in fresh_model[key] if name not in discovered]
        assert {k: v for k, v in unpack_model(model, unzip(text)).items() if k not in ignore} == fresh_model
        assert original[1] & 0x20  # compressed against the normalized text now
        assert unpack_original(original, unzip(text)) == unpack_original(o2, unzip(t2))


def test_a_schema_11_store_upgrades_its_models_to_the_packed_sources(tmp_path: Path) -> None:
    """Schema 11 kept one list per source, keyed by name; the upgrade rewrites every model in the packed
    columns, smaller, and each reads back as it was."""
    import json

    from indexer.store import unpack_model
    from indexer.store.schema import pack_json

    db = tmp_path / "s11.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    conn = _open(db)
    texts = dict(conn.execute("SELECT uid, unzip(text) FROM reports"))
    models = {uid: unpack_model(m, texts[uid]) for uid, m in conn.execute("SELECT uid, model FROM reports")}
    for uid, model in models.items():
        old = dict(model)
        old["sources"] = {
            key: [
                at["start"],
                at["end"],
                at["original_start"] - at["start"],
                at["original_end"] - at["end"],
                at["line"],
                at["page"],
            ]
            for key, at in model["sources"].items()
        }
        conn.execute("UPDATE reports SET model = ? WHERE uid = ?", (pack_json(old), uid))
    conn.execute("UPDATE meta SET value = '11' WHERE key = 'schema'")
    conn.commit()
    before = conn.execute("SELECT sum(length(model)) FROM reports").fetchone()[0]
    conn.close()

    upgraded = connect(db, readonly=True)
    assert upgraded.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
    for uid, blob in upgraded.execute("SELECT uid, model FROM reports"):
        assert isinstance(json.loads(unzip(blob))["sources"], list)
        assert unpack_model(blob, texts[uid]) == models[uid]
    assert upgraded.execute("SELECT sum(length(model)) FROM reports").fetchone()[0] < before * 0.85


def test_a_schema_14_store_upgrades_its_mentions_and_lines_to_the_compact_values(tmp_path: Path) -> None:
    """Schema 14 kept a report's mentions and lines as lists of whole rows, read by views over ``unzip``;
    the upgrade rewrites them as ``pack_mentions`` and ``pack_passages`` do now, and the ``mentions`` and
    ``passages`` views read the same rows."""
    import json

    from indexer.store.schema import mention_rows, pack_json, passage_rows

    db = tmp_path / "s14.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    conn = _open(db)
    views = {
        "mentions": "SELECT report_id, id, kind, canonical, surface, start, end, sentence_start, sentence_end,"
        " section, attrs FROM mentions ORDER BY id",
        "passages": "SELECT report_id, id, kind, start, end, orig_start, orig_end FROM passages ORDER BY id",
    }
    expected = {name: conn.execute(sql).fetchall() for name, sql in views.items()}
    assert len(expected["mentions"]) > 100 and any(r[3] != r[4] for r in expected["mentions"])  # surface ≠ name
    assert len(expected["passages"]) > 100 and any(r[5] != r[3] for r in expected["passages"])  # offsets differ
    sizes = (
        "SELECT (SELECT sum(length(mentions)) FROM report_mentions),"
        " (SELECT sum(length(passages)) FROM report_passages)"
    )
    new = conn.execute(sizes).fetchone()
    for name, table, read_rows in (
        ("mentions", "report_mentions", mention_rows),
        ("passages", "report_passages", passage_rows),
    ):
        for report_id, blob in conn.execute(f"SELECT report_id, {name} FROM {table}").fetchall():
            old = pack_json(json.loads(read_rows(blob)), name)  # as schema 14 wrote them
            conn.execute(f"UPDATE {table} SET {name} = ? WHERE report_id = ?", (old, report_id))
        view = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        conn.execute(f"DROP VIEW {name}")
        conn.execute(view.replace(f"{read_rows.__name__}(", "unzip("))
    conn.execute("UPDATE meta SET value = '14' WHERE key = 'schema'")
    conn.commit()
    assert {name: conn.execute(sql).fetchall() for name, sql in views.items()} == expected
    before = conn.execute(sizes).fetchone()
    conn.close()

    upgraded = connect(db, readonly=True)
    assert upgraded.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
    assert {name: [tuple(r) for r in upgraded.execute(sql)] for name, sql in views.items()} == expected
    after = tuple(upgraded.execute(sizes).fetchone())
    assert after == tuple(new) and all(a < b * 0.8 for a, b in zip(after, before, strict=True))


def test_a_schema_15_store_upgrades_its_entity_names_and_answers_alike(tmp_path: Path) -> None:
    """Schema 15 kept every entity's loose name, a document's family in its attributes, a covering index
    of the counts, a trigram index of names reading ``entities``, and each problem's and fix's text in
    the model. The upgrade leaves what a fresh ingest writes: the same entities, names found by every
    lookup, the same graph attributes, the same models read back."""
    import json

    from graph.queries import resolve
    from indexer.extract.documents import family_key, squeeze

    db = tmp_path / "s15.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    conn = _open(db)
    fresh = {
        "entities": sorted(conn.execute("SELECT * FROM entities")),
        "loose": sorted(conn.execute("SELECT * FROM entity_loose_names")),
        "names": sorted(conn.execute("SELECT rowid, loose FROM entity_names WHERE entity_names MATCH '公开条例'")),
    }
    stored = {
        (k, c): (loose, json.loads(a))
        for k, c, loose, a in conn.execute("SELECT kind, canonical, loose, attrs FROM entities")
    }
    assert any(loose == "" for loose, _ in stored.values()) and any(loose for loose, _ in stored.values())
    assert all("family" not in attrs for _, attrs in stored.values())
    assert fresh["names"], "the samples name the 条例"
    from indexer.store import unpack_model
    from indexer.store.schema import pack_json, pack_sources

    models = {uid: unpack_model(m, unzip(t)) for uid, m, t in conn.execute("SELECT uid, model, text FROM reports")}
    assert all(models.values()) and any(m["problems"] for m in models.values())
    # The store as schema 15 wrote it: models with their items' text, ...
    for uid, model in models.items():
        old = pack_json({**model, "sources": pack_sources(model["sources"], model)}, "model")
        conn.execute("UPDATE reports SET model = ? WHERE uid = ?", (old, uid))
    for trigger in ("entity_named", "entity_unnamed"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE entity_names")
    conn.execute("DROP INDEX entities_loose")
    conn.execute("DROP VIEW entity_loose_names")
    for (kind, canonical), (_, attrs) in stored.items():
        if kind == "document":
            attrs = {**attrs, "family": family_key(canonical)}
        conn.execute(
            "UPDATE entities SET loose = ?, attrs = ? WHERE kind = ? AND canonical = ?",
            (squeeze(canonical), json.dumps(attrs, ensure_ascii=False), kind, canonical),
        )
    conn.executescript(
        """CREATE INDEX entities_loose ON entities (loose);
        CREATE INDEX entities_counts ON entities (kind, canonical, reports, places);
        CREATE VIRTUAL TABLE entity_names USING fts5(loose, content='entities', content_rowid='id', tokenize='trigram');
        INSERT INTO entity_names (entity_names) VALUES ('rebuild');
        UPDATE meta SET value = '15' WHERE key = 'schema';"""
    )
    conn.close()

    upgraded = connect(db, readonly=True)
    assert upgraded.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == SCHEMA_VERSION
    assert sorted(map(tuple, upgraded.execute("SELECT * FROM entities"))) == fresh["entities"]
    assert sorted(map(tuple, upgraded.execute("SELECT * FROM entity_loose_names"))) == fresh["loose"]
    found = upgraded.execute("SELECT rowid, loose FROM entity_names WHERE entity_names MATCH '公开条例'")
    assert sorted(map(tuple, found)) == fresh["names"]
    for uid, blob, text in upgraded.execute("SELECT uid, model, text FROM reports"):
        assert unpack_model(blob, unzip(text)) == models[uid]
        assert all("text" not in item for item in json.loads(unzip(blob))["problems"])
    indexes = {r[0] for r in upgraded.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "entities_counts" not in indexes and "entities_loose" in indexes
    # A name by its canonical form, by a loose spelling of a name that is stored loose, and inside a longer one.
    (kind, canonical), (loose, _) = next((key, v) for key, v in stored.items() if v[0] == "" and key[0] == "document")
    assert resolve(upgraded, canonical) == (kind, canonical)
    assert resolve(upgraded, f"《{canonical}》 ") == (kind, canonical)
    (kind, canonical), (loose, _) = next((key, v) for key, v in stored.items() if v[0] and key[0] == "document")
    assert resolve(upgraded, loose) == (kind, canonical)
    upgraded.close()
    writable = connect(db)  # the triggers made again keep the trigram index in step with a removal
    before = writable.execute("SELECT count(*) FROM entity_names WHERE entity_names MATCH '公开条例'").fetchone()[0]
    writable.execute("DELETE FROM entities WHERE id = ?", (fresh["names"][0][0],))
    after = writable.execute("SELECT count(*) FROM entity_names WHERE entity_names MATCH '公开条例'").fetchone()[0]
    assert after == before - 1
    writable.close()


_names = st.sampled_from(["条例", "政务公开办", "0", "国办公开办函〔2021〕30号"])


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["document", "agency"]),
            _names,
            _names,
            st.integers(0, 10_000),
            st.integers(0, 60),
            st.integers(0, 80),
            st.integers(0, 80),
            st.sampled_from([None, "overview", "problems"]),
            st.sampled_from([{}, {"level": "county"}, {"kind": "law_regulation", "family": "条例"}]),
        ),
        max_size=30,
    )
)
def test_compact_mentions_read_back_as_the_rows_written(mentions: list) -> None:
    import json

    from indexer.store.schema import mention_rows, pack_mentions

    rows = [
        [k, c, s, a, a + n, a - before, a + n + after, sec, attrs]
        for k, c, s, a, n, before, after, sec, attrs in mentions
    ]
    assert json.loads(mention_rows(pack_mentions(rows))) == rows


@given(st.lists(st.tuples(st.sampled_from(["preamble", "overview", None]), *[st.integers(0, 500)] * 4), max_size=30))
def test_compact_lines_read_back_as_the_rows_written(lines: list) -> None:
    import json

    from indexer.store.schema import pack_passages, passage_rows

    rows, pos = [], 0
    for kind, gap, length, shift, longer in lines:
        start = pos + gap
        rows.append([kind, start, start + length, start + shift, start + shift + length + longer])
        pos = start + length
    assert json.loads(passage_rows(pack_passages(rows))) == rows
