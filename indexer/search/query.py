"""The search box's syntax, the same on every backend.

- a space between two parts means both (AND; ``AND`` itself may be written too);
- ``OR`` between two parts means either;
- ``-part`` or ``NOT part`` leaves out the reports holding it;
- ``"…"`` is one phrase, spaces included, always matched verbatim;
- ``( … )`` groups, when the ``(`` begins a part and its ``)`` ends one.

Anything else is text: Lucene or FTS5 syntax (``title:x``, ``a*``, ``NEAR``), an unbalanced quote or
parenthesis (kept as a character of its word), a lone ``-``, an ``OR`` with nothing on one side. A
query never fails to parse. Each part is normalized as report text is (``normalize_query``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from indexer.normalize import normalize_query

# A query with more parts than this is looked up as one text: thousands of ANDed words would each be a
# lookup, and nobody types them.
MAX_PARTS = 64


@dataclass(frozen=True)
class Term:
    """One part of a query: a word (or words) or a quoted phrase (``phrase``: always matched verbatim)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | And | Or | Not


def clean(text: str) -> str:
    """A query without control characters or lone surrogates (which no report holds)."""
    return "".join(c if unicodedata.category(c) not in ("Cc", "Cs") else " " for c in text)


def parse(text: str) -> Node | None:
    """The query as a tree, or None when it holds nothing to look for (only spaces and punctuation
    that normalization removes)."""
    tokens = _tokens(clean(text))
    parser = _Parser(tokens)
    node = parser.expression()
    if node is None or _count_terms(node) > MAX_PARTS:
        whole = normalize_query(clean(text)).strip()
        return Term(whole) if whole else None
    return node


def read_query(query: Any) -> tuple[Any, Node | None, str | None]:
    """A ``SearchQuery`` as the backends take it: without a section filter they do not know, its text as a
    tree, and what to tell the user about either."""
    from indexer.search.base import SECTION_KINDS

    notice = None
    if query.section and query.section not in SECTION_KINDS:
        notice = f"未知的章节类型 {query.section}"
        query = replace(query, section=None)
    node = parse(query.text)
    if node is None:
        notice = notice or ("未输入检索词: 列出全部报告" if not query.text.strip() else "检索词只含标点或空白")
    return query, node, notice


def terms(node: Node | None, positive: bool = True) -> list[Term]:
    """The query's terms that are looked for (``positive``) or left out (not ``positive``), in order."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node] if positive else []
    if isinstance(node, Not):
        return terms(node.item, not positive) if positive else []
    return [t for item in node.items for t in terms(item, positive)]


def _count_terms(node: Node) -> int:
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        return _count_terms(node.item)
    return sum(_count_terms(i) for i in node.items)


# Tokens: ("word", text), ("phrase", text), ("(", ""), (")", ""), ("OR", ""), ("NOT", "")
_Token = tuple[str, str]


def _tokens(text: str) -> list[_Token]:
    """The query split at spaces into words, phrases, parentheses and operators."""
    raw: list[tuple[str, str]] = []  # ("text" | "phrase", value) before the parentheses are resolved
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == '"':
            close = text.find('"', i + 1)
            if close > i:
                raw.append(("phrase", text[i + 1 : close]))
                i = close + 1
                continue
        j = i
        while j < n and not text[j].isspace() and not (text[j] == '"' and text.find('"', j + 1) > j and j > i):
            j += 1
        raw.append(("text", text[i:j]))
        i = j
    # Parentheses: "(" opening a part and ")" closing one, matched in pairs; others are characters.
    pieces: list[list] = []  # [kind, value, raw token] with "(" and ")" split off where they may group
    for number, (kind, value) in enumerate(raw):
        if kind == "phrase":
            pieces.append(["phrase", value, number])
            continue
        opens = len(value) - len(value.lstrip("("))
        closes = len(value) - len(value.rstrip(")"))
        if opens == len(value):  # only "(" characters
            closes = 0
        middle = value[opens : len(value) - closes]
        pieces += [["(", "(", number] for _ in range(opens)]
        if middle:
            pieces.append(["text", middle, number])
        pieces += [[")", ")", number] for _ in range(closes)]
    stack: list[int] = []
    for index, piece in enumerate(pieces):
        if piece[0] == "(":
            stack.append(index)
        elif piece[0] == ")":
            if stack:
                stack.pop()
            else:
                piece[0] = "text"  # a ")" with no "(" before it
    for index in stack:
        pieces[index][0] = "text"  # a "(" never closed
    out: list[tuple[str, str, int]] = []
    for kind, value, number in pieces:
        if kind == "text" and out and out[-1][0] == "glue" and out[-1][2] == number:
            out[-1] = ("glue", out[-1][1] + value, number)
        elif kind == "text":
            out.append(("glue", value, number))
        else:
            out.append((kind, value, number))
    # Parentheses kept as characters were split off a word: join them back to it.
    joined: list[_Token] = []
    for kind, value, _ in out:
        if kind == "glue":
            if value == "OR":
                joined.append(("OR", ""))
            elif value == "NOT":
                joined.append(("NOT", ""))
            elif value == "AND":
                continue
            elif value.startswith("-") and len(value) > 1:
                joined.append(("NOT", ""))
                joined.append(("word", value[1:]))
            else:
                joined.append(("word", value))
        else:
            joined.append((kind, value))
    return joined


class _Parser:
    """expression := conjunction (OR conjunction)*; conjunction := unary+;
    unary := NOT unary | primary; primary := ( expression ) | word | phrase."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def expression(self) -> Node | None:
        items = []
        while True:
            part = self.conjunction()
            if part is not None:
                items.append(part)
            if self._peek() == "OR":
                self.pos += 1
                continue
            if self._peek() is None or self._peek() == ")":
                break
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self) -> Node | None:
        items = []
        while self._peek() not in (None, "OR", ")"):
            node = self.unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node | None:
        if self._peek() == "NOT":
            self.pos += 1
            if self._peek() in (None, "OR", ")"):
                return Term("NOT")  # nothing to leave out: the word itself
            inner = self.unary()
            return Not(inner) if inner is not None else None
        return self.primary()

    def primary(self) -> Node | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "(":
            inner = self.expression()
            if self._peek() == ")":
                self.pos += 1
            return inner
        text = normalize_query(value).strip() if kind == "word" else normalize_query(value)
        if not text.strip():
            return None
        return Term(text, phrase=kind == "phrase")
