"""Search: exact mode is exactly a substring scan, ranked mode never loses what exact finds,
recall does not depend on how jieba cut a word, filters and facets, and any input is safe."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.ingest import ingest
from indexer.phrases import vocabulary
from indexer.search import SearchQuery, SqliteBackend
from indexer.search import sqlite as sqlite_backend
from indexer.search.embedded import COLUMNS
from indexer.search.query import And, Node, Not, Or, parse
from indexer.store import connect, stored_columns

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
    """The stored normalized texts by path, and ``columns``: each one's text per index column (short
    repr: hypothesis prints its arguments)."""

    columns: dict[str, list[str]]

    def __repr__(self) -> str:
        return f"<{len(self)} texts>"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteBackend, Texts]:
    db = tmp_path_factory.mktemp("search") / "s.db"
    summary = ingest([ROOT / "data" / "reports"], db=db, workers=1)
    assert summary.ingested == 5
    conn = connect(db, readonly=True)
    texts = Texts(conn.execute("SELECT path, unzip(text) FROM reports"))
    texts.columns = {path: stored_columns(conn, rid) for rid, path in conn.execute("SELECT id, path FROM reports")}
    conn.close()
    return SqliteBackend(db), texts


def _paths(backend: SqliteBackend, query: SearchQuery) -> set[str]:
    return {h.path for h in backend.search(query).hits}


def _holds(node: Node, text: str, section: str | None) -> bool:
    """Whether a report's text (``text``: its columns) satisfies a query, each term a substring: what
    exact mode must answer (a term left out is left out wherever it is)."""
    if isinstance(node, Not):
        return not _holds(node.item, text, None)
    if isinstance(node, And):
        return all(_holds(i, text, section) for i in node.items)
    if isinstance(node, Or):
        return any(_holds(i, text, section) for i in node.items)
    columns = text if section is None else [text[COLUMNS.index(section)]]
    return any(node.text in c for c in columns)


def _scan(texts: Texts, query: SearchQuery) -> set[str]:
    """A scan of every stored text for the query."""
    node = parse(query.text)
    if node is None:
        return set(texts)
    return {path for path in texts if _holds(node, texts.columns[path], query.section)}


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
    assert holders <= {h.path for h in result.hits if h.score > 0}


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
    assert scores == sorted(scores, reverse=True)


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
def test_the_order_is_stable_across_pages(store, mode: str, sort: str) -> None:
    """Exact mode and sorting by year: newest first (ties in the store's order); ranked: best score first.
    Page 2 continues page 1."""
    backend, _ = store
    hits = backend.search(SearchQuery("公开", mode=mode, sort=sort, per_page=ALL)).hits
    if mode == "exact" or sort == "year":
        assert [h.year for h in hits] == sorted((h.year for h in hits), reverse=True)
    else:
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert [
        h.report_id for h in backend.search(SearchQuery("公开", mode=mode, sort=sort, per_page=2, page=2)).hits
    ] == [h.report_id for h in hits[2:4]]


def test_long_queries_are_matched_whole(store) -> None:
    """A query of hundreds of characters is a phrase of all its character pairs: found where it is, not where
    only its beginning is."""
    backend, texts = store
    longest = max((line for text in texts.values() for line in text.split("\n")), key=len)
    assert len(longest) > 450
    present = longest[:450]
    absent = present[:-1] + ("甲" if present[-1] != "甲" else "乙")
    for text in (present, absent, longest[10:440]):
        query = SearchQuery(text, mode="exact", per_page=ALL)
        result = backend.search(query)
        assert {h.path for h in result.hits} == _scan(texts, query)
        for section, count in result.facets["section"]:
            assert backend.search(SearchQuery(text, mode="exact", section=section, per_page=ALL)).total_reports == count
        assert _scan(texts, query) <= _paths(backend, SearchQuery(text, mode="ranked", per_page=ALL))
    assert _paths(backend, SearchQuery(present, mode="exact", per_page=ALL))
    assert not _paths(backend, SearchQuery(absent, mode="exact", per_page=ALL))


def test_the_phrase_fields_answer_as_the_character_pairs_do(store, monkeypatch) -> None:
    """Every phrase of the vocabulary the samples hold (and some they do not) is looked up as one term of
    the phrase fields; without them (the phrase of character pairs) the reports and sections are the same, and both
    are a scan's."""
    backend, texts = store
    held = [p for p in sorted(vocabulary()) if any(p in text for text in texts.values())]
    absent = [p for p in sorted(vocabulary()) if p not in held][:50]
    assert len(held) > 50 and absent

    def answer(phrase: str) -> tuple[set[str], list]:
        result = backend.search(SearchQuery(phrase, mode="exact", per_page=ALL))
        return {h.path for h in result.hits}, sorted(result.facets["section"])

    with_phrases = {p: answer(p) for p in held + absent}
    monkeypatch.setattr(sqlite_backend, "vocabulary", lambda: frozenset())
    for phrase, (found, sections) in with_phrases.items():
        assert (found, sections) == answer(phrase), phrase
        assert found == _scan(texts, SearchQuery(phrase, mode="exact")), phrase
        assert bool(found) == (phrase in held)
