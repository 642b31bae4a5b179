"""Web-page reports (.html, .htm): the report body of a government CMS page, without the site around it.

Written with lxml rather than trafilatura: on a county page laid out with nested tables, trafilatura
kept the navigation, breadcrumb and footer, moved the statistics table and the paragraphs after it
out of reading order, and spread colspan cells over padding cells (see tests/test_read.py).

The body is found by the containers government CMSs use (div#zoom, div.TRS_Editor, …) and, for
unknown layouts, by text density: the element holding most of the page's CJK text outside links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from indexer.errors import NianbaoError
from indexer.read.document import RawDocument
from indexer.read.support import decode_text, join_wrapped, row_line

EXTENSIONS = (".htm", ".html")

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")  # lxml refuses a str that declares an encoding

_NOISE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "button", "input", "textarea", "map", "audio", "video",
)  # fmt: skip
_LANDMARK_TAGS = frozenset({"nav", "header", "footer", "aside"})
# class/id words of site chrome; matched as whole words of a name like "main-nav" or "footer_box".
_CHROME_NAME = re.compile(
    r"(?:^|[-_])(?:nav|navbar|menu|header|footer|foot|breadcrumbs?|crumbs?|position|location|share|"
    r"bdshare|print|sidebar|aside|related|copyright|toolbar|pager|pagination)(?:$|[-_\d])",
    re.IGNORECASE,
)
# Body containers of common Chinese government CMSs (TRS, Hanweb, UCAP, …), most specific first.
_BODY_CONTAINERS = (
    "#zoom", "#fontzoom", ".trs_editor", ".trs_ueditor", "#ucap-content", ".pages_content",
    ".article-content", ".article_content", "#zw", ".zw", "#content", ".content", "#article",
    ".article", ".view",
)  # fmt: skip
_CONTAINER_RANK = {name: rank for rank, name in enumerate(_BODY_CONTAINERS)}
_CONTAINER_SHARE = 0.5  # a known container must hold half of the page's text to be the body
_DENSE_SHARE = 0.7  # the density search descends while one child holds this much of the page's text
_CHROME_SHARE = 0.3  # chrome-named elements holding more text than this are kept (misnamed wrappers)

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section td th tr ul".split()
)
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")
_TITLE = re.compile(r"(?=.*(?:19|20)\d\d).*(?:报告|年报)")  # a report title names its year
_TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|[-—–]+(?!\d))\s*")
# A line made only of page tools: 【打印本页】【关闭窗口】, 分享到：微信 微博, 字号：大 中 小 …
_TOOLS_LINE = re.compile(
    r"(?:打印本页|打印此页|打印页面|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|分享到|分享|收藏本页|加入收藏|"
    r"收藏|字号|默认|[大中小]|微信|微博|QQ空间|扫一扫|[\s【】\[\]〖〗()（）|｜:：/>＞»·•])+"
)
_BREADCRUMB = re.compile(r"(?:当前位置|您现在的位置|您的位置|你的位置|所在位置)\s*[:：]")


def read(data: bytes, path: str) -> RawDocument:
    """Read the report body of a web page; its title becomes the first line."""
    declared = _DECLARED_CHARSET.search(data[:8192])
    text, encoding = decode_text(data, path, declared.group(1).decode("ascii") if declared else None)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise NianbaoError(f"cannot parse the HTML page: {exc}", path) from exc
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_NOISE_TAGS, with_tail=False)
    for hidden in root.xpath("//*[@hidden or contains(translate(@style, ' ', ''), 'display:none')]"):
        hidden.drop_tree()
    title = _title(root)
    body = root.find("body")
    page = _PageText(body if body is not None else root)
    page.drop_chrome()
    writer = _LineWriter()
    _render(page.report_body(), writer)
    lines = writer.lines
    if title and not _squeezed("".join(lines[:2])).startswith(_squeezed(title)):
        lines.insert(0, title)  # unless the body already opens with its title (on one or two lines)
    return RawDocument(path=path, format="html", text="\n".join(lines), encoding=encoding)


def _title(root: lxml.html.HtmlElement) -> str | None:
    """The report's title: a heading or title-classed element naming a year's report, else the <title>."""
    for query in ("//h1", "//*[contains(translate(@class, 'TITLE', 'title'), 'title')]", "//h2", "//h3"):
        for element in root.xpath(query):
            text = _clean(element.text_content())
            if _TITLE.match(text) and len(text) <= 120 and not element.xpath("ancestor-or-self::a|.//a"):
                return text
    for part in _TITLE_SEPARATOR.split(_clean(root.findtext(".//title") or "")):
        if _TITLE.match(part):
            return part
    return None


class _PageText:
    """How much CJK text each element holds outside and inside links, counted in one pass."""

    def __init__(self, body: lxml.html.HtmlElement) -> None:
        self.body = body
        self.elements = list(body.iter(tag=etree.Element))
        index = {element: position for position, element in enumerate(self.elements)}
        parents = [index.get(element.getparent(), -1) for element in self.elements]
        in_link = [False] * len(self.elements)
        text = [0] * len(self.elements)
        link = [0] * len(self.elements)
        for position, element in enumerate(self.elements):
            parent = parents[position]
            in_link[position] = element.tag == "a" or (parent >= 0 and in_link[parent])
            (link if in_link[position] else text)[position] += _cjk_count(element.text)
            if parent >= 0 and element.tail:
                (link if in_link[parent] else text)[parent] += _cjk_count(element.tail)
        for position in range(len(self.elements) - 1, 0, -1):
            parent = parents[position]
            if parent >= 0:
                text[parent] += text[position]
                link[parent] += link[position]
        self.score = {element: text[i] - link[i] for i, element in enumerate(self.elements)}
        self.total = max(self.score[body], 1)

    def drop_chrome(self) -> None:
        """Remove navigation, header, footer, sidebar, share and print bars named as such."""
        for element in self.elements:
            names = f"{element.get('id', '')} {element.get('class', '')}".split()
            is_chrome = element.tag in _LANDMARK_TAGS or any(_CHROME_NAME.search(name) for name in names)
            if is_chrome and element is not self.body and self.score[element] < _CHROME_SHARE * self.total:
                element.drop_tree()

    def report_body(self) -> lxml.html.HtmlElement:
        """A known CMS container holding most of the text, else the densest element."""
        matches: list[tuple[int, int, lxml.html.HtmlElement]] = []
        for element in self.elements:
            names = [f"#{element.get('id', '').lower()}"]
            names += [f".{name.lower()}" for name in element.get("class", "").split()]
            ranks = [_CONTAINER_RANK[name] for name in names if name in _CONTAINER_RANK]
            matches += [(rank, -self.score[element], element) for rank in ranks]
        for _, negative_score, element in sorted(matches, key=lambda match: match[:2]):
            if -negative_score >= _CONTAINER_SHARE * self.total:
                return element
        node = self.body
        while True:
            children = [child for child in node if child in self.score]
            densest = max(children, key=self.score.__getitem__, default=None)
            if densest is None or self.score[densest] < _DENSE_SHARE * self.total or _is_data_table(densest):
                return node  # a statistics table is part of the report, so is the prose around it
            node = densest


@dataclass
class _LineWriter:
    """Collects rendered lines of the page, or of one table cell when ``deferred_tables`` is set.

    In a cell, nested tables are held back in ``deferred_tables`` to follow the row, and no line is
    dropped as a page tool (a cell "中" or "/" is data).
    """

    lines: list[str] = field(default_factory=list)
    deferred_tables: list | None = None
    _pieces: list[str] = field(default_factory=list)

    def write(self, text: str | None) -> None:
        if text:
            self._pieces.append(text)

    def end_line(self) -> None:
        if not self._pieces:
            return
        line = _clean("".join(self._pieces))
        self._pieces = []
        in_cell = self.deferred_tables is not None
        if line and (in_cell or not (_TOOLS_LINE.fullmatch(line) or _BREADCRUMB.match(line))):
            self.lines.append(line)

    def add_row(self, line: str) -> None:
        self.end_line()
        self.lines.append(line)


def _render(element: lxml.html.HtmlElement, writer: _LineWriter) -> None:
    if element.tag == "table":
        if writer.deferred_tables is None:
            _render_table(element, writer)
        else:
            writer.deferred_tables.append(element)
        return
    is_block = element.tag in _BLOCK_TAGS
    if is_block:
        writer.end_line()
    writer.write(element.text)
    for child in element:
        _render(child, writer)
        writer.write(child.tail)
    if is_block or element.tag == "br":
        writer.end_line()


def _render_table(table: lxml.html.HtmlElement, writer: _LineWriter) -> None:
    """One line per row; a cell spanning columns appears once, one spanning rows leaves empty cells below.

    A layout table (one cell per row, or cells holding tables or long text) is read as blocks.
    """
    rows = _table_rows(table)
    if _is_layout(rows):
        for cell in (cell for cells in rows for cell in cells):
            _render(cell, writer)
        return
    writer.end_line()
    spans: dict[int, tuple[int, int]] = {}  # first column -> (columns wide, rows still covered)
    for cells in rows:
        texts: list[str] = []
        nested: list = []
        column = 0
        for cell in cells:
            column = _continue_spans(spans, column, texts)
            cell_writer = _LineWriter(deferred_tables=nested)
            _render(cell, cell_writer)
            texts.append("\n".join(cell_writer.lines))
            width, height = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            if height > 1:
                spans[column] = (width, height - 1)
            column += width
        _continue_spans(spans, column, texts)
        line = row_line(texts)
        if line:
            writer.add_row(line)
        for nested_table in nested:
            _render_table(nested_table, writer)


def table_lines(fragment: str) -> list[str]:
    """An HTML ``<table>`` fragment (as Markdown converters write tables: MinerU, PaddleOCR) as the
    lines every reader gives a table: one row a line, cells tab-separated, spans resolved."""
    try:
        element = lxml.html.fragment_fromstring(fragment)
    except (etree.ParserError, ValueError):
        return [fragment]
    tables = [element] if element.tag == "table" else element.xpath(".//table")
    writer = _LineWriter()
    for table in tables[:1]:
        _render_table(table, writer)
    writer.end_line()
    return writer.lines


def _table_rows(table: lxml.html.HtmlElement) -> list[list[lxml.html.HtmlElement]]:
    return [tr.xpath("./td|./th") for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")]


def _is_data_table(element: lxml.html.HtmlElement) -> bool:
    return element.tag == "table" and not _is_layout(_table_rows(element))


def _is_layout(rows: list[list[lxml.html.HtmlElement]]) -> bool:
    if all(len(cells) <= 1 for cells in rows):
        return True
    cells = [cell for row in rows for cell in row]
    return any(cell.find(".//table") is not None or len(cell.text_content()) > 300 for cell in cells)


def _continue_spans(spans: dict[int, tuple[int, int]], column: int, texts: list[str]) -> int:
    """Add an empty cell per row-spanning cell from above covering ``column``; return the next column."""
    while column in spans:
        width, rows_left = spans.pop(column)
        if rows_left > 1:
            spans[column] = (width, rows_left - 1)
        texts.append("")
        column += width
    return column


def _span(value: str | None) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    return min(max(int(digits.group(1)), 1), 1000) if digits else 1


def _clean(text: str) -> str:
    """Collapse HTML whitespace; a source line break inside Chinese text disappears."""
    return _SPACES.sub(" ", join_wrapped(text.splitlines()))


def _squeezed(text: str) -> str:
    return _SPACES.sub("", text)


def _cjk_count(text: str | None) -> int:
    return len(_CJK_CHAR.findall(text)) if text else 0
