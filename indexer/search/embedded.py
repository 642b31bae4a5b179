"""The embedded search index: tantivy, in a folder beside the store (``nianbao.db`` → ``nianbao.index``).

One tantivy document per report (its current version). Each index column (``COLUMNS``: the text
before the first section, then the six section kinds) has its own fields, so that one query can be
asked of the whole report or of one section:

- ``w<c>``: the ranked words — the project's jieba cuts with their sub-words (``index_tokens``),
  handed over space-separated and kept whole by tantivy's whitespace tokenizer, with frequencies (BM25);
- ``g<c>``: every character pair with its position (exact mode, 2+ characters: a phrase of the
  query's pairs at offsets 0, 2, 4, … and the last one, which together cover every character; two
  characters are one term). Pairs rather than trigrams: the positions, one a character of text, are
  the same number, but pairs make a smaller term dictionary and one field instead of two (0.71× the
  text against 0.90× for positional trigrams and a field of distinct pairs, 10,000 reports);
- ``h<c>``: the distinct characters, without positions (1 character);
- ``p<c>``: the phrases of ``indexer.phrases.vocabulary()`` the column holds (the domain's own terms,
  which nearly every report prints many times: one term lookup instead of a phrase query).

Whitespace inside those tokens is mapped to private-use characters, and a pair may cross a
line (never matched: a query holds no line break), so positions are the text's character offsets and
a phrase match is a substring match. Metadata fields filter and facet: one document per report, so
every count is of distinct reports. The index is derived: ``indexer.search.sync`` keeps it in step
with the store and rebuilds it when it is missing or of another layout.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from indexer.phrases import phrase_entries, phrase_version
from indexer.segment import SEGMENTATION_VERSION, domain_terms, index_tokens

# Raise with any change of the fields or of what they hold: an index of another layout is rebuilt.
INDEX_LAYOUT = 2  # 2: positional character pairs replace the trigrams and the distinct pairs
COLUMNS = ("preamble", "overview", "proactive", "applications", "review_litigation", "problems", "other")
META_FIELDS = ("province", "city", "county", "level")
HEAD_BOOST = 4.0  # the title and introduction (the preamble column) weigh four times in ranked mode
_ESCAPE = {" ": "\ue020", "\t": "\ue009", "\n": "\ue00a", "\r": "\ue00d", "\u3000": "\ue300", "\xa0": "\ue0a0"}
_MARKER = "nianbao-index.json"
_OTHER_SPACE = re.compile("[\t\n\r\u3000\xa0]")


def escape(text: str) -> str:
    """Text with the whitespace tantivy's whitespace tokenizer would split at mapped out of the way."""
    for char, mapped in _ESCAPE.items():
        if char in text:
            text = text.replace(char, mapped)
    return text


def _joined(tokens: list[str]) -> str:
    """Tokens space-separated for the whitespace tokenizer (the rare one holding whitespace escaped)."""
    joined = " ".join(tokens)
    if joined.count(" ") + 1 == len(tokens) and not _OTHER_SPACE.search(joined):
        return joined
    return " ".join(map(escape, tokens))


def index_path(db: str | Path) -> Path:
    """The index folder of a store: beside it, named after it."""
    db = Path(db)
    return db.with_name(db.stem + ".index")


@dataclass
class IndexDocument:
    """What the index holds of one report's text, per index column: made where the report is parsed."""

    words: list[str]
    pairs: list[str]  # every character pair, in order (positions)
    chars: list[str]
    phrases: list[str]


def index_document(columns: list[str]) -> IndexDocument:
    """The index fields of a report's text per index column."""
    words, pairs, chars = [], [], []
    for text in columns:
        words.append(_joined(index_tokens(text)) if text else "")
        t = escape(text)
        pairs.append(" ".join(map(operator.add, t, t[1:])))
        chars.append(" ".join(set(t)))
    found: list[list[str]] = [[] for _ in columns]
    for phrase, _, bits in phrase_entries(columns):
        for c in range(len(columns)):
            if bits >> c & 1:
                found[c].append(escape(phrase))
    return IndexDocument(words, pairs, chars, [" ".join(p) for p in found])


@dataclass
class IndexedReport:
    """One report as the index writers receive it: its store row id, metadata and text."""

    report_id: int
    uid: str
    metadata: dict[str, Any]  # title, path, publisher, level, year, province, city, county
    columns: list[str]  # the normalized text per index column
    document: IndexDocument | None = None  # made from ``columns`` when not given

    def fields(self) -> IndexDocument:
        if self.document is None:
            self.document = index_document(self.columns)
        return self.document


def column_texts(text: str, sections: list[tuple[str | None, int, int]]) -> list[str]:
    """The normalized text split into the index columns (lines of each section kind)."""
    parts: dict[str, list[str]] = {c: [] for c in COLUMNS}
    first = sections[0][1] if sections else len(text)
    parts["preamble"].append(text[:first])
    for kind, start, end in sections:
        parts[kind if kind in parts else "other"].append(text[start:end])
    return ["\n".join(parts[c]) for c in COLUMNS]


def order_key(year: int | None, report_id: int) -> int:
    """Exact mode's order (and ranked mode's by year): newest year first, then the store's order."""
    return (10_000 - (year or 0)) << 32 | report_id


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("rid", indexed=True, fast=True)
    builder.add_unsigned_field("order", fast=True)
    builder.add_unsigned_field("year", indexed=True, fast=True)
    for name in META_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for c in range(len(COLUMNS)):
        builder.add_text_field(f"w{c}", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field(f"g{c}", tokenizer_name="whitespace", index_option="position")
        builder.add_text_field(f"h{c}", tokenizer_name="whitespace", index_option="basic")
        builder.add_text_field(f"p{c}", tokenizer_name="whitespace", index_option="basic")
    return builder.build()


def segmentation_version() -> str:
    """Changes whenever the words indexed for a text could change: ``SEGMENTATION_VERSION`` (the code's
    cuts) and the domain terms (the dictionary)."""
    digest = hashlib.sha256("\n".join(domain_terms()).encode()).hexdigest()[:16]
    return f"rjieba:v{SEGMENTATION_VERSION}:{digest}"


def marker(store_token: str) -> dict[str, Any]:
    """What an index folder records about itself: the index is rebuilt when any of it differs (another
    layout, store, segmentation or phrase vocabulary)."""
    return {
        "layout": INDEX_LAYOUT,
        "store": store_token,
        "segmentation": segmentation_version(),
        "phrases": phrase_version(),
    }


def read_marker(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads((path / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def open_index(path: Path) -> tantivy.Index:
    """Open the index folder (created empty if need be)."""
    path.mkdir(parents=True, exist_ok=True)
    return tantivy.Index(schema(), path=str(path), reuse=True)


class EmbeddedWriter:
    """Adds and removes reports in the tantivy index; nothing is visible until ``commit``."""

    def __init__(self, path: Path, store_token: str, threads: int = 1) -> None:
        self.path = path
        self.index = open_index(path)
        # One indexing thread: the ingest workers have the cores.
        self.writer = self.index.writer(heap_size=128_000_000, num_threads=threads)
        self.store_token = store_token
        self.pending = 0

    def add(self, report: IndexedReport) -> None:
        f = report.fields()
        doc = tantivy.Document()
        doc.add_unsigned("rid", report.report_id)
        year = report.metadata.get("year")
        doc.add_unsigned("order", order_key(year, report.report_id))
        if year is not None:
            doc.add_unsigned("year", int(year))
        for name in META_FIELDS:
            value = report.metadata.get(name)
            if value:
                doc.add_text(name, value)
        for c in range(len(COLUMNS)):
            for prefix, values in (("w", f.words), ("g", f.pairs), ("h", f.chars), ("p", f.phrases)):
                if values[c]:
                    doc.add_text(f"{prefix}{c}", values[c])
        self.writer.add_document(doc)
        self.pending += 1

    def remove(self, report_id: int) -> None:
        self.writer.delete_documents_by_term("rid", report_id)
        self.pending += 1

    def clear(self) -> None:
        self.writer.delete_all_documents()
        self.pending += 1

    def commit(self) -> None:
        self.writer.commit()
        self.pending = 0
        tmp = self.path / (_MARKER + ".tmp")
        tmp.write_text(json.dumps(marker(self.store_token)), encoding="utf-8")
        os.replace(tmp, self.path / _MARKER)

    def close(self, wait: bool = False) -> None:
        """Let go of the index's lock (``wait``: after the background merges are done)."""
        if wait:
            self.writer.wait_merging_threads()
        del self.writer
