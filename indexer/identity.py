"""What makes two files one report: report ids, text fingerprints, and how two versions compare.

A report is one publisher's report for one year. Its id (``report_uid``) is a short hash of the
publisher and the year, so it does not depend on which file came first or in what order a corpus was
ingested; a report whose publisher or year the parser could not read is identified by its text.

Two files of one report are the same *version* (another source: the same report as GBK text, DOCX,
PDF or HTML) when their normalized texts are equal once white space is removed, or when their
character 5-gram Jaccard similarity is at least ``SAME_VERSION_JACCARD`` and no table cell that both
prove differs. Otherwise they are two versions (a corrected 更正版, a wrong file): the newest file is
current.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

SAME_VERSION_JACCARD = 0.9
SHINGLE = 5  # characters per shingle
# What text is compared on: Chinese characters, letters and digits (spacing, punctuation and layout
# differ between a report's formats).
_NOT_CONTENT = re.compile(r"[^\w]|_")
# The primary source, the one parsed and shown: fewest unproven cells, then fewest failing checks,
# then an original format over a text someone extracted from it, then the location (for a stable order).
FORMAT_RANK = {"pdf": 0, "docx": 0, "html": 0, "md": 1, "txt": 1}


def report_uid(publisher: str | None, year: int | None, text_sha: str) -> str:
    """The stable id of a report: its publisher and year, or its text when either is unknown."""
    key = f"{publisher}|{year}" if publisher and year else f"text|{text_sha}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def content(text: str) -> str:
    """The text as it is compared: Chinese characters, letters and digits only."""
    return _NOT_CONTENT.sub("", text)


def text_sha(text: str) -> str:
    """A fingerprint of a normalized text that ignores spacing, punctuation and line breaks."""
    return hashlib.sha256(content(text).encode("utf-8")).hexdigest()


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct hashes (uint64) of a text's character 5-grams, from its content characters."""
    return np.unique(shingle_values(text))


def shingle_values(text: str) -> np.ndarray:
    """The hash (uint64) of each of a text's character 5-grams in turn, repeats kept."""
    codes = np.frombuffer(content(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    n = len(codes) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):  # a polynomial over the code points; the product wraps modulo 2**64
        h = h * np.uint64(1_000_003) + codes[k : k + n]
    return h ^ (h >> np.uint64(31))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two sets of distinct hashes (1.0 for two empty sets)."""
    if not len(a) and not len(b):
        return 1.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def table_cells(model: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    """The proven cells of a stored model's three tables: (table, row, column) → value."""
    cells: dict[tuple[str, str, str], float] = {}
    for table in ("proactive", "review_litigation"):
        for row, fields in (model.get(table) or {}).items():
            cells.update({(table, row, col): v for col, v in fields.items() if v is not None})
    requests = model.get("requests") or {}
    for row, values in (requests.get("rows") or {}).items():
        cells.update(
            {("requests", row, col): v for col, v in zip(requests["columns"], values, strict=True) if v is not None}
        )
    return cells


def cell_differences(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The table cells two models both prove with different values."""
    a, b = table_cells(old), table_cells(new)
    return [
        {"table": k[0], "row": k[1], "column": k[2], "old": a[k], "new": b[k]} for k in a if k in b and a[k] != b[k]
    ]


def section_differences(old_text: str, old: dict[str, Any], new_text: str, new: dict[str, Any]) -> list[str]:
    """The section kinds whose text differs between two versions (compared on content characters)."""

    def texts(text: str, model: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for d in model.get("section_details") or []:
            kind = d["kind"] or "other"
            out[kind] = out.get(kind, "") + content(text[d["start"] : d["end"]])
        return out

    a, b = texts(old_text, old), texts(new_text, new)
    return [kind for kind in dict.fromkeys([*a, *b]) if a.get(kind) != b.get(kind)]


def version_differences(old_text: str, old: dict[str, Any], new_text: str, new: dict[str, Any]) -> dict[str, Any]:
    """What differs between two versions of a report: metadata fields, section kinds, table cells."""
    fields = [f for f in ("title", "publisher", "year", "template") if old.get(f) != new.get(f)]
    return {
        "fields": fields,
        "sections": section_differences(old_text, old, new_text, new),
        "cells": cell_differences(old, new),
    }


def same_version(old_text: str, old: dict[str, Any], new_text: str, new: dict[str, Any]) -> bool:
    """Whether two files hold one version of a report (see the module's description)."""
    if content(old_text) == content(new_text):
        return True
    if cell_differences(old, new):
        return False
    return jaccard(shingle_hashes(old_text), shingle_hashes(new_text)) >= SAME_VERSION_JACCARD


def source_rank(unproven: int, failing: int, fmt: str, location: str) -> tuple[int, int, int, str]:
    """Sorts a report's sources best first: the first is the primary source."""
    return (unproven, failing, FORMAT_RANK.get(fmt, 1), location)
