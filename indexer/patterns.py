"""Regular expressions built from word lists."""

from __future__ import annotations

import re
from collections.abc import Iterable


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
