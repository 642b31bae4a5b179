"""Problems and fixes: section 五 split into items, each classified with the taxonomy in data/taxonomy.

The section states its problems first and then what will be done about them; the two parts are
told apart by their subsection headings (（一）存在的主要问题 / （二）改进情况) or by the sentence that
turns to the fixes (下一步…, 针对存在的问题…, 为此…, 2021年，…将…). Inside a part, items are the
outermost enumeration that runs 一, 二, 三 … (（一）…, 一是…, 1.…); without one, its sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from indexer.model import Report, Subsection
from indexer.paths import data_dir, read_yaml

_NUMERALS = "一二三四五六七八九十"
_ENUMERATIONS = (
    re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]"),
    re.compile(r"(?:^|(?<=[\n。；;，,：:）)]))\s*([一二三四五六七八九十]{1,3})是"),
    re.compile(r"(?:^|(?<=[\n。；;]))\s*(\d{1,2})[.、．](?!\d)"),
    re.compile(r"(?:^|(?<=[\n。；;]))\s*(?:第)?([一二三四五六七八九十]{1,3})[、，,](?=\S)"),
)
# A heading of its own counts too: reports before 2019 print 五、存在问题 and 六、改进措施 apart.
_PIVOT = re.compile(
    r"(?:^|(?<=[。；;！\n]))\s*(?:[一二三四五六七八九十]{1,2}[、.．]\s*)?(?:下一步|今后|为此|针对(?:以上|上述|存在的|这些|上述存在的)?(?:问题|不足)|改进措施|整改措施"
    r"|(?:19|20)\d{2}年[，,]?\s*[\u4e00-\u9fff]{0,10}?将|我们将|我[县区市局办委]将|将(?:重点|着力|从以下|采取)"
    r"|提出以下|在今后的工作中|下阶段|接下来)"
)
_PROBLEM_HEADING = re.compile(r"问题|不足|差距")
_FIX_HEADING = re.compile(r"改进|措施|整改|打算|下一步|计划|方向|举措")
_PROBLEM_PASSAGE = re.compile(r"存在的(?:主要)?问题|存在(?:一些|以下)?不足|不足之处|存在差距")
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


@dataclass
class Item:
    kind: str  # problem | fix
    text: str
    start: int  # offsets in the report's normalized text
    end: int
    categories: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    patterns: tuple[re.Pattern[str], ...]


@cache
def taxonomy(kind: str) -> tuple[Category, ...]:
    """Categories of ``problems`` or ``fixes`` from data/taxonomy/<kind>.yml."""
    data = read_yaml(data_dir() / "taxonomy" / f"{kind}.yml")
    return tuple(
        Category(c["id"], c["label"], c.get("description", ""), tuple(re.compile(k) for k in c.get("keywords", ())))
        for c in data["categories"]
    )


def classify(text: str, kind: str) -> list[dict[str, Any]]:
    """The categories whose keywords the text contains, best first, with the words that matched."""
    out = []
    for category in taxonomy("problems" if kind == "problem" else "fixes"):
        matched = list(dict.fromkeys(m.group(0) for p in category.patterns for m in [p.search(text)] if m))
        if matched:
            out.append({"id": category.id, "label": category.label, "score": len(matched), "matched": matched})
    return sorted(out, key=lambda c: -c["score"])


def _parts(text: str, start: int, end: int, subs: list[Subsection]) -> list[tuple[str, int, int]]:
    """(kind, start, end) of the problems part and the fixes part of a section (or passage)."""
    p = next((s for s in subs if _PROBLEM_HEADING.search(s.heading) and not _FIX_HEADING.search(s.heading)), None)
    f = next((s for s in subs if _FIX_HEADING.search(s.heading) and (p is None or s.start > p.start)), None)
    if p and f:
        return [
            ("problem", _after_heading(text, p.start, f.start), f.start),
            ("fix", _after_heading(text, f.start, end), end),
        ]
    pivot = next((m for m in _PIVOT.finditer(text, start, end) if m.start() > start + 10), None)
    if pivot:
        return [("problem", start, pivot.start()), ("fix", pivot.start(), end)]
    return [("unknown", start, end)]


def _after_heading(text: str, start: int, end: int) -> int:
    """Skip a subsection's own heading sentence (（一）存在的主要问题。) so its marker is not an item."""
    m = re.compile(r"[。：:\n]").search(text, start, end)
    return m.end() if m else start


def _enumerated(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Item spans of the outermost enumeration running 一, 二, 三 … in the part."""
    for pattern in _ENUMERATIONS:
        marks, expected = [], 1
        for m in pattern.finditer(text, start, end):
            n = _number(m.group(1))
            if n == expected:
                marks.append(m.start(1) if m.group(0)[0].isspace() else m.start())
                expected += 1
        if len(marks) >= 2 or (marks and pattern is _ENUMERATIONS[1]):
            return [(a, b) for a, b in zip(marks, [*marks[1:], end], strict=True)]
    return []


def _number(numeral: str) -> int:
    if numeral.isdigit():
        return int(numeral)
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _NUMERALS.index(numeral[1]) + 1
    if len(numeral) == 2 and numeral.endswith("十"):
        return (_NUMERALS.index(numeral[0]) + 1) * 10
    return _NUMERALS.index(numeral[0]) + 1 if numeral in _NUMERALS else -1


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text, start, end) if len(m.group(0).strip()) >= 8]


def _leaning(text: str) -> str:
    """For items with no part to tell them apart: which side their wording leans to."""
    problem = classify(text, "problem") and re.search(
        r"不够|不足|有待|仍需|欠缺|较少|单一|不到位|不规范|薄弱|滞后|不强", text
    )
    return "problem" if problem and not re.match(r"\s*(?:加强|进一步|强化|推进|完善|建立|提升|加大)", text) else "fix"


def extract_items(report: Report) -> list[Item]:
    """The problems and fixes a report states, in order, each with its categories."""
    text = report.text
    section = report.section("problems")
    if section is not None:
        # After the heading line: where the first paragraph starts (an inferred section has no heading).
        bounds = (section.paragraphs[0].start if section.paragraphs else section.end, section.end)
        subs = section.subsections
    else:  # no section 五: a passage that says 存在的问题/不足, up to the next section
        hit = _PROBLEM_PASSAGE.search(text)
        if hit is None:
            return []
        later = [s.start for s in report.sections if s.start > hit.start()]
        bounds, subs = (text.rfind("\n", 0, hit.start()) + 1, later[0] if later else len(text)), []
    items: list[Item] = []
    for kind, start, end in _parts(text, *bounds, subs):
        spans = _enumerated(text, start, end)
        if not spans:
            spans = _sentences(text, start, end)
            if kind == "fix" and spans and _PIVOT.match(text, spans[0][0]):
                spans = spans[1:] or spans  # the turning sentence itself announces, it is no fix
        for a, b in spans:
            body = text[a:b].strip()
            if not body:
                continue
            a = text.index(body, a)
            item_kind = kind if kind != "unknown" else _leaning(body)
            items.append(Item(item_kind, body, a, a + len(body), classify(body, item_kind)))
    return items
