"""Title, publisher, reporting year and publisher level, from the title block and introduction."""

from __future__ import annotations

import re
from collections import Counter

from indexer.normalize import PAGE_FIELDS

_REPORT_WORDS = re.compile(r"年度报告|年报|工作报告|情况报告|年度工作")
_DISCLOSURE = re.compile(r"政府信息公开|政务公开|信息公开")
_INTRO_START = re.compile(r"^(根据|依据|按照|本报告|为了|为贯彻|为进一步|现将|现就|现予|特向|特此|《)")
# 2022年, 2022年度, and in Chinese numerals 二〇二二年 (some titles are set that way).
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2}|[一二][〇○零Ｏ一二三四五六七八九]{3})\s*年度?")
_CHINESE_DIGITS = str.maketrans("〇○零Ｏ一二三四五六七八九", "000012345678" + "9")
# 自2022年1月1日起至2022年12月31日止, 2022年1月1日至12月31日
_STAT_PERIOD = re.compile(r"((?:19|20)\d{2})年1月1日(?:起)?\s*[至到—\-－~]+\s*(?:(?:19|20)\d{2}年)?12月31日")
_ANY_YEAR = re.compile(r"((?:19|20)\d{2})年")
_AGENCY_SUFFIXES = (
    "人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管理局"  # fmt: skip
    "|局|厅|委|办|中心|院|所|站|队|处|会|馆|署|总局|集团|公司"
)
_AGENCY_SUFFIX = re.compile(f"({_AGENCY_SUFFIXES})$")
_TOWNSHIP = re.compile(r"(乡|镇|街道|街道办事处|苏木)$")
_GOVERNMENT = re.compile(r"(人民)?政府(办公室|办公厅)?$")  # 下湿壕镇政府 is written without 人民 too


def _lines(preamble: str) -> list[str]:
    """The preamble's non-blank lines, stripped."""
    return [ln.strip() for ln in preamble.split("\n") if ln.strip()]


def title_lines(preamble: str) -> list[str]:
    """The lines of the title block: short lines at the top, up to the one naming the report. A crawled
    page's furniture (breadcrumb, date and source) ends what stood above it (the site's name), and may
    have the title glued at its end."""
    block: list[str] = []
    for line in _title_start(_lines(preamble)[:12])[:8]:
        if _is_furniture(line):
            tail = _title_after_chrome(line, preamble) if _REPORT_WORDS.search(line) else None
            if tail:
                return [tail]
            block = []
            continue
        if "\t" in line or _INTRO_START.match(line) or line.endswith("。") or len(line) > 60:
            break
        block.append(line)
        if _REPORT_WORDS.search(line):
            return block
    return block if any(_DISCLOSURE.search(b) for b in block) else block[:1]


# Lines a converter or a crawler leaves above the title: 正文, the column's name, a breadcrumb, the
# page's date, source and hit count, its print and close buttons.
_BEFORE_TITLE = re.compile(
    r"^(?:正文|全文|原文|附件\d*|首页.*|当前位置.*|您当前的位置.*|您的位置.*|所在位置.*"
    r"|.{0,16}(?:专栏|栏目|频道|网站|门户))$"
)
_BREADCRUMB = re.compile(r"[>»›→].*[>»›→]")
# A page title's site name after the report's: …年度报告_盐池县人民政府, …年度报告 - 某某市人民政府门户网站.
_SITE_SUFFIX = re.compile(r"(?<=报告|年报)\s*[_|｜\-—–]+\s*[^_|｜]{2,30}$")
# Before the report's name: a line ending in 关于印发 (…关于印发《X年度报告》的通知), or the name's own
# first half.
_CONTINUED = re.compile(r"(?:关于|印发|公布|发布|的)$")


def _is_furniture(line: str) -> bool:
    return bool(_BEFORE_TITLE.match(line) or _BREADCRUMB.search(line) or PAGE_FIELDS.search(line))


def _title_start(lines: list[str]) -> list[str]:
    """The title block without the page furniture above it, when a line naming the report follows.
    A crawled page's furniture may stand between lines above the title (the site's name, then a
    breadcrumb): when the line naming the report names its publisher too, the block starts there."""
    naming = next((k for k, ln in enumerate(lines[:8]) if _is_title_line(ln)), None)
    if naming is None:
        return lines
    last = max((k for k in range(naming) if _is_furniture(lines[k])), default=-1)
    above = lines[last + 1 : naming]  # what stood above the page's furniture is the site's
    title = _SITE_SUFFIX.sub("", lines[naming])
    if not above and naming and not _names_itself(title) and (m := _CJK_TAIL.search(lines[naming - 1])):
        # The title's first line glued to the furniture before it (…发布日期：2024-03-10松潘县人民政府)
        name = _furniture_cut(m.group(), "\n".join(lines[naming + 1 :]))
        above = [name] if _AGENCY_SUFFIX.search(name) or _GOVERNMENT.search(name) else []
    if above and len(above) < naming and _names_itself(title) and not _CONTINUED.search(above[-1]):
        above = []
    return above + [title] + lines[naming + 1 :]


def _is_title_line(line: str) -> bool:
    return (
        _REPORT_WORDS.search(line) is not None
        and not _is_furniture(line)
        and not _INTRO_START.match(line)
        and not line.endswith("。")
        and len(line) <= 60
    )


def _names_itself(title: str) -> bool:
    """True when a title line holds its publisher's name (before or after its year) and starts no quote."""
    m = _YEAR_IN_TITLE.search(title)
    if not m or title.startswith(("《", "关于")):
        return False
    return bool(_title_name(title[: m.start()]) or _title_name(title[m.end() :]))


# The title at the end of a long line, after the page's furniture (…浏览次数：123盐池县人民政府办公室2020年
# 政府信息公开年度报告): CJK and a year, from after the last digit, bracket or separator.
_TITLE_TAIL = re.compile(r"(?:[\u4e00-\u9fff（）()《》〔〕·]|(?:19|20)\d{2}(?=年))+$")
_CJK_TAIL = re.compile(r"[\u4e00-\u9fff（）()]+$")
# Where one name ends and the next begins: 政府办公室|松潘县人民政府 (an agency's word, then a place).
_PLACE = r"[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|县|区|旗|州|盟|镇|乡|街道)"
_PLACE_START = re.compile(_PLACE)
_NAME_JOIN = re.compile(rf"(?:{_AGENCY_SUFFIXES})(?={_PLACE})")


def _title_after_chrome(line: str, preamble: str) -> str | None:
    """The title glued after a crawled page's furniture."""
    if not (PAGE_FIELDS.search(line) or _BREADCRUMB.search(line)):
        return None
    m = _TITLE_TAIL.search(_SITE_SUFFIX.sub("", line))
    tail = m.group() if m else ""
    year = _YEAR_IN_TITLE.search(tail)
    if not (8 <= len(tail) <= 80 and _DISCLOSURE.search(tail) and year):
        return None
    rest = preamble[preamble.find(line) + len(line) :]
    tail = _furniture_cut(tail[: year.start()], rest) + tail[year.start() :]
    return tail if len(tail) <= 60 else None


def _furniture_cut(name: str, rest: str) -> str:
    """A name at the end of a page's furniture that may end in words too (发文机关：政府办公室|松潘县人民政府):
    from where its longest end that the text after it prints again begins (the introduction names the
    publisher; an end that starts with a place name), else after the last agency word that a place name
    follows."""
    found = next((k for k in range(len(name) - 2) if _PLACE_START.match(name, k) and name[k:] in rest), None)
    if found is not None:
        return name[found:]
    joins = [m.end() for m in _NAME_JOIN.finditer(name)]
    return name[joins[-1] :] if joins else name


# A report without a title block names itself in its first sentence: 根据…，现公布通榆县人民政府办公室
# 政府信息公开工作年度报告。 / 现将本县2023年政府信息公开工作年度报告公布如下。
_NAME = (
    r"[^\s。，,；;：:！？（）()“”《》]{2,40}?(?:政府信息公开|政务公开|信息公开)"
    r"[^\s。，,；;：:]{0,12}?(?:年度报告|年报)"
)
_ANNOUNCED = re.compile(
    rf"现(?:予以|予|正式)?(?:公布|发布|公开)《?(?P<a>{_NAME})|现将《?(?P<b>{_NAME})》?(?:予以)?(?:公布|发布|公开)"
)
_SELF_REFERENCE = re.compile(r"^(?:本|我|该)")


def parse_title(preamble: str) -> str | None:
    """The title block's lines, joined; without a title block, the name the first sentences announce."""
    block = title_lines(preamble)
    if block:
        return re.sub(r"\s+", "", "".join(block))
    m = _ANNOUNCED.search(preamble, 0, 600)
    name = m and (m.group("a") or m.group("b"))
    return name if name and not _SELF_REFERENCE.match(name) else None


def parse_year(title: str | None, text: str) -> int | None:
    """The reporting year: from the title, else the statistics period, else the commonest year."""
    if title:
        m = _YEAR_IN_TITLE.search(title)
        year = int(m.group(1).translate(_CHINESE_DIGITS)) if m else 0
        if 1990 <= year <= 2100:
            return year
    m = _STAT_PERIOD.search(text)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _ANY_YEAR.findall(text[:5000]) if 1990 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def parse_publisher(title: str | None, preamble: str) -> str | None:
    """The issuing body: the name before the year in the title, or the region's 人民政府."""
    if not title:
        return None
    title = _NOTICE.sub("", title)  # …关于印发《X2022年…年度报告》的通知: the report is X's
    m = _YEAR_IN_TITLE.search(title)
    head = _title_name(title[: m.start()] if m else title)
    if not head and m:  # 2022年上海市政府信息公开工作年度报告: the name follows the year
        head = _title_name(title[m.end() :])
        head = "" if _SELF_REFERENCE.match(head) or head.startswith("全") else head  # 本局, 全市: no name
    if not head:
        return _publisher_line(preamble) or _publisher_from_intro(preamble)
    if _AGENCY_SUFFIX.search(head):
        return head
    if re.search(r"(省|自治区|市|县|区|旗|州|盟|乡|镇)$", head):
        return head + "人民政府"
    return head


_NOTICE = re.compile(r"^.*?关于(?:印发|公布|发布|公开)《?|》?的通知$")
# Where the name in a title ends: 固阳县教育局|政府信息公开…, 固阳县人民政府|信息公开… (its 政府 stays).
_DISCLOSURE_START = re.compile(r"(?<=人民政府)信息公开|(?<!人民)政府信息公开|政务公开|信息公开")


def _title_name(part: str) -> str:
    """The name in a part of a title: up to the disclosure words, without 关于 and separators."""
    m = _DISCLOSURE_START.search(part)
    name = (part[: m.start()] if m else part).strip("：: ")
    return name.removeprefix("关于").removesuffix("关于")


# 由保康县农业农村局编制 / 由区人民政府信息公开办负责编制 / 晋安区人民政府办公室编制 (由 is not part of it).
_COMPILER = rf"([\u4e00-\u9fff（）()]{{2,30}}?(?:{_AGENCY_SUFFIXES}))(?:负责|统一|组织)?(?:编制|汇总|制作|发布)"
_COMPILED_BY = (re.compile("(?:由|经)" + _COMPILER), re.compile(_COMPILER))


_NAME_LINE = re.compile(r"[\u4e00-\u9fff（）()]{4,30}")


def _publisher_line(preamble: str) -> str | None:
    """An agency's name on a line of its own near the title (2022年政府信息公开工作年度报告 /
    桃江县松木塘镇人民政府), or a place's (城子河区: its 人民政府, as when the name heads the title)."""
    lines = _lines(preamble)[:5]
    for k, line in enumerate(lines[:4]):
        if _NAME_LINE.fullmatch(line) and not _REPORT_WORDS.search(line) and not _SELF_REFERENCE.match(line):
            if _AGENCY_SUFFIX.search(line) or _GOVERNMENT.search(line):
                return line
            following = lines[k + 1] if k + 1 < len(lines) else ""
            place = _PLACE_NAME.fullmatch(line) and not _ZONE.search(line)
            if len(line) <= 16 and place and not _AGENCY_SUFFIX.search(following):
                return line + "人民政府"  # not 黑龙江省 / 交通运输厅: a department's name over two lines
    return None


# A county's or a city's name (城子河区, 松潘县), not a zone's (开发区, 新区, 保护区, 社区).
_PLACE_NAME = re.compile("[\u4e00-\u9fff]{1,14}(?:市|县|区|旗)")
_ZONE = re.compile("(?:开发|新|园|保护|社|景|示范|高新|试验|功能)区$")


def _publisher_from_intro(preamble: str) -> str | None:
    for pattern in _COMPILED_BY:
        m = pattern.search(preamble)
        if m and not _SELF_REFERENCE.match(m.group(1)):
            return m.group(1)
    return None


def publisher_level(publisher: str | None, region_level: str | None) -> str | None:
    """province / city / county for a government or its general office, department, or township."""
    if not publisher:
        return region_level
    if _TOWNSHIP.search(_GOVERNMENT.sub("", publisher)):
        return "township"
    if _GOVERNMENT.search(publisher):
        return region_level
    return "department"
