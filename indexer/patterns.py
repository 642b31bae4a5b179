"""Finding many literal words in a text at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import ahocorasick


def trie_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for many literals, factored as a trie so that a position costs one branch, not thousands."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def alternation(node: dict) -> str:
        branches = [re.escape(char) + alternation(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # The greedy "?" tries the longer names before settling for the word that ends here.
        return f"(?:{body})?" if "" in node else body

    return re.compile(alternation(trie))


class Literals:
    """Many literal words found in one pass (Aho-Corasick), several times faster than ``trie_pattern``'s
    regex on long word lists, with the same matches as its ``finditer``: scanning left to right, the
    longest word at the leftmost position where one starts, then on after its end."""

    def __init__(self, words: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for word in words:
            if word:
                self._automaton.add_word(word, len(word))
        self.empty = len(self._automaton) == 0
        if not self.empty:
            self._automaton.make_automaton()

    def ends(self, text: str) -> Iterator[int]:
        """The end offset of every occurrence of every word in the text, overlapping ones included, in
        increasing order."""
        if self.empty:
            return iter(())
        return (i + 1 for i, _ in self._automaton.iter(text))

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """The (start, end) of each leftmost-longest, non-overlapping occurrence."""
        if self.empty:
            return
        longest: dict[int, int] = {}
        for i, length in self._automaton.iter(text):
            start = i + 1 - length
            if length > longest.get(start, 0):
                longest[start] = length
        pos = 0
        for start in sorted(longest):
            if start >= pos:
                pos = start + longest[start]
                yield start, pos
