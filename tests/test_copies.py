"""内容雷同: copied sections found on a generated corpus with planted copies, the template's wording left
out, and the same pairs whether found incrementally or all at once."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from builders import load_generator

from graph.build import build_graph
from indexer.copies import copy_pairs, prose, refresh_copies, report_copies, section_prose, shared_passages
from indexer.corpus import report_row_id
from indexer.ingest import ingest
from indexer.store import connect, transaction

N = 240
SEED = 11
generator = load_generator()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    folder = tmp_path_factory.mktemp("copies")
    generator.write_copies_corpus(N, SEED, folder / "corpus")
    with (folder / "corpus" / "copies_truth.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    db = folder / "copies.db"
    summary = ingest([folder / "corpus"], db=db, workers=2)
    assert summary.ingested == N and not summary.failed
    return folder / "corpus", db, truth


def _uids(db: Path, corpus: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT path, uid FROM reports").fetchall()
    conn.close()
    return {str(Path(path).relative_to(corpus.resolve())): uid for path, uid in rows}


def test_planted_copies_are_found_and_nothing_else_at_0_8(corpus) -> None:
    folder, db, truth = corpus
    uid = _uids(db, folder)
    planted = {(frozenset((uid[t["source"]], uid[t["target"]])), t["section"]) for t in truth if t["copied"] == "true"}
    misses = {(frozenset((uid[t["source"]], uid[t["target"]])), t["section"]) for t in truth if t["copied"] == "false"}
    assert len(planted) >= 15 and misses
    conn = connect(db, readonly=True)
    found = {(frozenset((p.uid, p.other_uid)), p.kind) for p in copy_pairs(conn, 0.8, limit=None, passages=False)}
    true_positives = len(found & planted)
    precision = true_positives / len(found)
    recall = true_positives / len(planted)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, found - planted, planted - found)
    assert not found & misses  # a section taking a third to a half of another's sentences is no copy
    # Who copied from whom: a copy of the same publisher's previous report is its own.
    own = {
        (frozenset((uid[t["source"]], uid[t["target"]])), t["section"])
        for t in truth
        if t["copied"] == "true" and t["relation"] == "previous"
    }
    relations = {(frozenset((p.uid, p.other_uid)), p.kind): p for p in copy_pairs(conn, 0.8, limit=None)}
    for key in own & set(relations):
        assert relations[key].relation == "own"
        assert relations[key].shared and len(relations[key].shared[0]) >= 20
    conn.close()


def test_reports_sharing_only_the_template_give_no_pair(corpus) -> None:
    folder, db, truth = corpus
    uid = _uids(db, folder)
    involved = {uid[t[side]] for t in truth for side in ("source", "target")}
    conn = connect(db, readonly=True)
    pairs = copy_pairs(conn, 0.5, limit=None, passages=False)
    conn.close()
    assert all(p.uid in involved and p.other_uid in involved for p in pairs)


def test_one_report_against_last_year_and_the_closest_other(corpus) -> None:
    folder, db, truth = corpus
    uid = _uids(db, folder)
    plant = next(t for t in truth if t["copied"] == "true" and t["relation"] == "previous")
    conn = connect(db, readonly=True)
    sections = report_copies(conn, report_row_id(conn, uid[plant["target"]]))
    previous = sections[plant["section"]]["previous"]
    assert previous is not None and previous.other_uid == uid[plant["source"]]
    assert previous.similarity >= 0.8 and previous.shared
    a, b, n = previous.shared[0]
    assert previous.text[a : a + n] == previous.other_text[b : b + n]
    other = next(t for t in truth if t["copied"] == "true" and t["relation"] == "other")
    sections = report_copies(conn, report_row_id(conn, uid[other["target"]]))
    closest = sections[other["section"]]["closest"]
    assert closest is not None and closest.other_uid == uid[other["source"]]
    conn.close()


def test_pairs_found_ingest_by_ingest_equal_one_refresh_of_all(corpus, tmp_path: Path) -> None:
    """Three ingests, each refreshing the pairs of its reports only, find the pairs one refresh of every
    report finds (similarities move a little with the template's wording, counted on a growing store)."""
    folder, _, _ = corpus
    files = sorted(folder.rglob("*.txt"))
    db = tmp_path / "parts.db"
    for part in (files[::3], files[1::3], files[2::3]):
        ingest(part, db=db, workers=2)
    conn = connect(db)

    def pairs() -> dict[tuple, float]:
        rows = conn.execute(
            "SELECT r.uid, o.uid, c.kind, c.similarity FROM copies c JOIN reports r ON r.id = c.report_id"
            " JOIN reports o ON o.id = c.other_id WHERE c.similarity >= 0.8"
        )
        return {tuple(r[:3]): r[3] for r in rows}

    incremental = pairs()
    with transaction(conn):
        stats = refresh_copies(conn)
    assert stats.queried >= len(files) and stats.compared <= stats.candidates
    whole = pairs()
    conn.close()
    assert set(incremental) == set(whole) and whole
    assert all(abs(incremental[k] - whole[k]) < 0.05 for k in whole)


def test_the_graph_has_copies_edges(corpus) -> None:
    _, db, _ = corpus
    conn = connect(db, readonly=True)
    g = build_graph(conn, ["report"])
    edges = [d for _, _, d in g.edges(data=True) if d["relation"] == "copies"]
    stored = conn.execute("SELECT count(*) FROM copies WHERE similarity >= 0.8").fetchone()[0]
    conn.close()
    assert len(edges) == stored > 0
    assert all(d["similarity"] >= 0.8 and d["section"] for d in edges)


def test_prose_leaves_out_table_rows_and_labels() -> None:
    sentence = "本机关认真贯彻落实政府信息公开条例，扎实推进各项工作，取得明显成效。"
    text = f"规范性文件\t2\t2\t2\n自然人\n0\n{sentence}\n2019\t2020\t2021\t3号\n总计 2019 2020 2021 2022 12"
    assert prose(text) == sentence
    bounds = [("overview", 0, len(text)), (None, 0, 3)]
    assert set(section_prose(text, bounds)) == {"overview"}


def test_shared_passages_are_the_longest_common_runs() -> None:
    a = "甲乙丙丁戊己庚辛壬癸一二三四五六七八九十子丑寅卯辰巳午未申酉戌亥"
    b = "天地玄黄" + a[:20] + "宇宙洪荒" + a[22:]
    passages = shared_passages(a, b)
    assert passages[0] == (0, 4, 20)
    assert all(a[i : i + n] == b[j : j + n] for i, j, n in passages)


@pytest.mark.parametrize("bucket_pairs", [None, 1])
def test_candidate_pairs_are_those_an_lsh_index_of_datasketch_gives(bucket_pairs, monkeypatch) -> None:
    """The buckets found by sorting the signatures' bands give the pairs that datasketch's MinHashLSH,
    queried section by section with its crowded buckets emptied, gives: the same pairs, each once (also
    when the buckets are compared one at a time)."""
    from datasketch import LeanMinHash, MinHashLSH

    from indexer import copies

    if bucket_pairs:
        monkeypatch.setattr(copies, "_BUCKET_PAIRS", bucket_pairs)

    rng = np.random.default_rng(5)
    bases = rng.integers(0, 2**32, size=(40, copies.NUM_PERM), dtype=np.uint64).astype(np.uint32)
    rows = []
    for k in range(600):  # sections near one of 40 bases (a copy's signature keeps most of its values)
        row = bases[k % 40].copy()
        changed = rng.random(copies.NUM_PERM) < rng.uniform(0.1, 0.8)
        row[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint64).astype(np.uint32)
        rows.append(row)
    template = rng.integers(0, 2**32, size=copies.NUM_PERM, dtype=np.uint64).astype(np.uint32)
    rows += [template] * 21  # one bucket in every band just over the cap (20 here): template wording, no pairs
    matrix = np.array(rows, dtype=np.uint32)
    wanted = rng.random(len(matrix)) < 0.3

    stats = copies.RefreshStats()
    a, b = copies._candidate_pairs(matrix, wanted, stats)
    found = list(zip(a.tolist(), b.tolist(), strict=True))

    lsh = MinHashLSH(threshold=copies.LSH_THRESHOLD, num_perm=copies.NUM_PERM)
    for row, values in enumerate(matrix):
        lsh.insert(row, LeanMinHash(seed=copies.SEED, hashvalues=values, scheme=copies.SCHEME))
    cap = min(copies.BUCKET_MAX, max(copies.BUCKET_MIN, copies.BUCKET_SHARE * len(matrix)))
    crowded = 0
    for table in lsh.hashtables:
        keys = [key for key in table.keys() if len(table.get(key)) > cap]
        crowded += len(keys)
        if keys:
            table.remove(*keys)
    expected = set()
    for row in np.flatnonzero(wanted).tolist():
        query = LeanMinHash(seed=copies.SEED, hashvalues=matrix[row], scheme=copies.SCHEME)
        for other in lsh.query(query):
            if other != row and np.mean(matrix[row] == matrix[other]) >= copies.STORE_MIN - 0.15:
                expected.add((min(row, other), max(row, other)))
    assert len(found) == len(set(found))  # each pair once, though it shares several bands
    assert set(found) == expected and len(expected) > 100
    assert stats.template_buckets == crowded > 0 and stats.queried == int(wanted.sum())
