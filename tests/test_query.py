"""The query syntax: how a search box string is read, and what each form finds on both backends
(Elasticsearch where NIANBAO_ES_URL names a server, skipped with the reason otherwise)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from indexer.search import SearchQuery, SqliteBackend
from indexer.search import elastic as es
from indexer.search.query import MAX_PARTS, And, Not, Or, Term, parse
from indexer.store import connect, unzip

ES_URL = os.environ.get("NIANBAO_ES_URL")
NO_ES = "no Elasticsearch server: set NIANBAO_ES_URL (and NIANBAO_ES_USER/PASSWORD) to run these cases"
ALL = 10_000


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("政务 复议", And((Term("政务"), Term("复议")))),
        ("政务 AND 复议", And((Term("政务"), Term("复议")))),
        ("政务 OR 复议", Or((Term("政务"), Term("复议")))),
        ("政务 -复议", And((Term("政务"), Not(Term("复议"))))),
        ("政务 NOT 复议", And((Term("政务"), Not(Term("复议"))))),
        ('"政务 公开" 复议', And((Term("政务公开", phrase=True), Term("复议")))),
        ("(政务 OR 复议) 公开", And((Or((Term("政务"), Term("复议"))), Term("公开")))),
        ("政务 OR 复议 公开", Or((Term("政务"), And((Term("复议"), Term("公开")))))),
        ("国办公开办函〔2021〕30号", Term("国办公开办函〔2021〕30号")),
        # Not syntax: text.
        ("政府信息公开(2021)", Term("政府信息公开(2021)")),
        ("title:政务", Term("title:政务")),
        ("政务*", Term("政务*")),
        ('"政务', Term('"政务')),
        ("(政务", Term("(政务")),
        ("政务)", Term("政务)")),
        ("-", Term("-")),
        ("OR", Term("OR")),
        ("政务 OR", Term("政务")),
        ("NOT", Term("NOT")),
        ("NEAR(政务 公开)", And((Term("NEAR(政务"), Term("公开)")))),
        ("", None),
        ("   ", None),
        ("\x00\x01", None),
    ],
)
def test_the_syntax_is_read_as_documented(text: str, tree: Any) -> None:
    assert parse(text) == tree


def test_a_query_of_too_many_parts_is_one_text() -> None:
    words = " ".join(f"词{i}" for i in range(MAX_PARTS + 1))
    node = parse(words)
    assert isinstance(node, Term) and node.text.startswith("词0")


@pytest.fixture(scope="module", params=["sqlite", "elasticsearch"])
def backend(request: pytest.FixtureRequest, sample_db: Path) -> Any:
    if request.param == "sqlite":
        return SqliteBackend(sample_db)
    if not ES_URL:
        pytest.skip(NO_ES)
    client = es.connect_es(es.EsConfig.from_env())
    report = es.reindex(client, connect(sample_db, readonly=True))
    assert report.switched and not report.failed
    return es.ElasticBackend(client)


@pytest.fixture(scope="module")
def texts(sample_db: Path) -> dict[str, str]:
    conn = connect(sample_db, readonly=True)
    try:
        return {county: unzip(text) for county, text in conn.execute("SELECT county, text FROM reports")}
    finally:
        conn.close()


def _counties(backend: Any, text: str, mode: str = "exact", **filters: Any) -> set[str]:
    result = backend.search(SearchQuery(text, mode=mode, per_page=ALL, **filters))
    assert result.total_reports == len(result.hits)
    return {h.county for h in result.hits}


def _having(texts: dict[str, str], *needles: str) -> set[str]:
    return {county for county, text in texts.items() if all(n in text for n in needles)}


@pytest.mark.parametrize("mode", ["exact", "ranked"])
def test_or_and_not_and_parentheses(backend: Any, texts: dict[str, str], mode: str) -> None:
    union = _having(texts, "政府开放日") | _having(texts, "县长")
    assert union and union != set(texts)
    assert _counties(backend, "政府开放日 OR 县长", mode) >= union
    if mode == "exact":
        assert _counties(backend, "政府开放日 OR 县长") == union
        assert _counties(backend, "政府开放日 县长") == _having(texts, "政府开放日", "县长")
        assert _counties(backend, "公开 -政府开放日") == set(texts) - _having(texts, "政府开放日")
        assert _counties(backend, "公开 NOT 政府开放日") == set(texts) - _having(texts, "政府开放日")
        assert _counties(backend, "-政府开放日") == set(texts) - _having(texts, "政府开放日")
        grouped = (_having(texts, "政府开放日") | _having(texts, "县长")) & _having(texts, "复议")
        assert _counties(backend, "(政府开放日 OR 县长) 复议") == grouped
    # Leaving a term out is verbatim in both modes: ranked never drops what exact finds.
    assert _counties(backend, "公开 -政府开放日", mode) == set(texts) - _having(texts, "政府开放日")


def test_a_phrase_is_verbatim_in_ranked_mode(backend: Any, texts: dict[str, str]) -> None:
    assert _counties(backend, '"政府信息公开条例"', "ranked") == _having(texts, "政府信息公开条例")
    assert _counties(backend, '"政府信息公开条例"', "exact") == _having(texts, "政府信息公开条例")


@pytest.mark.parametrize(
    "text",
    [
        "政务 OR",
        "OR 政务",
        '"政务',
        "((政务",
        "政务))",
        "title:政务",
        "政务*",
        "NEAR(政务 公开)",
        "政务 AND",
        "\x00政务\x1f",
        "政" * 10_000,
        "政务 " * 2_000,
        "-",
        "--",
        "NOT NOT 政务",
        '""',
        "()",
    ],
)
@pytest.mark.parametrize("mode", ["exact", "ranked"])
def test_hostile_strings_are_searched_as_text(backend: Any, text: str, mode: str) -> None:
    result = backend.search(SearchQuery(text, mode=mode, per_page=20))
    assert result.total_reports >= 0


def test_the_syntax_of_a_new_user_finds_what_it_says(backend: Any, texts: dict[str, str]) -> None:
    """``政务 OR 复议``: every report holding either (it found nothing before the syntax existed)."""
    assert _counties(backend, "政务 OR 复议", "ranked") == _having(texts, "政务") | _having(texts, "复议")
