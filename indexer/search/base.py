"""The search interface every backend implements, and the plain data it speaks."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from indexer.normalize import normalize_query

MODES = ("ranked", "exact")
SORTS = ("relevance", "year")
FACETS = ("province", "city", "county", "level", "year", "section")
SECTION_KINDS = ("preamble", "overview", "proactive", "applications", "review_litigation", "problems", "other")
# Longer queries are looked up by their first part, then checked in full against each candidate.
LOOKUP_CHARS = 400
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    mode: str = "ranked"
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    section: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    passages_per_report: int = 3

    def cleaned(self) -> str:
        """The query as matched against normalized text: normalized the same way, control characters removed."""
        return normalize_query("".join(c for c in self.text if unicodedata.category(c) not in ("Cc", "Cs")))


@dataclass
class PassageHit:
    passage_id: int
    section: str
    start: int  # offsets in the report's normalized text
    end: int
    orig_start: int  # offsets in the report's original text
    orig_end: int
    snippet: str  # original text around the match
    highlights: list[tuple[int, int]]  # spans of ``snippet`` to highlight

    def marked(self, before: str = "【", after: str = "】") -> str:
        out, pos = [], 0
        for a, b in self.highlights:
            out += [self.snippet[pos:a], before, self.snippet[a:b], after]
            pos = b
        out.append(self.snippet[pos:])
        return "".join(out)


@dataclass
class ReportHit:
    report_id: str  # the stable report id
    path: str
    title: str | None
    publisher: str | None
    level: str | None
    year: int | None
    province: str | None
    city: str | None
    county: str | None
    score: float
    passages: list[PassageHit] = field(default_factory=list)


@dataclass
class SearchResult:
    query: SearchQuery
    total_reports: int
    hits: list[ReportHit]
    facets: dict[str, list[tuple[Any, int]]]
    elapsed_ms: float
    notice: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for hit in out["hits"]:
            for p in hit["passages"]:
                p["highlights"] = [list(h) for h in p["highlights"]]
        out["facets"] = {k: [{"value": v, "count": c} for v, c in pairs] for k, pairs in self.facets.items()}
        return out


class SearchBackend(Protocol):
    """Full-text search over the ingested reports; SQLite/FTS5 here, Elasticsearch at scale."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def report_count(self) -> int: ...
