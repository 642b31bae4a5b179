"""The phrase index's vocabulary: the domain's own terms, found verbatim in every report at ingest.

Exact mode answers a query of three or more characters with a phrase query over the character pairs'
positions, whose cost grows with how often the phrase occurs: 政府信息公开 or the 条例's full title,
which nearly every report prints many times, are the slowest (they took 100–150 ms at 100,000 reports
in the store's former FTS5 trigram index). The phrases researchers look up most are the
ones this project already knows — the domain terms kept whole by segmentation and every name and alias
in the regulation, platform and measure lexicons — so each report's occurrences of those are found at
ingest (Aho-Corasick, every occurrence, overlapping ones included) and stored like word postings: the
reports holding the phrase and the index columns it is in. For these phrases the postings are the
exact answer; any other query goes to the character pairs.
"""

from __future__ import annotations

import hashlib
from functools import cache

import ahocorasick

from indexer.extract.lexicons import lexicon
from indexer.segment import domain_terms

# Shorter queries are answered by the character-pair index, which is fast for any of them.
MIN_CHARS = 3
_MAX_COUNT = 0xFFFF
_LEXICONS = ("regulations", "platforms", "measures")


@cache
def vocabulary() -> frozenset[str]:
    """Every phrase the index holds."""
    found = {t for t in domain_terms() if len(t) >= MIN_CHARS}
    for kind in _LEXICONS:
        found |= {name for name in lexicon(kind).by_alias if len(name) >= MIN_CHARS and "\n" not in name}
    return frozenset(found)


@cache
def phrase_version() -> str:
    """Changes whenever the vocabulary does: a store's phrase postings are rebuilt when it differs."""
    return hashlib.sha256("\n".join(sorted(vocabulary())).encode()).hexdigest()[:16]


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for phrase in sorted(vocabulary()):
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    return automaton


def phrase_entries(columns: list[str]) -> list[tuple[str, int, int]]:
    """A report's phrases as (phrase, occurrences, bits of the index columns holding it)."""
    automaton = _automaton()
    count: dict[str, int] = {}
    bits: dict[str, int] = {}
    for i, text in enumerate(columns):
        if text:
            for _, phrase in automaton.iter(text):
                count[phrase] = count.get(phrase, 0) + 1
                bits[phrase] = bits.get(phrase, 0) | 1 << i
    return [(phrase, min(n, _MAX_COUNT), bits[phrase]) for phrase, n in sorted(count.items())]
