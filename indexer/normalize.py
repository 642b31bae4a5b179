"""Normalization shared by the parser and the index, with a map back to the original text.

Every step only deletes characters or replaces one character by one character, so a span of
normalized text maps back to the original through the deletions each step made.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation that never takes a space beside it in running text.
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』…—·"

# One-to-one replacements: full-width digits/letters/number signs to ASCII, odd spaces to a space, page
# and line breaks of other kinds to a line break.
_ONE_TO_ONE = str.maketrans(
    {
        **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "\uff05": "%",
        "\uff0b": "+",
        "\u3000": " ",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\r": "\n",
        "\f": "\n",  # a page break (pdftotext ends each page with one)
        "\v": "\n",
    }
)

# HTML character references left in text taken from a page's source (规章&nbsp;0, &ldquo;放管服&rdquo;).
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# HTML comments a converter writes into Markdown (pymupdf4llm's <!-- Start of picture text -->): never text.
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Markdown pipe tables (PDF-to-Markdown converters, OCR tools): "| 规章 | 0 | 0 |" becomes the
# tab-separated row every reader produces; "|---|---|" rules and <br> inside cells go.
_PIPE = re.compile(r"\|")
_PIPE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_PIPE_RULE = re.compile(r"^[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*(?:\n|$)", re.M)
# The names a converter gives a header cell that has none (pymupdf4llm's Col1, Col2, …): a blank cell.
_NAMELESS_HEADER = re.compile(r"(?<=\|)[ \t]*Col\d{1,2}[ \t]*(?=\|)")
_DIGIT_BREAK = re.compile(r"(?<=\d)[ ]*<br\s*/?>[ ]*(?=[-+]?\d)")
_PIPE_EDGE = re.compile(r"^[ \t]*\|[ ]*|[ ]*\|[ \t]*$| +(?=\t)|(?<=\t) +|<br\s*/?>", re.M)
_BARE_RULE = re.compile(r":?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?$")
_FULLWIDTH_DOT = re.compile(r"(?<=\d)\uff0e(?=\d)")
_MARKDOWN = re.compile(r"\*\*|^[ \t]*#{1,6}[ \t]+|^[ \t]*[-*][ \t]+(?=\S)", re.M)
# "- 11 -", "— 3 —" inside a sentence or on their own line, "第 3 页 共 10 页" lines, and "- 3" alone
# between blank lines (a converter that took the footer's last dash for nothing: pymupdf4llm 0.3).
_PAGE_NUMBER = re.compile(
    r"[ \t]*[-—–－][ \t]+\d{1,3}[ \t]+[-—–－][ \t]*"
    r"|^[ \t]*[-—–－][ \t]*\d{1,3}[ \t]*[-—–－][ \t]*$"
    r"|\n(?:[ \t]*\n)+[ \t]*[-—–－][ \t]+\d{1,3}[ \t]*(?=\n[ \t]*\n|\n?\Z)"  # with the blank lines before it
    r"|^[ \t]*第[ \t]*\d{1,3}[ \t]*页([ \t]*[/,，]?[ \t]*共[ \t]*\d{1,3}[ \t]*页)?[ \t]*$",
    re.M,
)
_WORDISH = rf"[{CJK}{re.escape(CJK_PUNCT)}]"
# Spaces PDF extraction leaves inside CJK words and between CJK and numbers ("2020 年", "政 务").
_STRAY_SPACE = re.compile(
    rf"(?<={_WORDISH})[ ]+(?=[{CJK}{re.escape(CJK_PUNCT)}0-9A-Za-z%(),.:;])"
    rf"|(?<=[0-9A-Za-z%(),.:;])[ ]+(?={_WORDISH})"
    r"|^[ ]+|[ ]+$",
    re.M,
)
_SENTENCE_END = "。！？；：!?;:…”」』）)"
_ENUMERATOR = re.compile(
    r"^[ \t]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]"
    r"|第[一二三四五六七八九十]+(?:[、，,：:.．]|是|条|项|章|节|部分|方面)|[一二三四五六七八九十]是)"
)


@dataclass
class _Deletions:
    """Where one step deleted characters: positions in its output, cumulative deleted lengths."""

    at: list[int] = field(default_factory=list)
    shift: list[int] = field(default_factory=list)

    def to_input(self, pos: int) -> int:
        k = bisect_right(self.at, pos)
        return pos + (self.shift[k - 1] if k else 0)


@dataclass
class NormalizedText:
    """Normalized text plus what is needed to show any of its spans in the original."""

    text: str
    original: str
    _steps: list[_Deletions] = field(default_factory=list, repr=False)

    def original_offset(self, pos: int) -> int:
        """Offset in the original text of the character at normalized offset ``pos``."""
        for step in reversed(self._steps):
            pos = step.to_input(pos)
        return pos

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering normalized ``text[start:end]``."""
        if end <= start:
            at = self.original_offset(start)
            return at, at
        return self.original_offset(start), self.original_offset(end - 1) + 1

    def original_text(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]


def _replace(
    text: str,
    pattern: re.Pattern[str],
    by: Callable[[re.Match[str]], str],
    accept: Callable[[str, re.Match[str]], bool] | None = None,
) -> tuple[str, _Deletions]:
    """Each match replaced by the shorter text ``by`` gives (an HTML entity by its character, or nothing);
    the map sends the replacement to where the match began."""
    pieces: list[str] = []
    at: list[int] = []
    lengths: list[int] = []
    last = 0
    out_len = 0
    for m in pattern.finditer(text):
        if m.start() == m.end() or (accept is not None and not accept(text, m)):
            continue
        new = by(m)
        if len(new) >= m.end() - m.start():
            continue
        pieces += [text[last : m.start()], new]
        out_len += m.start() - last + len(new)
        at.append(out_len)
        lengths.append(m.end() - m.start() - len(new))
        last = m.end()
    if not at:
        return text, _Deletions()
    pieces.append(text[last:])
    return "".join(pieces), _Deletions(at, list(accumulate(lengths)))


def _delete(
    text: str, pattern: re.Pattern[str], accept: Callable[[str, re.Match[str]], bool] | None = None
) -> tuple[str, _Deletions]:
    return _replace(text, pattern, lambda _: "", accept)


# A long prose line not ending a sentence, then up to two blank lines (a converter that sets every line
# of a PDF apart: pymupdf4llm 0.3), then the line that continues it.
_BROKEN_LINE = re.compile(  # the newline first: a search for it is fast; the lookbehinds then check the line
    rf"\n(?<=[^\t\n]{{20}}\n)(?<![{re.escape(_SENTENCE_END)}]\n)(?<!\s\n)(?:[ \t]*\n){{0,2}}[ \t]*(?=[^\s])"
)
# A title or heading line ends with these words; an introduction starts with these.
_TITLE_END = re.compile(r"(?:报告|情况|事项|年报|的通知)$")  # …年度报告》的通知: a notice publishing one
# A numbered heading ends with these words: 六、政府信息公开工作存在的主要问题及改进措施.
_HEADING_END = re.compile(r"(?:措施|问题|打算|计划|方向|思路|要求)$")
_INTRO_START = re.compile(r"(?:根据|依据|按照|为贯彻|本报告)")
_REPORT_NAME = re.compile(r"年度报告|年报")
# A crawled page's furniture: its date, source, hit count, index number, font size, print and close buttons.
PAGE_FIELDS = re.compile(
    r"发布时间|发布日期|发布机构|信息来源|来源[:：]|浏览次数|阅读次数|点击数|访问量|索引号|主题分类|成文日期"
    r"|字号[:：]|字体[:：]|【打印|打印本页|【关闭|关闭窗口|分享到|扫一扫|\[大中小\]|【大中小】"
)
_CLAUSE_MARK = re.compile(r"[，。；,;]")
# Two numbers separated only by spaces: cells of a table row extracted without tabs.
_NUMBER_RUN = re.compile(r"\d[ ]+[-+]?\d")
# What a continued line starts with; a line never starts with a comma or a closing mark unless a
# page's width broke it there (pdftotext: …抓重点 / ，补短板…).
_CONTINUATION_START = re.compile(rf"[{CJK}“‘《（(0-9，、。；：？！）》”’,;:)]")


# A number set with letter-spacing in prose (a PDF's justified line): 2 0 1 7年, 减少4 5项. Only single
# digits a space apart and followed by a unit: cells of a space-separated row (0 0 0规范性文件8 8 14)
# are followed by the next row's label.
_SPACED_DIGITS = re.compile(
    r"(?<![\d.])\d(?: \d)+(?= ?(?:年|月|日|件|项|个|条|次|人|家|万|元|%|余|多|份|篇|期|卷|盒|页|场|名))"
)
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")


def _in_spaced_number(text: str, m: re.Match[str]) -> bool:
    start = m.start() - 1  # the digit before the space; back to the first digit of the run
    while start >= 2 and text[start - 1] == " " and text[start - 2].isdigit():
        start -= 2
    found = _SPACED_DIGITS.match(text, start)
    return found is not None and found.end() > m.start()


def _is_broken_line(text: str, m: re.Match[str]) -> bool:
    """A page or column break inside a sentence, not a heading, title or table row."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    line = text[line_start : m.start()]
    if "\t" in line:
        return False
    next_end = text.find("\n", m.end())
    following = text[m.end() : next_end if next_end >= 0 else len(text)]
    # A line ending like a title or heading (…情况) is one unless its last sentence holds clause marks: a
    # converter that sets a PDF's lines apart breaks them anywhere (…，定期通报检查情况 / ，督促问题整改到位。),
    # while a heading glued after a paragraph's last sentence (…整改到位。其他需要报告的事项) is a heading.
    if _TITLE_END.search(line) and not _CLAUSE_MARK.search(line, max(map(line.rfind, "。！？；;!?")) + 1):
        return False
    if _INTRO_START.match(following):
        return False
    if PAGE_FIELDS.search(text, line_start, m.start()):
        return False  # a crawled page's date and source line, not a sentence
    if len(following) <= 60 and _REPORT_NAME.search(following) and not _CLAUSE_MARK.search(following):
        return False  # the title after a line above it (a crawled page's date and source)
    if (
        _ENUMERATOR.match(line)
        and _HEADING_END.search(text, line_start, m.start())
        and not _CLAUSE_MARK.search(text, line_start, m.start())
    ):
        return False  # a numbered heading, not the first line of a paragraph
    if line_start == 0 and _REPORT_NAME.search(text, 0, m.start()) and not _CLAUSE_MARK.search(text, 0, m.start()):
        return False  # a first line naming the report, not a sentence: its title, whatever follows the name
    if _NUMBER_RUN.search(text, line_start, m.start()) or _NUMBER_RUN.search(following):
        return False  # a table row with space-separated cells
    if _CELL_NUMBER.fullmatch(following):
        return False  # a table's long row label, one cell a line, and the row's first number
    return (
        "\t" not in following and not _ENUMERATOR.match(following) and _CONTINUATION_START.match(following) is not None
    )


def normalize(original: str) -> NormalizedText:
    """Normalize report text for parsing and indexing, keeping a map back to ``original``."""
    text = original.replace("\r\n", "\n") if "\r\n" in original else original
    steps: list[_Deletions] = []
    if text is not original:
        steps.append(_crlf_deletions(original))
    if "&" in text:
        text, step = _replace(text, _ENTITY, lambda m: html.unescape(m.group()))
        steps.append(step)
    text = map_characters(text)
    if "|" in text:
        edges = _bare_table_edges(text)
        if edges:
            text, step = _insert(text, edges, "|")
            steps.append(step)
        text, step = _delete(text, _PIPE_RULE)
        steps.append(step)
        glyphs = _glyph_split_pipes(text)
        if glyphs:
            text, step = _delete(text, _PIPE, lambda _, m: m.start() in glyphs)
            steps.append(step)
        if "|Col" in text:
            text, step = _delete(text, _NAMELESS_HEADER, _on_pipe_row)
            steps.append(step)
        if "<br" in text:
            heading = _headings_in_rows(text)
            if heading:
                text, step = _delete(text, _ROW_PIECE, lambda _, m: m.start() in heading)
                steps.append(step)
            # two numbers stacked in one cell are two numbers, not one of their digits
            text, step = _replace(text, _DIGIT_BREAK, lambda _: " ", _on_pipe_row)
            steps.append(step)
        text = _PIPE_ROW.sub(_pipes_to_tabs, text)
        text, step = _delete(text, _PIPE_EDGE, _on_pipe_row)
        steps.append(step)
    if not is_flattened(text):
        text, glued = _lost_breaks(text)
        if glued:
            text, step = _insert(text, glued, "\n")
            steps.append(step)
    if "<!--" in text:
        text, step = _delete(text, _COMMENT)
        steps.append(step)
    for pattern in (_ZERO_WIDTH, _PAGE_NUMBER, _MARKDOWN, _STRAY_SPACE):
        text, step = _delete(text, pattern)
        steps.append(step)
    if _SPACED_DIGITS.search(text):
        text, step = _delete(text, _DIGIT_SPACE, _in_spaced_number)
        steps.append(step)
    text, step = _delete(text, _BROKEN_LINE, _is_broken_line)
    steps.append(step)
    if is_flattened(text):
        text, step = _insert(text, _flat_breaks(text), "\n")
        steps.append(step)
    return NormalizedText(text, original, [s for s in steps if s.at])  # a step that moved nothing maps nothing


# A page flattened by a crawler: the report on a few very long lines.
_FLAT_LINE = 1500
# Where such a page's lines began: a top-level heading (二、主动公开政府信息情况, 二．…), an item （一） or
# 第二十条第（一）项 after a sentence, and the text after the title (…年度报告 根据…).
_TOP_HEADING = (
    r"(?:(?<![（(])(?:[一二三四五六七八九十]{1,2}[、．.]|[1-9]、)|第[一二三四五六七八九十]{1,2}部分)"
    r"(?=[^。，]{0,6}(?:总体情况|主动公开|收到和处理|依申请公开|行政复议|政府信息公开|因政府信息公开|存在的主要问题"
    r"|存在问题|其他需要报告|其他需报告|其他事项|概述|概况|基本情况))"
)
_FLAT_HEADING = re.compile(
    _TOP_HEADING
    + r"|(?<=[。；！？：])[（(][一二三四五六七八九十]{1,2}[）)]"
    + r"|第二十条第[（(][一二三四五六七八九十]{1,2}[）)]项"
)
# A converter that joins a page's blocks into paragraphs with a space (pymupdf4llm's Markdown) leaves a
# heading after the sentence before it (…提升公众参与度。 六、其他需要报告的事项 无。) and the title
# before the first sentence (…年度报告 根据《…》…): that space was a line break.
_SPACE_FOR_BREAK = re.compile(
    # A heading, not a numbered sentence (。 2、…， or 。 一、主动公开政府信息情况，…): a Chinese numeral,
    # and the heading's words end at a space or the line's end.
    rf"(?<=[。！？；])[ \u3000]+(?![1-9]、)(?={_TOP_HEADING})(?=[^。，,；;：:\n]{{3,32}}?(?:[ \u3000\n]|$))"
    r"|(?<=年度报告)(?P<title>[ \u3000]+)(?=根据|依据|按照|为进一步|为深入|本报告|现将|现就)"
)
_SPACE_AFTER = re.compile("[。！？；告][ \u3000]")  # what every match above starts with: most texts have none
# The standard headings, after which a flattened page had a line break too.
_FLAT_HEADING_END = re.compile(
    r"(?:(?:总体|主动公开|收到和处理|依申请公开|因政府信息公开|政府信息公开|行政复议|存在的主要问题"
    r"|存在问题|主要问题|其他需要报告|其他需报告)[^。，；\d]{0,24}?(?:情况|事项|措施|方向)|概述|概况)[。：:]?"
)
# A standard heading printed without its numeral, glued after a number or a sentence (or at a line's start,
# glued to the sentence after it).
_FLAT_CANONICAL = re.compile(
    r"(?:(?<=[\d。；！？\n])|(?<=元))(?:总体情况|主动公开政府信息(?:的)?情况|收到和处理政府信息公开申请(?:的)?情况"
    r"|(?:因)?政府信息公开(?:工作)?(?:的)?行政复议[、和与及]?行政诉讼(?:的)?情况|存在的主要问题及改进情况|其他需要报告的事项)"
)
_FLAT_TITLE_END = re.compile(r"(?:年度报告|年报)(?=根据|依据|按照|为进一步|为深入|本报告|现将|\d{4}年|[一二三四]、)")


# Table rows one after another on a line, their cells a space apart (the same converter's text of a
# table it took for a picture: 2.重复申请0 0 0 0 0 0 0 3.要求提供公开出版物0 0 0 0 0 0 0): the space
# before the next row's numbered label was a line break.
_ROW_RUN = re.compile(r"\d+(?: \d+){2,}")
_ROW_LABEL_START = (
    r"(?:[1-9][.．、]|[（(][一二三四五六七八九十]{1,2}[）)]|[一二三四五六七八九十]{1,2}、)[\u4e00-\u9fff]"
)
_SPACE_BEFORE_ROW = re.compile(rf"(?<=\d) (?={_ROW_LABEL_START})")
_GLUED_ROW = re.compile(rf"(?<=\d)(?={_ROW_LABEL_START})")


def _row_lines(text: str) -> list[tuple[int, str]]:
    """The lines holding several rows of space-separated numbers, with where each starts (a run never
    crosses a line, so one scan of the text finds every line's)."""
    runs: dict[int, int] = {}
    for m in _ROW_RUN.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        runs[start] = runs.get(start, 0) + 1
    out: list[tuple[int, str]] = []
    for start, n in runs.items():
        if n >= 2:
            end = text.find("\n", start)
            out.append((start, text[start : end if end >= 0 else len(text)]))
    return out


def _lost_breaks(text: str) -> tuple[str, list[int]]:
    """The text with each space that stood for a line break (``_SPACE_FOR_BREAK``, and
    ``_SPACE_BEFORE_ROW`` on a line of several rows) a line break, one character for one so that no
    offset moves (the title's only within the first line); and where, on such a line, a row's numbered
    label follows the row before's last number with nothing between (…21二、上年结转…), a line break to
    insert."""
    breaks: list[tuple[int, int]] = []
    if _SPACE_AFTER.search(text):
        first_end = text.find("\n", len(text) - len(text.lstrip()))
        breaks = [
            m.span() for m in _SPACE_FOR_BREAK.finditer(text) if not (m.group("title") and 0 <= first_end < m.start())
        ]
    glued: list[int] = []
    for start, line in _row_lines(text):
        breaks += [(start + m.start(), start + m.end()) for m in _SPACE_BEFORE_ROW.finditer(line)]
        glued += [start + m.start() for m in _GLUED_ROW.finditer(line)]
    if not breaks:
        return text, glued
    chars = list(text)
    for a, b in breaks:
        chars[a:b] = "\n" + " " * (b - a - 1)  # the spaces after the first go with the stray spaces
    return "".join(chars), glued


def is_flattened(text: str) -> bool:
    """True when the text lost its line breaks: a report of a few lines that holds three headings."""
    lines = sum(1 for line in text.split("\n") if line.strip())
    return len(text) > 500 and lines <= max(6, len(text) // _FLAT_LINE) and len(_FLAT_HEADING.findall(text)) >= 3


def _flat_breaks(text: str) -> list[int]:
    """Positions before which a flattened page had a line break."""
    at: set[int] = set()
    for m in _FLAT_HEADING.finditer(text):
        at.add(m.start())
        end = _FLAT_HEADING_END.match(text, m.end())
        if end:
            at.add(end.end())
    at |= {p for m in _FLAT_CANONICAL.finditer(text) for p in m.span()}
    title = _FLAT_TITLE_END.search(text, 0, 1000)  # after a crawled page's furniture too
    if title:
        at.add(title.end())
    return sorted(p for p in at if 0 < p < len(text) and text[p - 1] != "\n" and text[p] != "\n")


def _insert(text: str, positions: list[int], mark: str) -> tuple[str, _Deletions]:
    """``text`` with ``mark`` (one character) before each position; the map sends it to the character after it."""
    pieces: list[str] = []
    at: list[int] = []
    shift: list[int] = []
    last = 0
    for n, p in enumerate(positions, start=1):
        pieces += [text[last:p], mark]
        last = p
        at.append(p + n)  # output position of the character after the n-th break
        shift.append(-n)
    pieces.append(text[last:])
    return "".join(pieces), _Deletions(at, shift)


_CELL_NUMBER = re.compile(r"\s*[+\-−－]?[\dOol]+(?:\.\d+)?\s*(?:万元|元)?\s*")


def _pipes_to_tabs(m: re.Match[str]) -> str:
    """A pipe row's inner pipes as tabs, one character for one: its edges stay for _PIPE_EDGE.

    A row of numbers ending in empty cells was padded by the converter to the table's width (a row
    printed short of a cell lost where the blank was), so those cells' pipes become spaces: the row
    reads as short, as in the original, and is not taken to be blank at its end."""
    row = m.group(0)
    first, last = row.index("|"), row.rindex("|")
    cells = row[first + 1 : last].split("|")
    filled = [c for c in cells if c.strip()]
    keep = len(cells)
    if filled and all(_CELL_NUMBER.fullmatch(c) for c in filled):
        while keep > 1 and not cells[keep - 1].strip():
            keep -= 1
    inner = "\t".join(cells[:keep]) + "".join(" " + c for c in cells[keep:])
    return row[: first + 1] + inner + row[last:]


_ONE_HAN = re.compile(rf"[{CJK}]")


def _glyph_split_pipes(text: str) -> set[int]:
    """The inner pipes of pipe tables whose cells are one cell's glyphs, dealt out over columns.

    A PDF-to-Markdown converter can take each character of a narrow one-column table for a column of its
    own (pymupdf4llm 1.28): "|规|范|性|文件|", and a number's digits too, "|39|27|||" for 3927. Such a
    table is told by its rows: every row's filled cells come first (no filled cell after a blank one), and
    of the rows of words in several cells, at least three and four in five begin with a cell of one
    character. Its rows are each one cell again: the pipes between their filled cells go."""
    out: set[int] = set()
    lines = text.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_pipe_line(lines[j]) and lines[j].count("|") == lines[i].count("|"):
            j += 1  # a table's rows have as many cells (a run of another width is another table)
        if j == i:
            i += 1
            continue
        rows = []
        for k in range(i, j):
            line = lines[k]
            first = line.index("|")
            cells = line[first + 1 : line.rindex("|")].split("|")
            filled = [bool(c.strip()) for c in cells]
            rows.append((k, first, cells, filled))
        prefixed = all(f == sorted(f, reverse=True) for _, _, _, f in rows)  # no filled cell after a blank
        worded = [c for _, _, c, f in rows if sum(f) >= 2 and _ONE_HAN.search("".join(c))]
        split = [c for c in worded if _ONE_HAN.fullmatch(c[0].strip())]
        if prefixed and len(split) >= 3 and 5 * len(split) >= 4 * len(worded):
            for k, first, cells, filled in rows:
                at = starts[k] + first
                for cell, keep in zip(cells[:-1], filled[1:], strict=False):
                    at += len(cell) + 1
                    if keep:
                        out.add(at)
        i = j
    return out


# A table's last row that a converter merged, cell by cell, with the heading printed under the table
# (pymupdf4llm 1.28): |行政事业性收费<br>三、收到和处|70.35<br>理政府信息|万元<br>公开申请情|况|. The pieces
# after the breaks, and the cells of words after them, read together, are a section heading.
_ROW_PIECE = re.compile(r"<br\s*/?>[^|]*|(?<=\|)[^|<]+(?=\|)")
_HEADING_START = re.compile(r"<br\s*/?>[ \t]*(?:[一二三四五六七八]、|第[一二三四五六七八]部分)")
_SECTION_WORDS = re.compile(
    r"^(?:[一二三四五六七八]、|第[一二三四五六七八]部分)[ \t]*\S*"
    r"(?:主动公开|收到和处理|行政复议|存在的主要问题|其他需要报告)"
)


def _headings_in_rows(text: str) -> set[int]:
    """Where the pieces of a heading merged into a pipe row start (``_ROW_PIECE`` matches to delete): the
    row keeps its own cells, the heading, which the rows' order and the sections' contents still place,
    goes. Only a row whose pieces read as a section heading of the report's template is touched."""
    out: set[int] = set()
    for row in _PIPE_ROW.finditer(text):
        line = row.group(0)
        first = _HEADING_START.search(line)
        if first is None:
            continue
        pieces: list[tuple[int, str]] = []
        for m in _ROW_PIECE.finditer(line, first.start()):
            piece = m.group(0)
            if piece.startswith("<"):
                pieces.append((m.start(), re.sub(r"^<br\s*/?>", "", piece)))
            elif piece.strip() and not _CELL_NUMBER.fullmatch(piece) and m.start() > first.start():
                pieces.append((m.start(), piece))  # a cell of words after the heading began: more of it
        if _SECTION_WORDS.match("".join(p.strip() for _, p in pieces)):
            out |= {row.start() + at for at, _ in pieces}
    return out


def _is_pipe_line(line: str) -> bool:
    row = line.strip(" \t")
    return len(row) > 1 and row.startswith("|") and row.endswith("|")


def _bare_table_edges(text: str) -> list[int]:
    """Where the rows of pipe tables printed without outer pipes need them: each row's start and end.

    HTML-to-Markdown tools (html2text and its kind) write a table's rows as "规章 | 0 | 0" and a rule
    "---|---" after the first; a row that begins or ends with a pipe then begins or ends with an empty
    cell. A run of lines holding a pipe is such a table when it holds such a rule or at most half of its
    lines have both edges; a run of one line, when it holds two pipes (report prose does not use the
    character). In other runs only a row with one edge gets the other: a line with neither is prose."""
    lines = text.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    at: list[int] = []
    i = 0
    while i < len(lines):
        if "|" not in lines[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and "|" in lines[j]:
            j += 1
        rows = [lines[k].strip(" \t") for k in range(i, j)]
        edged = sum(map(_is_pipe_line, rows))
        bare = any(_BARE_RULE.match(r) for r in rows) or 2 * edged <= len(rows)
        if j - i > 1 or rows[0].count("|") >= 2:
            for k, row in enumerate(rows, start=i):
                lead, trail = row.startswith("|"), row.endswith("|") and len(row) > 1
                if not bare and lead == trail:
                    continue
                if bare or not lead:
                    at.append(starts[k] + len(lines[k]) - len(lines[k].lstrip(" \t")))
                if bare or not trail:
                    at.append(starts[k] + len(lines[k].rstrip(" \t")))
        i = j
    return sorted(set(at))


def _on_pipe_row(text: str, m: re.Match[str]) -> bool:
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    line = text[start : end if end >= 0 else len(text)].strip(" \t")
    return m.group(0).startswith("<") or _is_pipe_line(line)


def _crlf_deletions(original: str) -> _Deletions:
    _, step = _delete(original, re.compile(r"\r(?=\n)"))
    return step


def map_characters(text: str) -> str:
    """The one-to-one character mapping of ``normalize`` (full-width digits, odd spaces)."""
    return _FULLWIDTH_DOT.sub(".", text.translate(_ONE_TO_ONE))


# Inside a query only spaces between CJK/numbers go; a query of spaces stays a query of spaces.
_QUERY_SPACE = re.compile(_STRAY_SPACE.pattern.rsplit("|^", 1)[0], re.M)


def normalize_query(query: str) -> str:
    """A search query normalized as report text is, so it matches what the index holds."""
    text = map_characters(query).replace("\n", " ")
    for pattern in (_ZERO_WIDTH, _MARKDOWN, _QUERY_SPACE):
        text, _ = _delete(text, pattern)
    return text
