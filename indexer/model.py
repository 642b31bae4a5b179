"""The structured model of one annual report: plain dataclasses every later stage reads."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

SECTION_KINDS = ("overview", "proactive", "applications", "review_litigation", "problems", "other")

APPLICANT_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")

REVIEW_BLOCKS = ("复议", "直接起诉", "复议后起诉")
REVIEW_FIELDS = ("维持", "纠正", "其他", "尚未审结", "总计")


@dataclass
class Paragraph:
    start: int
    end: int
    text: str


@dataclass
class Subsection:
    number: str
    heading: str
    start: int
    end: int


@dataclass
class Section:
    kind: str | None
    heading: str
    number: str | None
    start: int
    end: int
    subsections: list[Subsection] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Value:
    """One table cell: a number, or ``None`` with the reason it could not be proven."""

    value: int | float | None
    derived: bool = False
    reason: str | None = None
    span: tuple[int, int] | None = None  # where it was read: offsets in the normalized text (the row, if placed)


@dataclass
class DerivedCell:
    table: str
    row: str
    column: str | None
    value: int | float
    basis: str


@dataclass
class Check:
    check: str
    ok: bool | None  # None: the check could not be evaluated (what it needs is missing)
    detail: str


@dataclass
class RegionInfo:
    province: str | None
    city: str | None
    county: str | None
    code: str | None = None
    evidence: str = ""
    misread: str | None = None  # the name as printed, when the gazetteer matched it tolerating one character


@dataclass
class Mention:
    """An entity mention: what was found, where (normalized offsets), in which sentence and section."""

    kind: str  # agency | document | platform | measure
    canonical: str
    surface: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    section: str | None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    path: str
    format: str
    title: str | None
    publisher: str | None
    level: str | None
    year: int | None
    region: RegionInfo | None
    template: str
    sections: list[Section]
    proactive: dict[str, dict[str, Value]] | None
    requests: dict[str, list[Value]] | None
    review_litigation: dict[str, dict[str, Value]] | None
    narrative_figures: dict[str, int | float]
    consistency: list[Check]
    derived_cells: list[DerivedCell]
    warnings: list[str]
    text: str = field(repr=False, default="")
    ocr: str | None = None  # what read a scan's text (engine, model, resolution); None for a text layer or file
    # Where each number was read: 'table/row/column' or 'figure/<key>' -> offsets, original line, page.
    sources: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    mentions: list[Mention] = field(default_factory=list, repr=False)
    items: list[Any] = field(default_factory=list, repr=False)  # problems and fixes (extract.problems.Item)

    def section(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def to_json(self, mentions: bool = True) -> dict[str, Any]:
        """The report in the shape of the gold annotations, plus what else the model holds (every mention
        too, unless ``mentions`` is False: the store keeps them apart)."""
        return {
            "file": self.path.rsplit("/", 1)[-1],
            "path": self.path,
            "format": self.format,
            "ocr": self.ocr,
            "title": self.title,
            "publisher": self.publisher,
            "level": self.level,
            "region": asdict(self.region) if self.region else None,
            "year": self.year,
            "template": self.template,
            "sections": [s.heading for s in self.sections],
            "section_kinds": [s.kind for s in self.sections],
            "section_details": [
                {
                    "kind": s.kind,
                    "number": s.number,
                    "heading": s.heading,
                    "start": s.start,
                    "end": s.end,
                    "subsections": [asdict(x) for x in s.subsections],
                    "paragraphs": len(s.paragraphs),
                }
                for s in self.sections
            ],
            "proactive": _plain_rows(self.proactive),
            "requests": (
                {
                    "columns": list(APPLICANT_COLUMNS),
                    "rows": {k: [c.value for c in cells] for k, cells in self.requests.items()},
                }
                if self.requests is not None
                else None
            ),
            "review_litigation": _plain_rows(self.review_litigation),
            "narrative_figures": self.narrative_figures,
            "consistency": [asdict(c) for c in self.consistency],
            "derived_cells": [asdict(d) for d in self.derived_cells],
            "unproven_cells": self.unproven_cells(),
            "sources": self.sources,
            "warnings": self.warnings,
            **self.entities_json(mentions),
        }

    def entities_json(self, mentions: bool = True) -> dict[str, Any]:
        """citations / platforms / measures in the gold annotations' shape, plus every mention."""
        citations: dict[str, dict[str, Any]] = {}
        platforms: dict[str, None] = {}
        measures: dict[str, None] = {}
        for m in sorted(self.mentions, key=lambda m: m.start):
            if m.kind == "document" and m.attrs.get("title"):
                entry = citations.setdefault(
                    m.attrs["title"],
                    {
                        "title": m.attrs["title"],
                        "doc_number": None,
                        "kind": m.attrs.get("doc_kind", "other"),
                        "canonical": m.canonical,
                    },
                )
                entry["doc_number"] = entry["doc_number"] or m.attrs.get("doc_number")
            elif m.kind in ("platform", "measure") and m.section not in ("problems", "other"):
                if not m.attrs.get("negated") and not m.attrs.get("generic"):  # lacking, planned or broad: not listed
                    (platforms if m.kind == "platform" else measures).setdefault(m.canonical, None)
        return {
            "citations": list(citations.values()),
            "platforms": list(platforms),
            "measures": list(measures),
            "agencies": sorted({m.canonical for m in self.mentions if m.kind == "agency"}),
            "problems": [_item_json(i) for i in self.items if i.kind == "problem"],
            "fixes": [_item_json(i) for i in self.items if i.kind == "fix"],
            **({"mentions": [dict(vars(m)) for m in self.mentions]} if mentions else {}),  # shallow: no deep copies
        }

    def unproven_cells(self) -> list[dict[str, Any]]:
        """Every table cell left empty, with the reason."""
        out: list[dict[str, Any]] = []
        for table, rows in (("proactive", self.proactive), ("review_litigation", self.review_litigation)):
            for row, cells in (rows or {}).items():
                out += [
                    {"table": table, "row": row, "column": col, "reason": v.reason}
                    for col, v in cells.items()
                    if v.value is None
                ]
        for row, values in (self.requests or {}).items():
            out += [
                {"table": "requests", "row": row, "column": APPLICANT_COLUMNS[i], "reason": v.reason}
                for i, v in enumerate(values)
                if v.value is None
            ]
        return out


def item_summary(text: str) -> str:
    """A problem's or fix's summary: its first clause, without its number (（一）, 一是, 1.)."""
    return re.split(
        r"[。；;，,]",
        re.sub(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+是|\d+[.、．])", "", text),
    )[0]


def _item_json(item: Any) -> dict[str, Any]:
    """A problem or fix in the gold's shape ({summary, text}) plus where it is and its categories."""
    return {
        "summary": item_summary(item.text),
        "text": item.text,
        "start": item.start,
        "end": item.end,
        "categories": item.categories,
    }


def _plain_rows(rows: dict[str, dict[str, Value]] | None) -> dict[str, dict[str, Any]] | None:
    if rows is None:
        return None
    return {row: {col: v.value for col, v in cells.items()} for row, cells in rows.items()}
