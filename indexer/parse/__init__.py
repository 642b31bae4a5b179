"""Parse normalized report text into the structured model."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from indexer.errors import NianbaoError
from indexer.model import APPLICANT_COLUMNS, RegionInfo, Report, Section, Value
from indexer.normalize import NormalizedText, normalize
from indexer.parse import checks, metadata, narrative, tables
from indexer.parse.region import resolve_region
from indexer.parse.sections import parse_sections, preamble
from indexer.read import read_report
from indexer.read.document import RawDocument

_REPORT_MARKERS = re.compile(
    r"政府信息公开|政务公开|信息公开工作|主动公开|依申请公开|政府信息公开条例|收到和处理政府信息公开申请"
)
_PROACTIVE_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额")
_PROACTIVE_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量")
_PROACTIVE_START = re.compile(r"第二十条第|信息内容")
_REQUESTS_START = re.compile(r"申请人情况|勾稽关系|本年新(?!制作|公开)|上年结转|申请数量")
_REVIEW_START = re.compile(r"行政复议")
_PROBLEMS_START = re.compile(r"存在的主要问题|其他需要报告")


def parse_file(path: str) -> Report:
    """Read, normalize and parse one report file."""
    return parse_document(read_report(path))


def parse_document(raw: RawDocument, norm: NormalizedText | None = None) -> Report:
    """Parse what a reader gave (``norm``: its text already normalized); a scan's report says it was OCR'd."""
    try:
        report = parse_text(
            norm or normalize(raw.text), path=raw.path, fmt=raw.format, pages=raw.pages, ocr=bool(raw.ocr)
        )
    except NianbaoError as exc:
        if not raw.ocr:
            raise
        why = f"{exc.reason}; the PDF has no text layer and its pages were read by OCR ({raw.ocr})"
        raise NianbaoError(why, raw.path) from exc
    if raw.ocr:
        report.ocr = raw.ocr
        report.warnings.append(f"扫描件, 文字由 OCR 识别 ({raw.ocr}); 数字请对照原件核对")
        _unprove_broken_rows(report)
    return report


def _unprove_broken_rows(report: Report) -> None:
    """OCR'd numbers are kept only where the table's arithmetic holds: a row of the applications table or
    a block of the review table whose parts do not add up to its printed 总计 was misread somewhere (or
    printed so: an OCR'd page cannot tell which), so none of its cells is proven."""
    reason = "OCR'd row whose parts do not add up to its 总计: a number in it was misread, or printed so"
    for row, cells in (report.requests or {}).items():
        values = [c.value for c in cells]
        if None not in values and sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
            report.requests[row] = [Value(None, reason=reason) for _ in cells]  # type: ignore[index]
            for col in APPLICANT_COLUMNS:
                report.sources.pop(f"requests/{row}/{col}", None)
    for block, fields in (report.review_litigation or {}).items():
        values = [v.value for v in fields.values()]
        if None not in values and sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
            report.review_litigation[block] = {f: Value(None, reason=reason) for f in fields}  # type: ignore[index]
            for f in fields:
                report.sources.pop(f"review_litigation/{block}/{f}", None)


def parse_text(
    norm: NormalizedText | str,
    path: str = "<text>",
    fmt: str = "txt",
    pages: tuple[int, ...] = (),
    ocr: bool = False,
) -> Report:
    """Parse normalized text; a text that is not an annual report raises NianbaoError. ``pages``: where
    each page starts in the original text (PDFs), for the page of every number read; ``ocr``: the text
    was read by OCR (no number is placed by arithmetic alone)."""
    if isinstance(norm, str):
        norm = normalize(norm)
    text = norm.text
    sections = parse_sections(text)
    if len(_REPORT_MARKERS.findall(text)) < 2 and len(sections) < 2:
        raise NianbaoError(
            "not a government information disclosure annual report (政府信息公开工作年度报告): "
            "no report title, sections or disclosure terms found",
            path,
        )
    warnings: list[str] = []
    head = preamble(text, sections)
    title = metadata.parse_title(head)
    year = metadata.parse_year(title, text)
    publisher = metadata.parse_publisher(title, head)
    found = resolve_region(title or "", publisher, text)
    region = (
        RegionInfo(found.province, found.city, found.county, found.code, found.evidence, found.misread)
        if found
        else None
    )
    if region is not None and region.misread:
        # The heading names the place with one character misread (OCR): title and publisher take the
        # official name; the text keeps what was printed.
        official = region.county or region.city or ""
        title = title.replace(region.misread, official) if title else title
        publisher = publisher.replace(region.misread, official) if publisher else publisher
        warnings.append(f"地名容错匹配: '{region.misread}' 按 {official} 读取 (相差一个字)")
    level = metadata.publisher_level(publisher, _region_level(region))
    template = _template(text, year)

    proactive = requests = review = None
    derived = []
    absent: list[str] = []
    request_outcomes = tables.OUTCOME_ROWS_2019
    if template != "other":
        at = _proactive_span(text, sections)
        if at and _PROACTIVE_START.search(text, *at):
            proactive, d, w = tables.parse_proactive(text[at[0] : at[1]], template, ocr=ocr)
            _shift_spans(proactive.values(), at[0])
            derived += d
            warnings += w
        else:
            absent.append("第二十条 (主动公开)")
        at = _requests_span(text, sections)
        if at:
            region_text = text[at[0] : at[1]]
            request_template = tables.requests_template(region_text) or template
            request_outcomes = tables.OUTCOME_ROWS_2021 if request_template == "2021" else tables.OUTCOME_ROWS_2019
            requests, d, w = tables.parse_requests(region_text, request_template, ocr=ocr)
            _shift_spans([dict(enumerate(cells)) for cells in requests.values()], at[0])
            derived += d
            warnings += w
            requests = requests or None
        if requests is None:
            absent.append("收到和处理政府信息公开申请")
        at = _section_span(sections, "review_litigation") or _between(
            text, _REVIEW_START, _PROBLEMS_START, after=_REQUESTS_START
        )
        if at:
            review, d, w = tables.parse_review(text[at[0] : at[1]])
            _shift_spans(review.values(), at[0])
            derived += d
            warnings += w
        else:
            absent.append("行政复议、行政诉讼")

    figures = narrative.find_figures(text)
    figure_dict = narrative.figures_as_dict(figures)
    stated = narrative.stated_applications(text)
    if stated is not None:
        figure_dict = {"收到申请": stated[0], **figure_dict}

    consistency = [
        *checks.requests_checks(requests, request_outcomes),
        *checks.review_checks(review),
        checks.narrative_requests_check(stated, requests),
        *narrative.breakdown_checks(text),
        *narrative.rate_checks(text),
        *narrative.conflict_checks(text, figures),
        checks.sections_check(sections),
        checks.tables_check(template, absent),
    ]
    if absent and template != "other":
        warnings.append("表格缺失: " + ", ".join(absent))
    if any(c.check == "sections.missing" and c.ok is False for c in consistency):
        warnings.append("章节不完整: " + next(c.detail for c in consistency if c.check == "sections.missing"))
    return Report(
        path=path,
        format=fmt,
        title=title,
        publisher=publisher,
        level=level,
        year=year,
        region=region,
        template=template,
        sections=sections,
        proactive=proactive,
        requests=requests,
        review_litigation=review,
        narrative_figures=figure_dict,
        consistency=consistency,
        derived_cells=derived,
        warnings=warnings,
        text=text,
        sources=_sources(norm, pages, proactive, requests, review, figures),
    )


def _sources(
    norm: NormalizedText,
    pages: tuple[int, ...],
    proactive: dict[str, dict[str, Value]] | None,
    requests: dict[str, list[Value]] | None,
    review: dict[str, dict[str, Value]] | None,
    figures: list[narrative.Figure],
) -> dict[str, dict[str, Any]]:
    """Where every number was read, keyed 'table/row/column' (cells) or 'figure/<key>' (the prose's
    figures): offsets in the normalized and in the original text, the original's line, a PDF's page."""
    spans: dict[str, tuple[int, int]] = {}
    for name, rows in (("proactive", proactive), ("review_litigation", review)):
        for row, cells in (rows or {}).items():
            spans |= {f"{name}/{row}/{col}": v.span for col, v in cells.items() if v.span and v.value is not None}
    for row, values in (requests or {}).items():
        cells = dict(zip(APPLICANT_COLUMNS, values, strict=True))
        spans |= {f"requests/{row}/{col}": v.span for col, v in cells.items() if v.span and v.value is not None}
    keys = narrative.figures_as_dict(figures)
    spans |= {f"figure/{key}": (f.start, f.end) for key, f in zip(keys, figures, strict=True)}
    originals = {key: norm.original_span(start, end) for key, (start, end) in spans.items()}
    line_of: dict[int, int] = {}
    line, last = 1, 0
    for a in sorted({a for a, _ in originals.values()}):  # the newlines counted once, in one pass
        line += norm.original.count("\n", last, a)
        line_of[a], last = line, a
    out: dict[str, dict[str, Any]] = {}
    for key, (start, end) in spans.items():
        a, b = originals[key]
        out[key] = {
            "start": start,
            "end": end,
            "original_start": a,
            "original_end": b,
            "line": line_of[a],
            "page": bisect_right(pages, a) if pages else None,
        }
    return out


def _region_level(region: RegionInfo | None) -> str | None:
    if region is None:
        return None
    if region.county:
        return "county"
    if region.city:
        return "city"
    return "province" if region.province else None


def _template(text: str, year: int | None) -> str:
    """Which national template the tables follow: '2019', '2021' or 'other' (free-form, before 2019)."""
    if year is not None and year < 2019:
        return "other"
    if _PROACTIVE_2021.search(text) or re.search(r"逾期不补正|逾期未按收费", text):
        return "2021"
    if _PROACTIVE_2019.search(text):
        return "2019"
    if year is None:
        return "other"
    return "2021" if year >= 2021 else "2019"


def _section_span(sections: list[Section], kind: str) -> tuple[int, int] | None:
    s = next((s for s in sections if s.kind == kind), None)
    return (s.start, s.end) if s else None


def _between(
    text: str, start: re.Pattern[str], end: re.Pattern[str], after: re.Pattern[str] | None = None
) -> tuple[int, int] | None:
    """Where text runs from the first ``start`` match (after ``after``, if given) to the next ``end`` match."""
    pos = 0
    if after is not None:
        a = after.search(text)
        pos = a.end() if a else 0
    m = start.search(text, pos)
    if m is None:
        return None
    e = end.search(text, m.end())
    return m.start(), e.start() if e else len(text)


def _shift_spans(rows: Iterable[dict[Any, Value]], offset: int) -> None:
    """A table's cells read in a region of the text: their spans made offsets in the whole text."""
    for row in rows:
        for v in row.values():
            if v.span is not None:
                v.span = (v.span[0] + offset, v.span[1] + offset)


def _proactive_span(text: str, sections: list[Section]) -> tuple[int, int] | None:
    """The 第二十条 table's region: its section, or, when that holds no table (a converter that printed the
    next heading before the table: pymupdf4llm 1.28), from the section up to the applications table."""
    at = _section_span(sections, "proactive")
    if at and _PROACTIVE_START.search(text, *at):
        return at
    m = _PROACTIVE_START.search(text, at[0] if at else 0)
    if m is None or (at and _REQUESTS_START.search(text, at[0], m.start())):
        return at
    end = _REQUESTS_START.search(text, m.end())
    return m.start(), end.start() if end else len(text)


def _requests_span(text: str, sections: list[Section]) -> tuple[int, int] | None:
    at = _section_span(sections, "applications")
    if at:
        m = _REQUESTS_START.search(text, *at)
        if m:
            return m.start(), at[1]
    return _between(text, _REQUESTS_START, re.compile(r"^[^\t\n]*行政复议", re.M))
