"""The six standard top-level sections, their subsections （一）… and paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from indexer.model import SECTION_KINDS, Paragraph, Section, Subsection

# Keywords that tell a heading's kind, tried in this order (行政复议 before 申请, 申请 before 公开).
_KIND_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("review_litigation", re.compile(r"行政复议|行政诉讼|复议.{0,3}诉讼")),
    ("other", re.compile(r"其他需要报告|其他需报告|其他事项|需要报告的|其他需要说明|需要说明的")),
    # Reports before 2019 often split it: 五、存在问题 / 六、改进措施 (or 今后改进方向, 下一步工作打算).
    (
        "problems",
        re.compile(
            r"存在的?.{0,4}问题|主要问题|问题[和及与].{0,2}改进|改进情况|不足"
            r"|改进(?:措施|方向|计划|思路)|整改措施|下一步.{0,2}(?:工作)?(?:打算|计划|思路)"
        ),
    ),
    ("applications", re.compile(r"收到和处理|依申请公开|申请公开|公开申请|申请情况")),
    ("proactive", re.compile(r"主动公开")),
    ("overview", re.compile(r"总体情况|基本情况|概述|概况|总体要求")),
)
# Phrases an unnumbered line must carry to count as a top-level heading.
_CANONICAL = re.compile(
    r"^(?:总体情况|主动公开政府信息(?:的)?情况|收到和处理政府信息公开申请(?:的)?情况|依申请公开政府信息(?:的)?情况"
    r"|(?:因)?政府信息公开(?:工作)?(?:的)?行政复议[、和与及]?行政诉讼(?:的)?情况"
    r"|存在的主要问题及改进情况|其他需要报告的事项|其他需要报告的情况|其他需要说明的事项)$"
)
_NUMBERED = re.compile(
    r"^(?:(?P<part>第[一二三四五六七八九十]+部分)[、.．，,:：\s]*|(?P<num>[一二三四五六七八九十]{1,2}|[1-9])\s*(?:[、.．，,:：]|\s)\s*)"
    r"(?P<text>.+)$"
)
_MISREAD_NUMERAL = re.compile(r"^[^\s\d、]\s*[、.．]\s*(.+)$")
_GLUED_NUMERAL = re.compile(r"^([一二三四五六七八九十]{1,2})(.+)$")
_BRACKETED = re.compile(r"^[（(]([一二三四五六七八九十]{1,2})[）)]\s*(.+)$")
_SUBSECTION = re.compile(r"^[ \t]*[（(](?P<num>[一二三四五六七八九十]{1,3})[）)]\s*(?P<rest>.*)$", re.M)
_HEADING_MAX = 40
# A section found: (start, end of its heading line, numeral, heading, kind); an inferred one has start = end.
_Found = tuple[int, int, str | None, str, str]


def section_kind(heading: str) -> str | None:
    for kind, pattern in _KIND_KEYWORDS:
        if pattern.search(heading):
            return kind
    return None


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


_CJK_WORD = re.compile(r"[\u4e00-\u9fff]")  # a heading's piece holds words, not a placeholder (—, /)


def _numbered(m: re.Match[str], longest: int) -> tuple[str | None, str, str | None] | None:
    """(numeral, heading text, kind) of a numbered line (``_NUMBERED``), None when its text is a sentence
    or longer than ``longest``."""
    text = m.group("text").strip().rstrip("：:")
    if "。" in text or len(text) > longest:
        return None
    return m.group("part") or m.group("num"), text, section_kind(text)


def _heading(line: str) -> tuple[str | None, str, str | None] | None:
    """(numeral, heading text, kind) when ``line`` can be a top-level heading."""
    if "\t" in line:
        # A table row, unless it is a heading OCR cut in two where its words stood far apart
        # ("四、政府信息公开\t行政复议、行政诉讼情况"): two fields, no number among them. A converter that
        # took a heading for the table's first row cuts it into more cells, the table's own words among
        # them (|四、<br>行政<br>复议|因政府信|息公开工作|…|情况|): numbered, no number after the numeral.
        fields = [f.strip() for f in line.split("\t") if f.strip()]
        if len(fields) < 2 or any(ch.isdigit() for f in fields[1:] for ch in f):
            return None
        if not all(map(_CJK_WORD.search, fields[1:])):  # a placeholder cell (—, /) is no heading's piece
            return None
        joined = "".join(fields)
        if len(fields) > 2:  # its pieces may hold more words than a heading line (the table's)
            m = _NUMBERED.match(joined)
            head = _numbered(m, _HEADING_MAX) if m is not None and len(joined) <= _HEADING_MAX else None
            return head if head is not None and head[2] is not None else None
        head = _heading(joined)
        return head if head is not None and head[0] is not None and head[2] is not None else None
    stripped = line.strip()
    if not stripped or len(stripped) > _HEADING_MAX or stripped.endswith(("。", "；", "，")):
        return None
    m = _NUMBERED.match(stripped)
    if m:
        return _numbered(m, 30)
    text = stripped.rstrip("：:")
    if _CANONICAL.match(text):
        return None, text, section_kind(text)
    # A standard heading whose numeral OCR read as another character (入、其他需要报告的事项 for 六、).
    misread = _MISREAD_NUMERAL.match(text)
    if misread and _CANONICAL.match(misread.group(1)):
        return None, misread.group(1), section_kind(misread.group(1))
    # "一 总体情况" (normalization removed the space between numeral and heading) and "（一）总体情况" (a
    # report numbering its sections as others number subsections): only the standard headings count
    # (a subsection （一）主动公开 is not one).
    for pattern in (_GLUED_NUMERAL, _BRACKETED):
        m = pattern.match(text)
        if m and _CANONICAL.match(m.group(2)):
            return m.group(1), m.group(2), section_kind(m.group(2))
    return None


def parse_sections(text: str) -> list[Section]:
    """Find the top-level sections in normalized report text, in printed order."""
    found: list[_Found] = []
    last_rank = -1
    for start, end, line in _lines(text):
        head = _heading(line)
        if head is None:
            continue
        number, heading, kind = head
        if kind is None:
            continue
        rank = SECTION_KINDS.index(kind)
        if rank <= last_rank:
            continue
        found.append((start, end, number, heading, kind))
        last_rank = rank
    found = sorted(found + _inferred(text, found), key=lambda f: f[0])
    sections: list[Section] = []
    for i, (start, head_end, number, heading, kind) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        body_start = min(head_end + 1, end) if head_end > start else start  # an inferred section has no heading line
        sections.append(
            Section(
                kind=kind,
                heading=heading,
                number=number,
                start=start,
                end=end,
                subsections=_subsections(text, body_start, end),
                paragraphs=_paragraphs(text, body_start, end),
            )
        )
    return sections


# The standard heading of a section whose heading a converter lost, and where such a section starts:
# its table's first words, or (problems) the first prose after the review table.
STANDARD_HEADINGS = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "applications": "收到和处理政府信息公开申请情况",
    "review_litigation": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}
_TABLE_START = {
    "proactive": re.compile(r"^[ \t]*(?:[^\n\t]{0,4}条第[（(][一二三四五六七八九十]+[）)]项|信息内容\t)", re.M),
    "applications": re.compile(r"^[^\n]*(?:本列数据的勾稽关系|申请人情况|本年新收|政府信息公开申请数量)", re.M),
}


def _inferred(text: str, found: list[_Found]) -> list[_Found]:
    """Sections whose heading is missing (a converter dropped it) but whose content is where the template
    puts it: a table's first row inside the section before, or prose after the review table. Each starts
    at that line and carries the standard heading; its heading line is empty (start = end). Only sections
    that hold a table (二, 三, 四) are searched, for where a table begins or ends, or (a report without
    tables) for the paragraph that opens them."""
    kinds = [f[4] for f in found]
    out: list[_Found] = []
    for kind, pattern in _TABLE_START.items():
        if kind in kinds:
            continue
        before = [f for f in found if SECTION_KINDS.index(f[4]) < SECTION_KINDS.index(kind)]
        after = [f for f in found if SECTION_KINDS.index(f[4]) > SECTION_KINDS.index(kind)]
        lo = before[-1][1] if before else 0
        hi = after[0][0] if after else len(text)
        m = pattern.search(text, lo, hi)
        if m is None and kind == "applications" and before and before[-1][4] == "proactive" and after:
            # A report that prints no applications table (before 2019) opens the section with its count.
            m = _APPLICATIONS_PROSE.search(text, _after_last_row(text, lo, hi) or lo, hi)
        if m is None and kind == "proactive" and before and before[-1][4] == "overview" and after:
            # Before 2019, prose: the overview's first paragraph aside, the one that opens with the count.
            first = _PARAGRAPH.search(text, lo, hi)
            m = _PROACTIVE_PROSE.search(text, first.end(), hi) if first else None
        if before and m:
            out.append((m.start(), m.start(), None, STANDARD_HEADINGS[kind], kind))
    review = _inferred_review(text, found + out)
    out += review + _inferred_overview(text, found)
    found = sorted(found + review, key=lambda f: f[0])
    earlier = [f for f in found if SECTION_KINDS.index(f[4]) < SECTION_KINDS.index("problems")]
    if "problems" not in kinds and earlier and earlier[-1][4] in ("proactive", "applications", "review_litigation"):
        review = earlier[-1]  # the section before 五 ends with its table
        after = [f for f in found if SECTION_KINDS.index(f[4]) > SECTION_KINDS.index("problems")]
        end = after[0][0] if after else len(text)
        table_end = _after_last_row(text, review[1], end)
        shortcomings = None
        if table_end is None and review[4] == "review_litigation":
            # A review section of prose (no table): its first paragraph, then one that names shortcomings.
            first = _PARAGRAPH.search(text, review[1], end)
            table_end = first.end() if first else None
            shortcomings = _SHORTCOMINGS
        if table_end is not None:
            candidates = _PROSE_LINE.finditer(text, table_end, end)
            prose = next((p for p in candidates if shortcomings is None or shortcomings.search(p.group())), None)
            if prose:
                out.append((prose.start(), prose.start(), None, STANDARD_HEADINGS["problems"], "problems"))
    return out + _inferred_other(text, sorted(found + out, key=lambda f: f[0]))


# A paragraph that introduces the report (根据《条例》…, 本报告…) and not its first section.
_INTRODUCTION = re.compile(
    r"^\s*(?:根据|依据|按照|遵照|为贯彻|本报告|此报告|现将|现就|特向社会|报告由)|统计期限|电子版|如对本报告"
    r"|(?:年度报告|年报)\s*$"  # a long title
)
# What the section 其他需要报告的事项 opens with: 信息处理费 (国办函〔2020〕109号), the 人大/政协 proposals.
_OTHER_OPENING = re.compile(
    r"^[^\t\n]{0,30}(?:信息处理费|其他需要报告|其他需报告|人大代表建议|政协委员提案|政协提案)", re.M
)
# A report's last line that says there is nothing more to report.
_NOTHING_MORE = re.compile(r"^[ \t]*(?:无|暂无|没有)[。.]?\s*\Z", re.M)


def _inferred_overview(text: str, found: list[_Found]) -> list[_Found]:
    """The overview when its heading is missing: the first paragraph of prose before the next section
    found that does not introduce the report (the title's lines hold no sentence)."""
    if not found or "overview" in [f[4] for f in found]:
        return []
    for start, _, line in _lines(text[: found[0][0]]):
        prose = len(line.strip()) > 40 or re.search(r"[。，；,;]", line)
        if prose and "\t" not in line and not _INTRODUCTION.search(line):
            return [(start, start, None, STANDARD_HEADINGS["overview"], "overview")]
    return []


def _inferred_other(text: str, found: list[_Found]) -> list[_Found]:
    """The section 其他需要报告的事项 when its heading is missing: after the problems section (found or
    inferred, the last one), the first paragraph that opens as that section does, or a last line 无。"""
    if not found or found[-1][4] != "problems":
        return []
    m = _OTHER_OPENING.search(text, found[-1][1])
    if m is None:  # or the report's last line says there is nothing to report: 无。, after the problems
        first = _PARAGRAPH.search(text, found[-1][1])  # section's own first paragraph, which stays its own
        m = _NOTHING_MORE.search(text, first.end()) if first else None
    return [(m.start(), m.start(), None, STANDARD_HEADINGS["other"], "other")] if m else []


_SHORTCOMINGS = re.compile(r"问题|不足|差距|薄弱|短板|有待")
_TAB_ROW = re.compile(r"^[^\n]*\t[^\n]*$", re.M)
_PROSE_LINE = re.compile(r"^[^\t\n]{30,}$", re.M)
_PARAGRAPH = re.compile(r"^[^\n]*\S[^\n]*$", re.M)
# The paragraph that opens a proactive section printed as prose: 2018年，…共主动公开政府信息2162条.
_PROACTIVE_PROSE = re.compile(r"^[^\t\n（(]{0,30}主动公开[^\t\n]*$", re.M)
# The paragraph that opens an applications section printed as prose: 共收到政府信息公开申请27件.
_APPLICATIONS_PROSE = re.compile(r"^[^\t\n]*(?:收到|受理)[^\t\n，,。]{0,12}申请[^\t\n]*$", re.M)
# Where a review section whose heading was lost begins: a cell 行政复议 with 行政诉讼 after it (on its line,
# or the next when a table prints one cell a line), the cells 结果维持, 结果纠正 (a converter replaced the
# header row), or else a line of prose that names both (本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况).
_REVIEW_TABLE = re.compile(
    r"^[ \t]*行政复议[ \t]*(?:\t|\n)[^\n]*?(?:\n[ \t]*)?行政诉讼|^[ \t]*结果维持[ \t]*(?:\t|\n[ \t]*)结果纠正", re.M
)
_NUMBER_CELL = re.compile(r"(?:^|\t)\s*\d+(?:\.\d+)?\s*(?:\t|$)")
_REVIEW_PROSE = re.compile(r"^[^\t\n]*行政复议[^\t\n]*行政诉讼[^\t\n]*$", re.M)


def _after_last_row(text: str, lo: int, hi: int) -> int | None:
    """Where the last table row (a line with a tab) of ``text[lo:hi]`` ends, or None without one."""
    end = None
    for row in _TAB_ROW.finditer(text, lo, hi):
        end = row.end()
    return end


def _inferred_review(text: str, found: list[_Found]) -> list[_Found]:
    """The review section when its heading is missing: between the applications section (found or
    inferred) and the next section found, its table's header row, or else a prose line naming 行政复议 and
    行政诉讼 after the applications table's last row (or its heading, when it prints no table)."""
    kinds = [f[4] for f in found]
    if "review_litigation" in kinds or "applications" not in kinds:
        return []
    rank = SECTION_KINDS.index("review_litigation")
    applications = next(f for f in found if f[4] == "applications")
    after = [f for f in found if SECTION_KINDS.index(f[4]) > rank and f[0] > applications[0]]
    if not after:
        return []
    lo, hi = applications[1], after[0][0]
    m = _REVIEW_TABLE.search(text, lo, hi)
    if m is None:
        m = _REVIEW_PROSE.search(text, _after_last_row(text, lo, hi) or lo, hi)
    if m is None:
        return []
    at = m.start()
    while at > lo:  # header rows above the field names (行政复议 | 行政诉讼, or a converter's 数据1 | 数据2)
        above = text.rfind("\n", 0, at - 1) + 1
        line = text[above : at - 1]
        if "\t" not in line or _NUMBER_CELL.search(line):
            break
        at = above
    return [(at, at, None, STANDARD_HEADINGS["review_litigation"], "review_litigation")]


def _subsections(text: str, start: int, end: int) -> list[Subsection]:
    marks = [m for m in _SUBSECTION.finditer(text, start, end) if "\t" not in m.group(0)]
    out: list[Subsection] = []
    for i, m in enumerate(marks):
        rest = m.group("rest")
        heading = re.split(r"[。：:]", rest, maxsplit=1)[0][:40]
        sub_end = marks[i + 1].start() if i + 1 < len(marks) else end
        out.append(Subsection(number=m.group("num"), heading=heading.strip(), start=m.start(), end=sub_end))
    return out


def _paragraphs(text: str, start: int, end: int) -> list[Paragraph]:
    out: list[Paragraph] = []
    for line_start, _, line in _lines(text[start:end]):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            trail = len(line.rstrip())
            out.append(Paragraph(start + line_start + lead, start + line_start + trail, line.strip()))
    return out


def preamble(text: str, sections: list[Section]) -> str:
    """The text before the first section: title block and introduction."""
    return text[: sections[0].start] if sections else text[:2000]
