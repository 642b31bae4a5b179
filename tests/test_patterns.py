"""Searches that skip where no match can be (the Aho-Corasick matcher, agency shapes, prose figures) find
exactly what the plain regex search finds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.pipeline import AgencyShapes
from indexer.normalize import normalize
from indexer.parse.narrative import _FIGURE, figure_matches
from indexer.patterns import Literals, trie_pattern

ROOT = Path(__file__).resolve().parents[1]
_WORDS = st.lists(st.text(alphabet="政务公开局", min_size=1, max_size=4), min_size=1, max_size=8)
_TEXT = st.text(alphabet="政务公开局，x", max_size=40)


@settings(max_examples=400, deadline=None)
@given(words=_WORDS, text=_TEXT)
def test_literals_find_what_the_trie_regex_finds(words: list[str], text: str) -> None:
    assert list(Literals(words).finditer(text)) == [m.span() for m in trie_pattern(words).finditer(text)]


@settings(max_examples=400, deadline=None)
@given(words=_WORDS, text=_TEXT)
def test_literals_end_offsets_are_every_occurrence(words: list[str], text: str) -> None:
    every = sorted(i for w in set(words) for i in range(len(w), len(text) + 1) if text[i - len(w) : i] == w)
    assert list(Literals(words).ends(text)) == every


def test_literals_without_words_find_nothing() -> None:
    assert list(Literals([]).finditer("政务公开")) == []
    assert list(Literals([""]).ends("政务公开")) == []


def _found(matches: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


def test_agency_shapes_search_equals_the_whole_text_search_on_the_samples() -> None:
    shapes = AgencyShapes()
    total = 0
    for path in sorted((ROOT / "data" / "reports").glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        found = _found(shapes.matches(text))
        assert found == _found(shapes.pattern.finditer(text))
        total += len(found)
    assert total > 50  # the samples name many agencies: the comparison is not between two empty lists


# Agency endings, organisation words, place levels, other Chinese characters, punctuation and Latin.
_AGENCY_TEXT = st.lists(
    st.sampled_from("局 办公室 人民政府 政务 服务 数据 县 市 区 街道 和 在 某 公开 ， 。 A \n".split(" ")),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_AGENCY_TEXT)
def test_agency_shapes_search_equals_the_whole_text_search(text: str) -> None:
    shapes = AgencyShapes()
    assert _found(shapes.matches(text)) == _found(shapes.pattern.finditer(text))


# Figures: labels, numbers, spaces, units, the characters a label cannot hold, long runs of plain text.
_FIGURE_PIECES = [*"共 收到 申请 12 3.5 0 件 条 万件 人次 % 余 多 年 ， ： （ “ 的".split(), "的" * 13, " ", "\u3000"]
_FIGURE_TEXT = st.lists(
    st.sampled_from(_FIGURE_PIECES),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(line=_FIGURE_TEXT)
def test_figure_search_equals_the_whole_line_search(line: str) -> None:
    assert [m.span() for m in figure_matches(line)] == [m.span() for m in _FIGURE.finditer(line)]


def test_figure_search_equals_the_whole_line_search_on_the_samples() -> None:
    found = 0
    for path in sorted((ROOT / "data" / "reports").glob("*.txt")):
        for line in normalize(path.read_text(encoding="utf-8")).text.split("\n"):
            expected = [m.span() for m in _FIGURE.finditer(line)]
            assert [m.span() for m in figure_matches(line)] == expected
            found += len(expected)
    assert found > 100
