"""内容雷同: report sections that copy another report's, found without comparing every pair.

What is compared is a section's *prose*: its lines of at least ``PROSE_CJK`` Chinese characters that
are no table row (no tab, fewer than a quarter digits), as character 5-grams (``indexer.identity``).
The statistics tables never count.

- At ingest each section with at least ``MIN_SHINGLES`` 5-grams gets a MinHash signature
  (datasketch, ``NUM_PERM`` permutations), stored in ``section_signatures``.
- ``refresh_copies`` finds the candidates of the reports that changed by locality-sensitive hashing:
  two sections whose signatures are equal on one band of their rows (the bands datasketch's
  ``MinHashLSH`` chooses for ``LSH_THRESHOLD``) share that band's bucket, and only sections sharing a
  bucket are ever compared. The buckets are the groups of equal band values of all of a kind's
  signatures, found by sorting them in numpy (an LSH index built and queried in Python cost 90 µs a
  section, and a set of pairs per bucket, more than 5 GB at 100,000 reports). A bucket holding more than
  ``BUCKET_SHARE`` of a kind's sections (at least ``BUCKET_MIN``, at most ``BUCKET_MAX``) is the
  template's wording, not a copy, and gives no candidates; a candidate whose signatures agree on too few
  values is dropped.
- A candidate pair's similarity is the exact Jaccard similarity of the two sections' 5-grams once the
  template's wording is taken out: the 5-grams found in at least ``COMMON_SHARE`` of the sections of
  that kind (in a sample of at most ``COMMON_SAMPLE`` reports, and in at least ``COMMON_MIN`` of them),
  such as the 根据《中华人民共和国政府信息公开条例》… preamble or the standard closing sentences.
  Pairs of at least ``STORE_MIN`` are kept in ``copies``, from the later report's side. Each report's
  text is read once a refresh, for all its sections in a candidate pair.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from indexer.identity import jaccard, shingle_values
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
# a line with at least PROSE_CJK Chinese characters (matched up to the last one needed, not counted to the end)
_PROSE_LINE = re.compile(rf"(?:[^\u3400-\u9fff]*[\u3400-\u9fff]){{{PROSE_CJK}}}")
_DIGIT = re.compile(r"\d")


def prose(text: str) -> str:
    """The prose lines of a text: no table rows, no short label lines."""
    lines = []
    for line in text.split("\n"):
        if "\t" in line or not _PROSE_LINE.match(line):
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


def _hash32(text: str) -> np.ndarray:
    """The distinct 5-grams of a text as their hashes' low 32 bits (uint32, ascending)."""
    values = (shingle_values(text) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    values.sort()  # sorted and deduplicated here: np.unique took four times as long on a section's 5-grams
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _without(hashes: np.ndarray, common: np.ndarray) -> np.ndarray:
    """The ascending ``hashes`` not in the ascending ``common`` (the template's 5-grams)."""
    if not len(common):
        return hashes
    found = np.minimum(np.searchsorted(common, hashes), len(common) - 1)
    return hashes[common[found] != hashes]


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
        hashes = _hash32(body)
        if len(hashes) < MIN_SHINGLES:
            continue
        m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME, permutations=_permutations())
        m.update_batch(hashes.tolist())
        out.append((kind, len(hashes), m.hashvalues.astype("<u4").tobytes()))
    return out


@dataclass
class RefreshStats:
    sections: int = 0  # signatures whose bands were sorted into buckets
    queried: int = 0  # sections of the reports that changed, whose candidates were looked for
    candidates: int = 0  # candidate pairs: a bucket in common, close signatures
    compared: int = 0  # pairs whose exact similarity was computed
    stored: int = 0  # pairs kept in ``copies``
    template_buckets: int = 0  # band buckets left out as template wording


@dataclass
class _Report:
    id: int
    uid: str
    publisher: str | None
    year: int | None


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
            found.setdefault(kind, []).append(_hash32(body))
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
    wanted_ids = np.fromiter(wanted, dtype=np.int64)
    signatures = _signatures(conn)
    candidates = {
        kind: _candidate_pairs(matrix, np.isin(ids, wanted_ids), stats) for kind, (ids, matrix) in signatures.items()
    }
    shingles = _section_shingles(conn, signatures, candidates, common_shingles(conn))
    rows = []
    for kind, (a, b) in candidates.items():
        stats.candidates += len(a)
        ids = signatures[kind][0]
        for k in range(0, len(a), _PAIRS):
            low, high, similarity = _similar(*shingles[kind], a[k : k + _PAIRS], b[k : k + _PAIRS], stats)
            for low_id, high_id, value in zip(ids[low].tolist(), ids[high].tolist(), similarity.tolist(), strict=True):
                later, earlier = _ordered(reports[low_id], reports[high_id])
                rows.append((later.id, earlier.id, kind, _relation(later, earlier), round(value, 4)))
    conn.executemany("INSERT OR REPLACE INTO copies VALUES (?, ?, ?, ?, ?)", rows)
    stats.stored = len(rows)
    return stats


_PAIRS = 1 << 21  # candidate pairs compared at once


def _similar(
    keys: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, stats: RefreshStats
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs of rows (a, b) whose 5-grams' Jaccard similarity is at least ``STORE_MIN``,
    with it."""
    lengths = np.diff(offsets)
    la, lb = lengths[a], lengths[b]
    small, large = np.minimum(la, lb), np.maximum(la, lb)
    # Jaccard ≤ small / large: a pair this uneven cannot reach STORE_MIN, and is not compared.
    even = (small >= MIN_SHINGLES) & (small >= STORE_MIN * large)
    a, b, la, lb = a[even], b[even], la[even], lb[even]
    stats.compared += len(a)
    shared = _shared_counts(keys, offsets, a, b)
    similarity = shared / (la + lb - shared)
    kept = similarity >= STORE_MIN
    return a[kept], b[kept], similarity[kept]


def refresh_pending(conn: sqlite3.Connection) -> RefreshStats:
    """Compute the copies of the reports stored since the last refresh (``copies_pending``: an interrupted
    ingest's reports get theirs on the next run), in the caller's transaction."""
    pending = [r[0] for r in conn.execute("SELECT report_id FROM copies_pending")]
    stats = refresh_copies(conn, pending)
    conn.execute("DELETE FROM copies_pending")
    return stats


def _signatures(conn: sqlite3.Connection) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per section kind, the reports' ids (ascending) and their signatures, one row each."""
    found: dict[str, tuple[list[int], list[bytes]]] = {}
    for report_id, kind, signature in conn.execute(
        "SELECT report_id, kind, signature FROM section_signatures ORDER BY kind, report_id"
    ):
        ids, values = found.setdefault(kind, ([], []))
        ids.append(report_id)
        values.append(signature)
    return {
        kind: (np.array(ids, dtype=np.int64), np.frombuffer(b"".join(values), dtype="<u4").reshape(len(ids), NUM_PERM))
        for kind, (ids, values) in found.items()
    }


@cache
def _bands() -> list[tuple[int, int]]:
    """The LSH bands for ``LSH_THRESHOLD``: datasketch's choice of bands and rows for ``NUM_PERM``."""
    from datasketch import MinHashLSH

    return list(MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges)


def _candidate_pairs(matrix: np.ndarray, wanted: np.ndarray, stats: RefreshStats) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs (rows of ``matrix``, low first) of one section kind with a ``wanted`` row in
    them: sections whose signatures are equal on a band of their values (an LSH bucket), but for buckets
    of more than ``cap`` sections (the template's wording), and whose signatures are close. The buckets
    are the groups of equal band values, found by sorting: no index is built and no section is queried."""
    n = len(matrix)
    stats.sections += n
    stats.queried += int(wanted.sum())
    cap = min(BUCKET_MAX, max(BUCKET_MIN, BUCKET_SHARE * n))
    bands = _bands()
    shown = np.zeros((n, len(bands)), dtype=bool)  # the row's bucket in the band gives pairs
    found_a, found_b = [], []
    for t, (start, end) in enumerate(bands):
        band = matrix[:, start:end]
        order = np.lexsort(band.T[::-1])
        ordered = band[order]
        starts = np.flatnonzero(np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)])
        sizes = np.diff(np.r_[starts, n])
        stats.template_buckets += int((sizes > cap).sum())
        shown[order, t] = np.repeat((sizes > 1) & (sizes <= cap), sizes)
        for size in np.unique(sizes[(sizes > 1) & (sizes <= cap)]).tolist():
            i, j = np.triu_indices(size, 1)
            firsts = starts[sizes == size]
            step = max(1, _BUCKET_PAIRS // len(i))  # buckets of this size taken at once
            for k in range(0, len(firsts), step):
                members = np.sort(order[firsts[k : k + step, None] + np.arange(size)], axis=1)
                a, b = _close_pairs(matrix, members[:, i].ravel(), members[:, j].ravel(), wanted, shown, t, start)
                found_a.append(a)
                found_b.append(b)
    if not found_a:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate(found_a), np.concatenate(found_b)


_BUCKET_PAIRS = 1 << 18  # pairs of one band's buckets whose signatures are compared at once


def _close_pairs(
    matrix: np.ndarray, a: np.ndarray, b: np.ndarray, wanted: np.ndarray, shown: np.ndarray, t: int, start: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of rows sharing band ``t``'s bucket (starting at value ``start``) that have a wanted row,
    close signatures, and no earlier band's bucket in common (where they were found already)."""
    keep = wanted[a] | wanted[b]
    a, b = a[keep], b[keep]
    equal = matrix[a] == matrix[b]
    # signatures agreeing on too few values: not worth comparing in full
    close = equal.sum(axis=1) / NUM_PERM >= STORE_MIN - 0.15
    width = start // t if t else 0  # the bands before t are as wide as t
    earlier = (equal[:, :start].reshape(len(a), t, width).all(axis=2) & shown[a, :t]).any(axis=1)
    return a[close & ~earlier].astype(np.int32), b[close & ~earlier].astype(np.int32)


def _section_shingles(
    conn: sqlite3.Connection,
    signatures: dict[str, tuple[np.ndarray, np.ndarray]],
    candidates: dict[str, tuple[np.ndarray, np.ndarray]],
    common: dict[str, np.ndarray],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per section kind, the 5-grams (the template's wording removed) of every section in a candidate pair,
    from the stored texts, each report read once: ``(keys, offsets)``, where row r's 5-grams are
    ``keys[offsets[r]:offsets[r + 1]] & 0xFFFFFFFF`` and each key is ``r << 32 | 5-gram``, so that the
    keys of a kind are in ascending order."""
    needed: dict[int, list[tuple[str, int]]] = {}
    for kind, (a, b) in candidates.items():
        ids = signatures[kind][0]
        for row in np.union1d(a, b).tolist():
            needed.setdefault(int(ids[row]), []).append((kind, row))
    lengths = {kind: np.zeros(len(ids), dtype=np.int64) for kind, (ids, _) in signatures.items()}
    parts: dict[str, list[np.ndarray]] = {kind: [] for kind in signatures}
    for report_id in sorted(needed):
        text, bounds = _stored_text(conn, report_id)
        kinds = {kind for kind, _ in needed[report_id]}
        bodies = section_prose(text, [b for b in bounds if b[0] in kinds])
        for kind, row in needed[report_id]:
            hashes = _without(_hash32(bodies.get(kind, "")), common.get(kind, _EMPTY))
            lengths[kind][row] = len(hashes)
            parts[kind].append((np.int64(row) << np.int64(32)) | hashes.astype(np.int64))
    return {
        kind: (np.concatenate(parts[kind]) if parts[kind] else _NO_KEYS, np.r_[0, np.cumsum(lengths[kind])])
        for kind in signatures
    }


_NO_KEYS = np.zeros(0, dtype=np.int64)
_ELEMENTS = 1 << 20  # 5-grams looked up at once


def _shared_counts(keys: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The 5-grams each pair of rows (a, b) shares: b's 5-grams looked up among a's as keys
    ``a << 32 | 5-gram`` in the sorted ``keys``, all pairs at once. The pairs are taken in order of a, in
    slices of about ``_ELEMENTS`` 5-grams, and each slice searches only its rows' keys: a few thousand
    that stay in the cache, where a search of all keys missed it at every step."""
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    lengths = np.diff(offsets)[b]
    ends = np.cumsum(lengths)
    shared = np.zeros(len(a), dtype=np.int64)
    start = 0
    while start < len(a):
        done = ends[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, done + _ELEMENTS, side="right")))
        sizes = lengths[start:stop]
        firsts = np.r_[0, np.cumsum(sizes)[:-1]]
        positions = np.repeat(offsets[b[start:stop]] - firsts, sizes) + np.arange(sizes.sum())
        wanted = (np.repeat(a[start:stop].astype(np.int64), sizes) << np.int64(32)) | (
            keys[positions] & np.int64(0xFFFFFFFF)
        )
        rows = keys[offsets[a[start]] : offsets[a[stop - 1] + 1]]
        found = np.minimum(np.searchsorted(rows, wanted), len(rows) - 1)
        shared[start:stop] = np.add.reduceat((rows[found] == wanted).astype(np.int64), firsts)
        start = stop
    out = np.empty_like(shared)
    out[order] = shared
    return out


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
    sides = [_without(_hash32(t), common) for t in (text, other_text)]
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
