"""Word segmentation shared by the index and queries.

jieba's algorithm (run by rjieba, its Rust port, ~20x faster than jieba in Python) cuts the text
between protected spans: 《…》 titles, 文号 such as 国办公开办函〔2021〕30号, and the domain terms
in ``data/dictionaries/domain_terms.txt``. Those stay whole tokens, and their sub-words are indexed
beside them so a query for a part (开放日, 条例) still finds the whole (政府开放日, 《…条例》).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import accumulate

import rjieba

from indexer.paths import data_dir
from indexer.patterns import trie_pattern

# The cuts' version: raise it with every change of this module that changes the words a text is indexed
# with (tests/test_segment_version.py fails until then). Stores record it and refuse other cuts.
SEGMENTATION_VERSION = 1

_DOC_NUMBER = r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号|国务院令第\d{1,4}号"
_TITLE = r"《[^《》\n]{1,80}》"
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
# Cuts that are never words: the commonest punctuation and spaces, skipped before the regex check.
_SKIP = frozenset("，。、；：？！“”‘’（）《》〔〕【】…—·,.;:?!()[]\"' \t\n\u3000")


@cache
def domain_terms() -> tuple[str, ...]:
    path = data_dir() / "dictionaries" / "domain_terms.txt"
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    return tuple(sorted(set(terms), key=lambda t: (-len(t), t)))  # a stable order: it feeds the version hash


@cache
def _protected() -> re.Pattern[str]:
    return re.compile(f"{_TITLE}|{_DOC_NUMBER}|{trie_pattern(domain_terms()).pattern}")


# Words a sentence puts before a 文号 that are not part of its code: 和国办发… → 国办发…
_LEAD_WORDS = (
    "根据",
    "依据",
    "按照",
    "依照",
    "对照",
    "落实",
    "贯彻",
    "印发",
    "转发",
    "和",
    "与",
    "及",
    "按",
    "据",
    "照",
    "依",
    "等",
    "的",
    "是",
    "为",
)


def number_start(text: str, start: int, end: int) -> int:
    """Where a 文号 really starts: after the words the sentence put before its code."""
    changed = True
    while changed:
        changed = False
        for word in _LEAD_WORDS:
            if text.startswith(word, start) and start + len(word) < end and "〔" not in word:
                start += len(word)
                changed = True
    return start


def _pieces(text: str) -> list[tuple[str, int, bool]]:
    """The text as (piece, offset, protected) between and at protected spans."""
    out: list[tuple[str, int, bool]] = []
    pos = 0
    for m in _protected().finditer(text):
        start = number_start(text, m.start(), m.end()) if m.group(0).endswith("号") else m.start()
        if start > pos:
            out.append((text[pos:start], pos, False))
        out.append((text[start : m.end()], start, True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], pos, False))
    return out


def words(text: str) -> list[tuple[str, int, int]]:
    """Whole-word tokens with their offsets; punctuation and spaces are dropped."""
    out: list[tuple[str, int, int]] = []
    for piece, offset, protected in _pieces(text):
        if protected:
            out.append(_span_token(offset, offset + len(piece), piece))
        else:
            out += _cut(piece, offset)
    return out


def _span_token(start: int, end: int, token: str) -> tuple[str, int, int]:
    return (token[1:-1], start + 1, end - 1) if token.startswith("《") else (token, start, end)


def _cut(text: str, offset: int) -> list[tuple[str, int, int]]:
    cuts = rjieba.cut(text)
    ends = list(accumulate(map(len, cuts), initial=offset))
    return [(w, ends[i], ends[i + 1]) for i, w in enumerate(cuts) if _is_word(w)]


def _is_word(cut: str) -> bool:
    """Whether a cut is a word: punctuation and spaces are not."""
    return cut not in _SKIP and bool(_WORDLIKE.match(cut))


@lru_cache(maxsize=1 << 16)  # bounded: a long ingest meets new long words all the time
def sub_words(word: str) -> tuple[str, ...]:
    """Shorter words inside a long word: jieba's search-mode pieces and domain terms inside it."""
    if len(word) <= 2:
        return ()
    pieces = {w for w, _, _ in rjieba.tokenize(word, mode="search") if _WORDLIKE.match(w)}
    pieces |= {t for t in domain_terms() if t in word}
    pieces.discard(word)
    return tuple(sorted(pieces))


def _index_cuts(text: str) -> Iterator[tuple[str, bool]]:
    """A text's cuts as the indexes take them (《…》 titles without their marks), each with whether it is
    a word."""
    for piece, _, protected in _pieces(text):
        if protected:
            yield (piece[1:-1] if piece.startswith("《") else piece), True
        else:
            for cut in rjieba.cut(piece):
                yield cut, _is_word(cut)


def index_text(text: str) -> str:
    """What the Elasticsearch index's words field gets for a text: its cuts, each followed by its sub-words.

    The same cuts as ``words`` (punctuation is left in: the analyzer drops it).
    """
    out: list[str] = []
    for cut, _ in _index_cuts(text):
        out.append(cut)
        if len(cut) > 2:
            out += sub_words(cut)
    return " ".join(out)


def index_tokens(text: str) -> list[str]:
    """The ranked index's terms for a text: its words, each followed by its sub-words, lower-cased.

    A query's terms (``query_terms``, lower-cased) are looked up among them. (``_index_cuts`` inlined:
    this runs over every report's text.)
    """
    out: list[str] = []
    append, extend = out.append, out.extend
    for piece, _, protected in _pieces(text):
        if protected:
            cut = piece[1:-1] if piece.startswith("《") else piece
            append(cut.lower())
            if len(cut) > 2:
                extend(_lower_sub_words(cut))
            continue
        for cut in rjieba.cut(piece):
            if cut in _SKIP or not _WORDLIKE.match(cut):
                continue
            append(cut.lower())
            if len(cut) > 2:
                extend(_lower_sub_words(cut))
    return out


@lru_cache(maxsize=1 << 16)
def _lower_sub_words(word: str) -> tuple[str, ...]:
    return tuple(sub.lower() for sub in sub_words(word))


def query_terms(query: str) -> list[str]:
    """Whole-word terms of a query, each once, in order."""
    seen: dict[str, None] = {}
    for word, _, _ in words(query):
        seen.setdefault(word, None)
    return list(seen)
