"""Search: exact mode is exactly a substring scan, ranked mode never loses what exact finds,
recall does not depend on how jieba cut a word, filters and facets, and any input is safe."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.ingest import ingest
from indexer.phrases import vocabulary
from indexer.search import SearchQuery, SqliteBackend
from indexer.search import sqlite as sqlite_backend
from indexer.search.base import LOOKUP_CHARS
from indexer.segment import index_tokens, query_terms
from indexer.store import COLUMNS, stored_columns

ROOT = Path(__file__).resolve().parents[1]
ALL = 100_000

QUERIES = [
    "县",
    "公",
    "0",
    "1",
    "。",
    "《",
    " ",
    "政务",
    "复议",
    "申请",
    "13",
    "减4",
    "开放日",
    "政府开放日",
    "政策解读",
    "新媒体",
    "政务新媒体",
    "政府信息公开条例",
    "《中华人民共和国政府信息公开条例》",
    "盐政办发〔2020〕43号",
    "国务院令第711号",
    "三级审核",
    "0\t0",
    "不存在的词语组合",
    "www.ycxixia.gov.cn",
    "12345",
    "H5",
    "2020年",
    "（一）",
    "- 11 -",
]


class Texts(dict):
    """The stored normalized texts by path (short repr: hypothesis prints its arguments)."""

    def __repr__(self) -> str:
        return f"<{len(self)} texts>"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteBackend, Texts]:
    db = tmp_path_factory.mktemp("search") / "s.db"
    summary = ingest([ROOT / "data" / "reports"], db=db, workers=1)
    assert summary.ingested == 5
    conn = sqlite3.connect(db)
    texts = Texts(conn.execute("SELECT path, text FROM reports"))
    conn.close()
    return SqliteBackend(db), texts


def _paths(backend: SqliteBackend, query: SearchQuery) -> set[str]:
    return {h.path for h in backend.search(query).hits}


def _scan(texts: dict[str, str], query: SearchQuery) -> set[str]:
    needle = query.cleaned()
    return {path for path, text in texts.items() if any(needle in line for line in text.split("\n"))}


@pytest.mark.parametrize("text", QUERIES)
def test_exact_mode_equals_a_substring_scan(store, text: str) -> None:
    backend, texts = store
    query = SearchQuery(text, mode="exact", per_page=ALL)
    assert _paths(backend, query) == _scan(texts, query)


@pytest.mark.parametrize("text", QUERIES)
def test_ranked_mode_returns_every_report_exact_mode_finds(store, text: str) -> None:
    backend, _ = store
    exact = _paths(backend, SearchQuery(text, mode="exact", per_page=ALL))
    ranked = _paths(backend, SearchQuery(text, mode="ranked", per_page=ALL))
    assert exact <= ranked


@pytest.mark.parametrize(
    ("query", "whole"),
    [
        ("开放日", "政府开放日"),
        ("复议", "行政复议"),
        ("政府信息公开条例", "中华人民共和国政府信息公开条例"),
        ("新媒体", "政务新媒体"),
    ],
)
def test_ranked_recall_does_not_depend_on_segmentation(store, query: str, whole: str) -> None:
    backend, texts = store
    holders = {p for p, t in texts.items() if whole in t}
    assert holders
    result = backend.search(SearchQuery(query, per_page=ALL))
    assert holders <= {h.path for h in result.hits}
    # The words index (not only the exact fallback) finds them: the sub-word is indexed.
    assert holders <= {h.path for h in result.hits if h.score < 0}


def test_ranked_hits_are_grouped_with_highlighted_original_text(store) -> None:
    backend, _ = store
    result = backend.search(SearchQuery("政府开放日"))
    assert result.total_reports == 3
    for hit in result.hits:
        assert hit.passages
        for p in hit.passages:
            marked = [p.snippet[a:b] for a, b in p.highlights]
            assert any("开放" in m for m in marked)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores)


def test_snippets_show_the_original_unnormalized_text(store) -> None:
    backend, _ = store
    result = backend.search(SearchQuery("政务新媒体发布信息", mode="exact"))
    passage = result.hits[0].passages[0]
    highlighted = [passage.snippet[a:b] for a, b in passage.highlights]
    assert "政务新媒体发布信息" in highlighted or any(" " in h for h in highlighted)
    assert passage.orig_end > passage.orig_start


def test_filters_and_facets(store) -> None:
    backend, texts = store
    everything = backend.search(SearchQuery("公开", per_page=ALL))
    provinces = dict(everything.facets["province"])
    assert provinces == {"宁夏回族自治区": 4, "甘肃省": 1}
    assert dict(everything.facets["year"]) == {2020: 3, 2019: 2}
    assert dict(everything.facets["level"]) == {"county": 5}
    gansu = backend.search(SearchQuery("公开", province="甘肃省", per_page=ALL))
    assert [h.county for h in gansu.hits] == ["合水县"]
    years = backend.search(SearchQuery("公开", year_from=2020, year_to=2020, per_page=ALL))
    assert {h.year for h in years.hits} == {2020}
    assert Counter(h.province for h in years.hits) == Counter(dict(years.facets["province"]))
    section = backend.search(SearchQuery("政策解读", mode="exact", section="problems", per_page=ALL))
    assert section.total_reports == dict(everything.facets["section"]).get("problems", section.total_reports)
    assert all(p.section == "problems" for h in section.hits for p in h.passages)


def test_sort_by_year_and_pagination(store) -> None:
    backend, _ = store
    by_year = backend.search(SearchQuery("公开", sort="year", per_page=ALL))
    years = [h.year for h in by_year.hits]
    assert years == sorted(years, reverse=True)
    pages = [backend.search(SearchQuery("公开", per_page=2, page=n)) for n in (1, 2, 3)]
    ids = [h.report_id for p in pages for h in p.hits]
    assert len(ids) == len(set(ids)) == 5
    assert all(p.total_reports == 5 for p in pages)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        '"政务',
        "AND",
        "OR",
        "NOT",
        "NEAR(a b)",
        "政务 AND 公开",
        "*",
        "^政务",
        "col:政务",
        "+-",
        "(",
        ")",
        "{overview}",
        "[",
        "]",
        "😀政务😀",
        "\x00\x01\x1f",
        "政" * 10_000,
        "",
        "   ",
        "\n",
        "a\tb",
    ],
)
@pytest.mark.parametrize("mode", ["ranked", "exact"])
def test_any_input_is_safe(store, text: str, mode: str) -> None:
    backend, texts = store
    result = backend.search(SearchQuery(text, mode=mode, per_page=ALL))
    assert result.total_reports >= 0
    if mode == "exact":
        assert {h.path for h in result.hits} == _scan(texts, SearchQuery(text, mode="exact"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('政务公开县区年报告条例复议，。（）《》0123 a"*:^-')), max_size=8))
def test_property_exact_is_a_scan_and_ranked_contains_exact(store, text: str) -> None:
    backend, texts = store
    exact = backend.search(SearchQuery(text, mode="exact", per_page=ALL))
    assert {h.path for h in exact.hits} == _scan(texts, SearchQuery(text, mode="exact"))
    ranked = backend.search(SearchQuery(text, mode="ranked", per_page=ALL))
    assert {h.path for h in exact.hits} <= {h.path for h in ranked.hits}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=30))
def test_property_arbitrary_unicode_never_fails(store, text: str) -> None:
    backend, _ = store
    for mode in ("ranked", "exact"):
        assert backend.search(SearchQuery(text, mode=mode)).total_reports >= 0


@pytest.mark.parametrize("text", QUERIES)
def test_exact_section_facet_counts_what_filtering_by_the_section_finds(store, text: str) -> None:
    backend, _ = store
    for filters in ({}, {"province": "宁夏回族自治区"}):
        result = backend.search(SearchQuery(text, mode="exact", per_page=ALL, **filters))
        for section, count in result.facets["section"]:
            only = backend.search(SearchQuery(text, mode="exact", section=section, per_page=ALL, **filters))
            assert only.total_reports == count


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("mode", ["ranked", "exact"])
def test_section_facet_counts_what_filtering_by_each_section_finds(store, text: str, mode: str) -> None:
    """Every section's count (with and without another filter) is what searching that section returns,
    and a section the facet leaves out returns nothing."""
    backend, _ = store
    for filters in ({}, {"province": "宁夏回族自治区"}, {"year_from": 2021}):
        result = backend.search(SearchQuery(text, mode=mode, per_page=ALL, **filters))
        counts = dict(result.facets["section"])
        if not SearchQuery(text).cleaned().strip():
            assert counts == {}
            continue
        for section in COLUMNS:
            only = backend.search(SearchQuery(text, mode=mode, section=section, per_page=ALL, **filters))
            assert only.total_reports == counts.get(section, 0), (section, filters)
            assert {h.report_id for h in only.hits} <= {h.report_id for h in result.hits}


@pytest.mark.parametrize("mode", ["ranked", "exact"])
@pytest.mark.parametrize("sort", ["relevance", "year"])
def test_ties_are_ordered_by_report_id(store, mode: str, sort: str) -> None:
    backend, _ = store
    hits = backend.search(SearchQuery("公开", mode=mode, sort=sort, per_page=ALL)).hits
    if sort == "year":
        keys = [(-(h.year or 0), h.score, h.report_id) for h in hits]
    else:
        keys = [(h.score, -(h.year or 0), h.report_id) for h in hits]
    assert keys == sorted(keys)
    assert [
        h.report_id for h in backend.search(SearchQuery("公开", mode=mode, sort=sort, per_page=2, page=2)).hits
    ] == [h.report_id for h in hits[2:4]]


def test_queries_longer_than_the_index_lookup_are_checked_against_the_text(store) -> None:
    """Past LOOKUP_CHARS the index finds candidates by the query's beginning and the stored text decides."""
    backend, texts = store
    longest = max((line for text in texts.values() for line in text.split("\n")), key=len)
    assert len(longest) > LOOKUP_CHARS + 50
    present = longest[: LOOKUP_CHARS + 50]
    absent = present[:-1] + ("甲" if present[-1] != "甲" else "乙")
    for text in (present, absent, longest[10 : LOOKUP_CHARS + 40]):
        query = SearchQuery(text, mode="exact", per_page=ALL)
        result = backend.search(query)
        assert {h.path for h in result.hits} == _scan(texts, query)
        for section, count in result.facets["section"]:
            assert backend.search(SearchQuery(text, mode="exact", section=section, per_page=ALL)).total_reports == count
        assert _scan(texts, query) <= _paths(backend, SearchQuery(text, mode="ranked", per_page=ALL))
    assert _paths(backend, SearchQuery(present, mode="exact", per_page=ALL))
    assert not _paths(backend, SearchQuery(absent, mode="exact", per_page=ALL))


@pytest.mark.parametrize("terms", [["公开"], ["政务", "公开"], ["行政复议"], ["政府信息公开条例", "申请"], ["h5"]])
def test_ranked_scores_are_fts5_bm25_over_the_same_words(store, terms: list[str]) -> None:
    """The word postings give the reports and scores SQLite's own bm25() gives over the same words
    (an FTS5 table holding each word as one token, the title and introduction weighing four)."""
    backend, _ = store
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5({', '.join(COLUMNS)})")
    codes: dict[str, str] = {}
    for (report_id,) in backend.conn.execute("SELECT id FROM reports").fetchall():
        columns = [
            " ".join(codes.setdefault(w, f"w{len(codes)}") for w in index_tokens(text))
            for text in stored_columns(backend.conn, report_id)
        ]
        conn.execute(
            f"INSERT INTO t (rowid, {', '.join(COLUMNS)}) VALUES (?, {', '.join('?' * len(COLUMNS))})",
            (report_id, *columns),
        )
    assert all(t in codes for t in terms)
    expr = " AND ".join(codes[t] for t in terms)
    expected = dict(conn.execute("SELECT rowid, bm25(t, 4, 1, 1, 1, 1, 1, 1) FROM t WHERE t MATCH ?", (expr,)))
    ids, scores, _ = backend._words(terms, backend._metadata())
    assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == pytest.approx(expected, rel=1e-9)
    assert expected


def test_a_one_word_query_has_no_word_match_that_exact_mode_misses(store) -> None:
    """Why ranked mode may take exact mode's matches for a query that is one word: every report (and
    section) holding the word as a cut or a part of one holds the query verbatim. Checked for every
    word of the samples that is a query of its own."""
    backend, texts = store
    meta = backend._metadata()
    words = Counter(t for text in texts.values() for t in index_tokens(text))
    checked = 0
    for word in words:
        if query_terms(word) != [word] or word.lower() != word.upper():
            continue
        ids, _, bits = backend._words([word], meta)
        exact, exact_bits = backend._verbatim(word)
        held = dict(zip(exact.tolist(), exact_bits.tolist(), strict=True))
        for report_id, columns in zip(ids.tolist(), bits.tolist(), strict=True):
            assert columns & ~held.get(report_id, 0) == 0, (word, report_id)
        checked += 1
    assert checked > 1000


def test_a_lookup_split_between_two_connections_finds_what_one_finds(store, monkeypatch) -> None:
    """On a large store FTS5 lookups are split by rowid between two connections; same results."""
    backend, _ = store
    whole = {text: backend._trigram_rows(text) for text in QUERIES if len(text) >= 3}
    pairs = {(text, c): backend._pair_ids(text, c) for text in QUERIES if len(text) < 3 for c in (None, *COLUMNS)}
    monkeypatch.setattr(sqlite_backend, "_SPLIT_REPORTS", 0)
    split = SqliteBackend(backend.conn.execute("PRAGMA database_list").fetchone()["file"])
    try:
        assert split._metadata().middle_id > min(split.conn.execute("SELECT id FROM reports").fetchone())
        for text, rows in whole.items():
            assert np.array_equal(split._trigram_rows(text), rows), text
        for (text, column), ids in pairs.items():
            assert np.array_equal(split._pair_ids(text, column), ids), text
        assert split._side is not None
    finally:
        split.close()


def test_the_phrase_index_answers_as_the_trigram_index_does(store, monkeypatch) -> None:
    """Every phrase of the vocabulary the samples hold (and some they do not): its postings give the
    reports and sections the trigram index gives, and exact and ranked mode take them from there."""
    backend, texts = store
    meta = backend._metadata()
    assert meta.phrases
    held = [p for p in sorted(vocabulary()) if any(p in text for text in texts.values())]
    absent = [p for p in sorted(vocabulary()) if p not in held][:50]
    assert len(held) > 50 and absent
    for phrase in held + absent:
        ids, _, bits = backend._postings(phrase, meta, "phrase_postings")
        rows = sqlite_backend._report_bits(backend._trigram_rows(phrase))
        assert (ids.tolist(), bits.tolist()) == (rows[0].tolist(), rows[1].tolist()), phrase
        assert bool(len(ids)) == (phrase in held)

    def no_trigrams(needle: str) -> None:
        raise AssertionError(f"trigram lookup for {needle}")

    monkeypatch.setattr(backend, "_trigram_rows", no_trigrams)
    for phrase in ("政府信息公开", "中华人民共和国政府信息公开条例", "政务新媒体"):
        assert phrase in held
        for mode in ("exact", "ranked"):
            query = SearchQuery(phrase, mode=mode, per_page=ALL)
            assert _paths(backend, query) >= _scan(texts, query)
        assert _paths(backend, SearchQuery(phrase, mode="exact", per_page=ALL)) == _scan(texts, query)
