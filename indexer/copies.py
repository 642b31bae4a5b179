"""内容雷同: report sections that copy another report's, found without comparing every pair.

What is compared is a section's *prose*: its lines of at least ``PROSE_CJK`` Chinese characters that
are no table row (no tab, fewer than a quarter digits), as character 5-grams (``indexer.identity``).
The statistics tables never count.

- At ingest each section with at least ``MIN_SHINGLES`` 5-grams gets a MinHash signature
  (datasketch, ``NUM_PERM`` permutations), stored in ``section_signatures``.
- ``refresh_copies`` puts every signature of a section kind into a datasketch ``MinHashLSH`` and asks
  it for the candidates of the reports that changed: only sections that share a band of their
  signature are ever compared. A band bucket holding more than ``BUCKET_SHARE`` of a kind's sections
  (at least ``BUCKET_MIN``, at most ``BUCKET_MAX``) is the template's wording, not a copy, and gives no
  candidates; a candidate whose signatures agree on too few values is dropped where it is found.
- A candidate pair's similarity is the exact Jaccard similarity of the two sections' 5-grams once the
  template's wording is taken out: the 5-grams found in at least ``COMMON_SHARE`` of the sections of
  that kind (in a sample of at most ``COMMON_SAMPLE`` reports, and in at least ``COMMON_MIN`` of them),
  such as the 根据《中华人民共和国政府信息公开条例》… preamble or the standard closing sentences.
  Pairs of at least ``STORE_MIN`` are kept in ``copies``, from the later report's side.
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
import re
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHashLSH

from indexer.identity import jaccard, shingle_hashes
from indexer.model import SECTION_KINDS

NUM_PERM = 64
SEED = 1
SCHEME = "affine32"
MIN_SHINGLES = 40  # a section with less prose than this is not compared
PROSE_CJK = 12  # Chinese characters a line needs to count as prose
LSH_THRESHOLD = 0.5
STORE_MIN = 0.5
BUCKET_SHARE = 0.01
BUCKET_MIN = 20
# …and never more than this many: at 100,000 reports 1 % is 1,000 sections, whose pairs (half a million a
# bucket) held the refresh's candidates at 16 GB before the OOM killer stopped it.
BUCKET_MAX = 200
COMMON_SHARE = 0.05
COMMON_SAMPLE = 2000
COMMON_MIN = 3
SHARED_PASSAGE_CHARS = 12  # the shortest passage shown as shared
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"\d")
_CACHE_REPORTS = 5_000  # reports whose text a refresh keeps at once
_PARALLEL_SECTIONS = 50_000  # from this many signatures, each section kind's LSH index is built in a process
_LSH_TASK: tuple[dict[str, dict[int, np.ndarray]], set[int] | None] | None = None


def prose(text: str) -> str:
    """The prose lines of a text: no table rows, no short label lines."""
    lines = []
    for line in text.split("\n"):
        if "\t" in line or len(_CJK.findall(line)) < PROSE_CJK:
            continue
        if len(_DIGIT.findall(line)) * 4 >= len(line.strip()):
            continue
        lines.append(line)
    return "\n".join(lines)


def section_prose(text: str, bounds: Iterable[tuple[str | None, int, int]]) -> dict[str, str]:
    """Each compared section kind's prose (a kind printed twice is joined)."""
    parts: dict[str, list[str]] = {}
    for kind, start, end in bounds:
        if kind in SECTION_KINDS:
            parts.setdefault(kind, []).append(prose(text[start:end]))
    return {kind: "\n".join(p) for kind, p in parts.items() if any(p)}


def _hash32(shingles: np.ndarray) -> np.ndarray:
    return np.unique((shingles & np.uint64(0xFFFFFFFF)).astype(np.uint32))


@cache
def _permutations() -> Any:
    """The scheme's permutations for (NUM_PERM, SEED): drawn once, not for every section."""
    from datasketch import MinHash  # datasketch is imported where it is used: it loads scipy (0.6 s)

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME).permutations


def section_signatures(text: str, bounds: Iterable[tuple[str | None, int, int]]) -> list[tuple[str, int, bytes]]:
    """(kind, 5-grams, MinHash signature as little-endian uint32) of each section with enough prose."""
    from datasketch import MinHash

    out = []
    for kind, body in section_prose(text, bounds).items():
        hashes = _hash32(shingle_hashes(body))
        if len(hashes) < MIN_SHINGLES:
            continue
        m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME, permutations=_permutations())
        m.update_batch(hashes.tolist())
        out.append((kind, len(hashes), m.hashvalues.astype("<u4").tobytes()))
    return out


@dataclass
class RefreshStats:
    sections: int = 0  # signatures in the LSH indexes
    queried: int = 0  # sections whose candidates were asked for
    candidates: int = 0  # candidate pairs the LSH returned
    compared: int = 0  # pairs whose exact similarity was computed
    stored: int = 0  # pairs kept in ``copies``
    template_buckets: int = 0  # LSH buckets left out as template wording


@dataclass
class _Report:
    id: int
    uid: str
    publisher: str | None
    year: int | None


class _Prose:
    """One section kind's 5-grams of a stored report (the template's wording removed), from its text; the
    texts of the last reports asked for are kept a while."""

    def __init__(self, conn: sqlite3.Connection, common: dict[str, np.ndarray]) -> None:
        self.conn = conn
        self.common = common
        self.cache: OrderedDict[int, tuple[str, list[tuple]]] = OrderedDict()
        self.shingles: OrderedDict[tuple[int, str], np.ndarray] = OrderedDict()  # (report, kind) → 5-grams

    def of(self, report_id: int, kind: str) -> np.ndarray:
        key = (report_id, kind)
        found = self.shingles.get(key)
        if found is not None:
            self.shingles.move_to_end(key)
            return found
        self.shingles[key] = found = self._of(report_id, kind)
        if len(self.shingles) > 4 * _CACHE_REPORTS:
            self.shingles.popitem(last=False)
        return found

    def _of(self, report_id: int, kind: str) -> np.ndarray:
        found = self.cache.get(report_id)
        if found is None:
            found = self.cache[report_id] = _stored_text(self.conn, report_id)
            if len(self.cache) > _CACHE_REPORTS:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(report_id)
        text, bounds = found
        body = section_prose(text, [b for b in bounds if b[0] == kind]).get(kind, "")
        return np.setdiff1d(_hash32(shingle_hashes(body)), self.common.get(kind, _EMPTY), assume_unique=True)


_EMPTY = np.zeros(0, dtype=np.uint32)


def _stored_text(conn: sqlite3.Connection, report_id: int) -> tuple[str, list[tuple]]:
    row = conn.execute("SELECT unzip(text) FROM reports WHERE id = ?", (report_id,)).fetchone()
    bounds = conn.execute("SELECT kind, start, end FROM sections WHERE report_id = ? ORDER BY idx", (report_id,))
    return (row[0] if row else ""), [tuple(b) for b in bounds]


def stored_prose(conn: sqlite3.Connection, report_id: int) -> dict[str, str]:
    """A stored report's section prose."""
    return section_prose(*_stored_text(conn, report_id))


def common_shingles(conn: sqlite3.Connection) -> dict[str, np.ndarray]:
    """Per section kind, the 5-grams of the template's wording: those in a large share of the sections."""
    ids = [r[0] for r in conn.execute("SELECT id FROM reports ORDER BY uid")]
    step = max(1, len(ids) // COMMON_SAMPLE)
    found: dict[str, list[np.ndarray]] = {}
    for report_id in ids[::step][:COMMON_SAMPLE]:
        for kind, body in stored_prose(conn, report_id).items():
            found.setdefault(kind, []).append(_hash32(shingle_hashes(body)))
    out = {}
    for kind, arrays in found.items():
        hashes, counts = np.unique(np.concatenate(arrays), return_counts=True)
        out[kind] = hashes[counts >= max(COMMON_MIN, COMMON_SHARE * len(arrays))]
    return out


def refresh_copies(conn: sqlite3.Connection, changed: Iterable[int] | None = None) -> RefreshStats:
    """Recompute the copied sections of the reports ``changed`` (all reports when None), in one transaction
    of the caller's: their pairs are deleted and found again against every stored section."""
    stats = RefreshStats()
    if changed is None:
        conn.execute("DELETE FROM copies_pending")
    reports = {r[0]: _Report(*r) for r in conn.execute("SELECT id, uid, publisher, year FROM reports").fetchall()}
    if changed is None:
        conn.execute("DELETE FROM copies")
        wanted = set(reports)
    else:
        wanted = set(changed) & set(reports)
        conn.executemany("DELETE FROM copies WHERE report_id = ? OR other_id = ?", [(i, i) for i in wanted])
    if not wanted:
        return stats
    signatures: dict[str, dict[int, np.ndarray]] = {}
    for report_id, kind, signature in conn.execute("SELECT report_id, kind, signature FROM section_signatures"):
        signatures.setdefault(kind, {})[report_id] = np.frombuffer(signature, dtype="<u4").astype(np.uint32)
    prose_of = _Prose(conn, common_shingles(conn))
    found: dict[tuple[int, int, str], float] = {}
    global _LSH_TASK
    _LSH_TASK = (signatures, None if changed is None else wanted)
    kinds = sorted(signatures)
    try:
        if sum(len(m) for m in signatures.values()) >= _PARALLEL_SECTIONS and len(kinds) > 1:
            with multiprocessing.get_context("fork").Pool(min(len(kinds), os.cpu_count() or 1)) as pool:
                found_pairs = pool.map(_candidate_pairs, kinds)
        else:
            found_pairs = [_candidate_pairs(kind) for kind in kinds]
    finally:
        _LSH_TASK = None
    for kind, (pairs, kind_stats) in zip(kinds, found_pairs, strict=True):
        stats.sections += kind_stats.sections
        stats.queried += kind_stats.queried
        stats.template_buckets += kind_stats.template_buckets
        for a, b in sorted(pairs):  # each pair's signatures were found close where it was found
            stats.candidates += 1
            later, earlier = _ordered(reports[a], reports[b])
            stats.compared += 1
            x, y = prose_of.of(later.id, kind), prose_of.of(earlier.id, kind)
            if min(len(x), len(y)) >= MIN_SHINGLES:
                found[(later.id, earlier.id, kind)] = jaccard(x, y)
    rows = [
        (later, earlier, kind, _relation(reports[later], reports[earlier]), round(similarity, 4))
        for (later, earlier, kind), similarity in found.items()
        if similarity >= STORE_MIN
    ]
    conn.executemany("INSERT OR REPLACE INTO copies VALUES (?, ?, ?, ?, ?)", rows)
    stats.stored = len(rows)
    return stats


def refresh_pending(conn: sqlite3.Connection) -> RefreshStats:
    """Compute the copies of the reports stored since the last refresh (``copies_pending``: an interrupted
    ingest's reports get theirs on the next run), in the caller's transaction."""
    pending = [r[0] for r in conn.execute("SELECT report_id FROM copies_pending")]
    stats = refresh_copies(conn, pending)
    conn.execute("DELETE FROM copies_pending")
    return stats


def _candidate_pairs(kind: str) -> tuple[set[tuple[int, int]], RefreshStats]:
    """The candidate pairs (low id first) of one section kind from an LSH index of its signatures: the
    pairs sharing a bucket when every report is wanted, else the wanted reports' query answers. Reads
    ``_LSH_TASK`` (set before a pool forks: the signatures are not sent to the worker processes)."""
    from datasketch import LeanMinHash, MinHashLSH

    assert _LSH_TASK is not None
    signatures, wanted = _LSH_TASK
    members = signatures[kind]
    stats = RefreshStats(sections=len(members))
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for report_id, values in members.items():
            session.insert(report_id, LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME), check_duplication=False)
    cap = min(BUCKET_MAX, max(BUCKET_MIN, BUCKET_SHARE * len(members)))
    if wanted is None:  # every report: the pairs sharing a bucket, without a query per section
        stats.queried = len(members)
        return _bucket_pairs(lsh, cap, stats, members), stats
    stats.template_buckets = _drop_template_buckets(lsh, cap)
    pairs = set()
    for report_id in wanted & set(members):
        stats.queried += 1
        query = LeanMinHash(seed=SEED, hashvalues=members[report_id], scheme=SCHEME)
        pairs.update(
            (min(report_id, o), max(report_id, o))
            for o in lsh.query(query)
            if o != report_id and _close(members, report_id, o)
        )
    return pairs, stats


def _close(members: dict[int, np.ndarray], a: int, b: int) -> bool:
    """Signatures agreeing on enough values for the sections to be worth comparing in full."""
    return bool(np.mean(members[a] == members[b]) >= STORE_MIN - 0.15)


def _bucket_pairs(
    lsh: MinHashLSH, cap: float, stats: RefreshStats, signatures: dict[int, np.ndarray]
) -> set[tuple[int, int]]:
    """Every pair of keys sharing a band bucket whose signatures are close, but for buckets of more than
    ``cap`` (template wording)."""
    pairs: set[tuple[int, int]] = set()
    for table in lsh.hashtables:
        for key in table.keys():
            members = table.get(key)
            if len(members) > cap:
                stats.template_buckets += 1
            elif len(members) > 1:
                ordered = sorted(members)
                pairs.update(
                    (a, b)
                    for i, a in enumerate(ordered)
                    for b in ordered[i + 1 :]
                    if (a, b) not in pairs and _close(signatures, a, b)
                )
    return pairs


def _drop_template_buckets(lsh: MinHashLSH, cap: float) -> int:
    """Empty the band buckets shared by too many sections to be copies (the template's wording)."""
    dropped = 0
    for table in lsh.hashtables:
        crowded = [key for key in table.keys() if len(table.get(key)) > cap]
        if crowded:
            table.remove(*crowded)
            dropped += len(crowded)
    return dropped


def _ordered(a: _Report, b: _Report) -> tuple[_Report, _Report]:
    """(the later report, the earlier one); in one year (or unknown years), by id string."""
    if (a.year or 0, a.uid) >= (b.year or 0, b.uid):
        return a, b
    return b, a


def _relation(later: _Report, earlier: _Report) -> str:
    if later.publisher and later.publisher == earlier.publisher:
        return "own"
    return "other"


def shared_passages(a: str, b: str, limit: int = 5) -> list[tuple[int, int, int]]:
    """The longest passages two texts share: (start in a, start in b, length), longest first."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size >= SHARED_PASSAGE_CHARS]
    return [(m.a, m.b, m.size) for m in sorted(blocks, key=lambda m: -m.size)[:limit]]


def _similarity(text: str, other_text: str, common: np.ndarray) -> float | None:
    """The similarity of two sections' prose without the template's 5-grams (None: a side has too little)."""
    sides = [np.setdiff1d(_hash32(shingle_hashes(t)), common, assume_unique=True) for t in (text, other_text)]
    if min(len(side) for side in sides) < MIN_SHINGLES:
        return None
    return jaccard(*sides)


@dataclass
class SectionMatch:
    """One section of a report beside another report's section of the same kind."""

    kind: str
    other_uid: str
    other_title: str | None
    other_publisher: str | None
    other_year: int | None
    similarity: float | None
    text: str  # this report's section prose
    other_text: str
    shared: list[tuple[int, int, int]] = field(default_factory=list)  # (start here, start there, length)


def section_match(
    conn: sqlite3.Connection, other_id: int, kind: str, score: float | None, text: str, other_text: str
) -> SectionMatch:
    """A section's prose beside another report's, with the passages they share."""
    other = conn.execute("SELECT uid, title, publisher, year FROM reports WHERE id = ?", (other_id,)).fetchone()
    return SectionMatch(
        kind=kind,
        other_uid=other[0],
        other_title=other[1],
        other_publisher=other[2],
        other_year=other[3],
        similarity=score,
        text=text,
        other_text=other_text,
        shared=shared_passages(text, other_text),
    )


def report_copies(conn: sqlite3.Connection, report_id: int) -> dict[str, dict[str, SectionMatch | None]]:
    """Each section of a report against the same publisher's previous report and against the most
    similar section of another publisher's report of the same year or earlier."""
    publisher, year = conn.execute("SELECT publisher, year FROM reports WHERE id = ?", (report_id,)).fetchone()
    previous = None
    if publisher and year:
        row = conn.execute(
            "SELECT id FROM reports WHERE publisher = ? AND year < ? ORDER BY year DESC LIMIT 1", (publisher, year)
        ).fetchone()
        previous = row[0] if row else None
    mine = stored_prose(conn, report_id)
    last_year = stored_prose(conn, previous) if previous is not None else {}
    common = common_shingles(conn) if last_year else {}
    out: dict[str, dict[str, SectionMatch | None]] = {}
    for kind, text in mine.items():
        entry: dict[str, SectionMatch | None] = {"previous": None, "closest": None}
        if kind in last_year:
            score = _similarity(text, last_year[kind], common.get(kind, _EMPTY))
            entry["previous"] = section_match(conn, previous, kind, score, text, last_year[kind])
        closest = conn.execute(
            "SELECT other_id, similarity FROM copies WHERE report_id = ? AND kind = ? AND relation = 'other'"
            " UNION ALL SELECT c.report_id, c.similarity FROM copies c JOIN reports r ON r.id = c.report_id"
            " WHERE c.other_id = ? AND c.kind = ? AND c.relation = 'other' AND r.year IS ?"
            " ORDER BY 2 DESC LIMIT 1",
            (report_id, kind, report_id, kind, year),
        ).fetchone()
        if closest:
            other_text = stored_prose(conn, closest[0]).get(kind, "")
            entry["closest"] = section_match(conn, closest[0], kind, closest[1], text, other_text)
        out[kind] = entry
    return out


@dataclass
class CopyPair:
    """Two reports with a similar section: ``uid`` the later (or, in one year, either), ``other_uid`` the
    earlier."""

    uid: str
    title: str | None
    publisher: str | None
    province: str | None
    year: int | None
    other_uid: str
    other_title: str | None
    other_publisher: str | None
    other_province: str | None
    other_year: int | None
    kind: str
    relation: str
    similarity: float
    shared: list[str] = field(default_factory=list)  # the longest shared passages

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def _pair_filters(
    minimum: float, kind: str | None, province: str | None, year: int | None, level: str | None
) -> tuple[list[str], list[Any]]:
    """The WHERE terms (on ``copies c`` and the later report ``r``) and their parameters."""
    where, params = ["c.similarity >= ?"], [minimum]
    for column, value in (("c.kind", kind), ("r.province", province), ("r.year", year), ("r.level", level)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


def copy_pairs(
    conn: sqlite3.Connection,
    minimum: float = 0.8,
    kind: str | None = None,
    province: str | None = None,
    year: int | None = None,
    level: str | None = None,
    limit: int | None = 100,
    passages: bool = True,
) -> list[CopyPair]:
    """Pairs of reports with a section at least ``minimum`` similar, most similar first (filters: the later
    report's province, year and level)."""
    where, params = _pair_filters(minimum, kind, province, year, level)
    sql = (
        "SELECT c.report_id, c.other_id, r.uid, r.title, r.publisher, r.province, r.year,"
        " o.uid, o.title, o.publisher, o.province, o.year, c.kind, c.relation, c.similarity"
        " FROM copies c JOIN reports r ON r.id = c.report_id JOIN reports o ON o.id = c.other_id"
        f" WHERE {' AND '.join(where)} ORDER BY c.similarity DESC, r.uid, o.uid, c.kind" + (" LIMIT ?" if limit else "")
    )
    rows = conn.execute(sql, (*params, limit) if limit else params).fetchall()
    out = []
    for report_id, other_id, *values in rows:
        pair = CopyPair(*values)
        if passages:
            a = stored_prose(conn, report_id).get(pair.kind, "")
            b = stored_prose(conn, other_id).get(pair.kind, "")
            pair.shared = [a[i : i + n] for i, _, n in shared_passages(a, b, limit=3)]
        out.append(pair)
    return out


def most_copied(
    conn: sqlite3.Connection,
    minimum: float = 0.8,
    province: str | None = None,
    year: int | None = None,
    level: str | None = None,
) -> list[tuple[str, int, int]]:
    """Section kinds by the reports (of the filters) with a section copied at ``minimum`` or more:
    (kind, reports, pairs)."""
    where, params = _pair_filters(minimum, None, province, year, level)
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT c.kind, count(DISTINCT c.report_id), count(*) FROM copies c JOIN reports r ON r.id = c.report_id"
            f" WHERE {' AND '.join(where)} GROUP BY c.kind ORDER BY 2 DESC",
            params,
        )
    ]
