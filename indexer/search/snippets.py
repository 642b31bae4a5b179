"""Snippets in the original text: a passage cut around its first match, every match highlighted."""

from __future__ import annotations

from indexer.normalize import normalize
from indexer.search.base import SNIPPET_CHARS, PassageHit


def passage_hit(
    passage_id: int,
    section: str,
    start: int,
    end: int,
    orig_start: int,
    orig_end: int,
    source: str,
    needles: list[str],
    normalized: str | None = None,
) -> PassageHit:
    """``source`` is the passage's original text; matches are found in its normalized form and mapped back.

    ``normalized``, the stored normalized passage, may be given: where it equals the original, the
    passage is not normalized again."""
    norm = None if normalized == source else normalize(source)
    text = source if norm is None else norm.text
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle.strip():
            continue
        at = text.find(needle)
        while at >= 0:
            spans.append((at, at + len(needle)) if norm is None else norm.original_span(at, at + len(needle)))
            at = text.find(needle, at + max(len(needle), 1))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    first = merged[0][0] if merged else 0
    cut = max(0, min(first - SNIPPET_CHARS // 3, len(source) - SNIPPET_CHARS))
    snippet = source[cut : cut + SNIPPET_CHARS]
    highlights = [
        (max(a - cut, 0), min(b - cut, len(snippet))) for a, b in merged if a < cut + SNIPPET_CHARS and b > cut
    ]
    return PassageHit(passage_id, section, start, end, orig_start, orig_end, snippet, highlights)
