"""Word segmentation shared by the index and queries.

jieba's algorithm (run by rjieba, its Rust port, ~20x faster than jieba in Python) cuts the text
between protected spans: 《…》 titles, 文号 such as 国办公开办函〔2021〕30号, and the domain terms
in ``data/dictionaries/domain_terms.txt``. Those stay whole tokens, and their sub-words are indexed
beside them so a query for a part (开放日, 条例) still finds the whole (政府开放日, 《…条例》).
"""

from __future__ import annotations

import re
from functools import cache
from itertools import accumulate

import rjieba

from indexer.paths import data_dir

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
    terms = "|".join(map(re.escape, domain_terms()))
    return re.compile(f"{_TITLE}|{_DOC_NUMBER}|{terms}")


def words(text: str) -> list[tuple[str, int, int]]:
    """Whole-word tokens with their offsets; punctuation and spaces are dropped.

    The text is cut once; the cuts falling inside a protected span give way to the span itself.
    """
    spans = [(m.start(), m.end(), m.group(0)) for m in _protected().finditer(text)]
    if not spans:
        return _cut(text, 0)
    out: list[tuple[str, int, int]] = []
    k = 0
    for word, a, b in _cut(text, 0):
        while k < len(spans) and spans[k][1] <= a:
            k += 1
        if k < len(spans) and spans[k][0] < b:
            start, end, token = spans[k]
            if not out or out[-1][1] != start + (1 if token.startswith("《") else 0):
                out.append(_span_token(start, end, token))
            continue
        out.append((word, a, b))
    return out


def _span_token(start: int, end: int, token: str) -> tuple[str, int, int]:
    return (token[1:-1], start + 1, end - 1) if token.startswith("《") else (token, start, end)


def _cut(text: str, offset: int) -> list[tuple[str, int, int]]:
    cuts = rjieba.cut(text)
    ends = list(accumulate(map(len, cuts), initial=offset))
    return [(w, ends[i], ends[i + 1]) for i, w in enumerate(cuts) if w not in _SKIP and _WORDLIKE.match(w)]


@cache
def sub_words(word: str) -> tuple[str, ...]:
    """Shorter words inside a long word: jieba's search-mode pieces and domain terms inside it."""
    if len(word) <= 2:
        return ()
    pieces = {w for w, _, _ in rjieba.tokenize(word, mode="search") if _WORDLIKE.match(w)}
    pieces |= {t for t in domain_terms() if t in word}
    pieces.discard(word)
    return tuple(sorted(pieces))


def index_terms(text: str) -> list[str]:
    """The terms the ranked index stores: every whole word followed by its sub-words."""
    out: list[str] = []
    for word, _, _ in words(text):
        out.append(word)
        out += sub_words(word)
    return out


def query_terms(query: str) -> list[str]:
    """Whole-word terms of a query, each once, in order."""
    seen: dict[str, None] = {}
    for word, _, _ in words(query):
        seen.setdefault(word, None)
    return list(seen)
