"""Synthetic corpus of annual reports for benchmarks, recombined from the samples in ``data/reports``.

    python bench/generate.py --n 10000 --seed 7 --out bench/out/corpus-10k

Each sample is split into its parts with the project's own parser. Every generated report draws a real
publisher from ``data/gazetteer/divisions.csv`` (a government, one of its departments or a township),
recombines intro, overview, problem and closing paragraphs with the samples' place names swapped for its
own and the numbers in the prose redrawn, adds sentences from the lists below so that practices and
citations vary across regions and years, and prints the three statistics tables with new numbers that
satisfy the tables' identities. About 5 % of reports carry a deliberate inconsistency and 3 % a dropped
cell, as real extractions do; about 3 % are free-form reports from before 2019 without tables.

No two reports share a publisher (as the parser reads the title) and a year: the project takes such files
for versions of one report.

    python bench/generate.py --copies --n 2000 --seed 7 --out bench/out/copies-2k

writes a corpus for copy detection (内容雷同) instead: the prose of sections 一, 二, 五 and 六 is random words
from jieba's dictionary around a few template sentences every report shares, about 10 % of reports copy one
such section from another report (the same publisher's previous year or another publisher's) and about 5 %
take 30–50 % of one from another as near misses; ``copies_truth.csv`` lists every planted pair.

Output is deterministic for a given ``n`` and ``seed``. ``generate`` and ``generate_reports`` stream.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from indexer.model import REVIEW_BLOCKS, REVIEW_FIELDS
from indexer.parse import parse_file
from indexer.parse.cells import parse_number
from indexer.parse.metadata import parse_publisher, title_lines
from indexer.parse.tables import PROACTIVE_2019, REQUEST_ROWS_2019, REQUEST_ROWS_2021
from indexer.paths import data_dir

FILES_PER_FOLDER = 1000
MANIFEST_COLUMNS = ("file", "title", "province", "city", "county", "year", "template", "injected_inconsistency")
INCONSISTENCY_RATE = 0.05
DROPPED_CELL_RATE = 0.03
# Kinds recorded in ``injected_inconsistency``; "dropped_cell" is the extraction flaw, the others break a rule.
INCONSISTENCIES = ("total_row", "balance", "row_sum", "review_sum")
DROPPED_CELL = "dropped_cell"
# How a generated series breaks from one year to the next: 上年结转 that is not last year's 结转下年度, or a
# stock (现行有效 in 2021, 上一年项目数量 in 2019) that last year's figures do not make.
CROSS_YEAR_BREAKS = ("carry_over", "stock")
COPIES_COLUMNS = ("source", "target", "section", "relation", "copied")
COPY_RATE = 0.10
NEAR_MISS_RATE = 0.05
# Sections whose prose the copies corpus makes unique per report, and that can carry a planted copy.
PLANTED_KINDS = ("overview", "proactive", "problems", "other")


@dataclass(frozen=True)
class GeneratedReport:
    """One synthetic report and what it was generated with.

    ``tables`` holds the values the tables print (after any injected inconsistency), keyed like the parser's
    model: ``proactive`` {row: {field: value}}, ``requests`` {row: [7 values]}, ``review`` {block: {field:
    value}}; ``None`` for a free-form report. A dropped cell keeps its value here though the text omits it.
    """

    filename: str
    text: str
    title: str
    publisher: str
    province: str
    city: str
    county: str
    year: int
    template: str
    injected: str  # "" or one of INCONSISTENCIES or DROPPED_CELL
    tables: dict[str, Any] | None

    def manifest_row(self) -> dict[str, str | int]:
        return {
            "file": self.filename,
            "title": self.title,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "year": self.year,
            "template": self.template,
            "injected_inconsistency": self.injected,
        }


def generate(n: int, seed: int) -> Iterator[tuple[str, str]]:
    """(relative filename, text) of ``n`` synthetic reports, streamed."""
    for report in generate_reports(n, seed):
        yield report.filename, report.text


def generate_reports(n: int, seed: int) -> Iterator[GeneratedReport]:
    """``n`` synthetic reports with their metadata and table values, streamed.

    Publishers come one after another, each reporting for a run of consecutive years, so that the same
    region's practices and problems recur from year to year as they do in the real corpus.
    """
    pools = _pools()
    rng = random.Random(seed)
    last: dict[str, GeneratedReport] = {}  # publisher → its latest report, whose tables the next year continues
    for index, (publisher, year) in enumerate(islice(_publisher_years(rng), n)):
        before = last.get(publisher.name)
        previous = before.tables if before is not None and before.year == year - 1 else None
        report = _report(index, publisher, year, rng, pools, previous)
        last[publisher.name] = report
        yield report


def generate_unit_series(years: Iterable[int], seed: int, break_year: int | None = None,
                         break_kind: str = "carry_over") -> list[GeneratedReport]:  # fmt: skip
    """One unit's reports for consecutive ``years``, each year's tables continuing the year before's (上年结转
    from 结转下年度, 现行有效 and 项目数量 carried on), none with an inconsistency of its own; with
    ``break_year``, that year's report breaks the chain one way (``CROSS_YEAR_BREAKS``) while its own tables
    still add up."""
    if break_kind not in CROSS_YEAR_BREAKS:
        raise ValueError(f"break_kind: one of {', '.join(CROSS_YEAR_BREAKS)}")
    pools = _pools()
    rng = random.Random(seed)
    publisher = _publisher(rng)
    while publisher.level == "township" or publisher.size == 0:  # a unit that gets applications every year
        publisher = _publisher(rng)
    reports: list[GeneratedReport] = []
    for index, year in enumerate(years):
        previous = reports[-1].tables if reports and reports[-1].year == year - 1 else None
        report = _report(index, publisher, year, rng, pools, previous, clean=True,
                         broken=break_kind if year == break_year else None)  # fmt: skip
        reports.append(report)
    return reports


def write_corpus(n: int, seed: int, out: Path) -> int:
    """Write ``n`` reports under ``out`` (folders of FILES_PER_FOLDER) and ``manifest.csv``; bytes written."""
    return _write_reports(generate_reports(n, seed), out)


def _write_reports(reports: Iterable[GeneratedReport], out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        manifest = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        manifest.writeheader()
        for report in reports:
            path = out / report.filename
            path.parent.mkdir(exist_ok=True)
            data = report.text.encode("utf-8")
            path.write_bytes(data)
            written += len(data)
            manifest.writerow(report.manifest_row())
    return written


@dataclass(frozen=True)
class PlantedCopy:
    """A section of ``target`` planted from the same section of ``source`` (files relative to the corpus).

    ``relation``: "previous" (the same publisher's previous year) or "other" (another publisher, same or an
    earlier year). ``copied``: a copy (≥ 90 % of the sentences verbatim, similarity ≥ 0.8 expected) or a near
    miss that takes 30–50 % of its sentences from the source (similarity ≤ 0.6 expected).
    """

    source: str
    target: str
    section: str  # one of PLANTED_KINDS
    relation: str
    copied: bool

    def truth_row(self) -> dict[str, str]:
        return {
            "source": self.source,
            "target": self.target,
            "section": self.section,
            "relation": self.relation,
            "copied": "true" if self.copied else "false",
        }


def generate_copies_corpus(n: int, seed: int) -> tuple[list[GeneratedReport], list[PlantedCopy]]:
    """``n`` reports (2019 or later) whose prose sections are unique but for the planted copies, and the plants."""
    reports, plants = _copies_corpus(n, seed)
    return list(reports), plants


def write_copies_corpus(n: int, seed: int, out: Path) -> int:
    """Write the copies corpus as ``write_corpus`` writes reports, plus ``copies_truth.csv``; bytes written."""
    reports, plants = _copies_corpus(n, seed)
    written = _write_reports(reports, out)
    with (out / "copies_truth.csv").open("w", encoding="utf-8", newline="") as handle:
        truth = csv.DictWriter(handle, fieldnames=COPIES_COLUMNS)
        truth.writeheader()
        truth.writerows(plant.truth_row() for plant in plants)
    return written


# ---------------------------------------------------------------- gazetteer and publishers


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    level: str
    province: str
    city: str
    short: str


@dataclass(frozen=True)
class _Gazetteer:
    units: dict[str, list[_Unit]]  # by level
    by_name: dict[tuple[str, str, str], _Unit]  # (level, name, province)
    ambiguous: frozenset[str]  # names borne by more than one unit, counting former names


@cache
def _gazetteer() -> _Gazetteer:
    with (data_dir() / "gazetteer" / "divisions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units: dict[str, list[_Unit]] = {"province": [], "city": [], "county": []}
    by_name: dict[tuple[str, str, str], _Unit] = {}
    counts: dict[str, int] = {}
    for row in rows:
        short = row["short"].split(";")[0]
        unit = _Unit(row["code"], row["name"], row["level"], row["province"], row["city"], short)
        units[unit.level].append(unit)
        by_name[(unit.level, unit.name, unit.province)] = unit
        counts[unit.name] = counts.get(unit.name, 0) + 1
    renamed = data_dir() / "gazetteer" / "renamed.csv"
    if renamed.is_file():  # a former name still in use elsewhere makes the current one ambiguous too
        with renamed.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                counts[row["old_name"]] = counts.get(row["old_name"], 0) + 1
    return _Gazetteer(units, by_name, frozenset(name for name, count in counts.items() if count > 1))


_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
_COUNTY_DEPARTMENTS = (
    "教育体育局", "教育局", "财政局", "卫生健康局", "自然资源局", "住房和城乡建设局", "交通运输局", "农业农村局",
    "水务局", "民政局", "人力资源和社会保障局", "市场监督管理局", "应急管理局", "司法局", "文化旅游体育局",
    "发展和改革局", "统计局", "审计局", "医疗保障局", "退役军人事务局", "林业和草原局", "城市管理综合执法局",
)  # fmt: skip
_CITY_DEPARTMENTS = (
    "财政局", "教育局", "卫生健康委员会", "生态环境局", "自然资源和规划局", "住房和城乡建设局", "交通运输局",
    "公安局", "民政局", "人力资源和社会保障局", "发展和改革委员会", "市场监督管理局", "城市管理局", "商务局",
    "农业农村局", "审计局", "司法局", "应急管理局",
)  # fmt: skip
_PROVINCE_DEPARTMENTS = (
    "财政厅", "教育厅", "卫生健康委员会", "自然资源厅", "住房和城乡建设厅", "交通运输厅", "民政厅", "司法厅",
    "人力资源和社会保障厅", "发展和改革委员会", "生态环境厅", "农业农村厅", "水利厅", "商务厅", "市场监督管理局",
)  # fmt: skip
_TOWNSHIPS = (
    "城关镇", "新华镇", "永安镇", "太平镇", "和平乡", "红星乡", "石桥镇", "三合镇", "新集镇", "马家镇", "高桥镇",
    "龙泉镇", "柳树乡", "黄庄镇", "兴隆镇", "大营乡", "王家庄乡", "双河镇", "青龙镇", "白马乡", "长乐镇", "东升镇",
    "西河乡", "南湖镇", "北关镇", "金鸡乡", "杨柳镇", "古城镇", "新店镇", "李家镇",
)  # fmt: skip


@dataclass(frozen=True)
class _Publisher:
    title_head: str  # what the title prints before the year
    name: str  # the issuing body, as the prose names it
    province: str
    city: str
    county: str
    level: str  # province / city / county / department / township
    names: dict[str, str]  # place slots of the pooled prose -> this publisher's names
    size: int  # 0 none … 3 large: how many applications and cases it handles
    practices: tuple[int, ...]  # indexes into _PRACTICES it tends to report
    problems: tuple[int, ...]  # indexes into _PROBLEMS it tends to admit
    cell_layout: float  # chance its tables come one cell per line (Word/PDF extraction)
    heading_style: int


def _publisher(rng: random.Random) -> _Publisher:
    gaz = _gazetteer()
    roll = rng.random()
    if roll < 0.58:
        level, kind = "county", "government"
    elif roll < 0.69:
        level, kind = "city", "government"
    elif roll < 0.71:
        level, kind = "province", "government"
    elif roll < 0.85:
        level, kind = "county", "department"
    elif roll < 0.91:
        level, kind = "city", "department"
    elif roll < 0.93:
        level, kind = "province", "department"
    else:
        level, kind = "county", "township"
    unit = rng.choice(gaz.units[level])
    region = _region_label(unit, gaz, rng)
    if kind == "government":
        office = "人民政府办公厅" if level == "province" else "人民政府办公室"
        suffix = rng.choices(("", "人民政府", office), (25, 45, 30))[0]
        name = region + (suffix or "人民政府")
    elif kind == "department":
        if level == "county":
            suffix = rng.choice(_COUNTY_DEPARTMENTS)
        elif level == "city" or unit.name in _MUNICIPALITIES:
            suffix = rng.choice(_CITY_DEPARTMENTS)
        else:
            suffix = rng.choice(_PROVINCE_DEPARTMENTS)
        name = region + suffix
    else:
        suffix = rng.choice(_TOWNSHIPS) + "人民政府"
        name = region + suffix
    province, city, county = _manifest_region(unit)
    size_weights = {
        "government": {"county": (25, 50, 20, 5), "city": (5, 30, 45, 20), "province": (0, 20, 50, 30)}[level],
        "department": (45, 45, 10, 0),
        "township": (60, 40, 0, 0),
    }[kind]
    return _Publisher(
        title_head=region + suffix,
        name=name,
        province=province,
        city=city,
        county=county,
        level=level if kind == "government" else kind,
        names=_place_names(unit, gaz, rng),
        size=rng.choices(range(4), size_weights)[0],
        practices=tuple(rng.sample(range(len(_PRACTICES)), rng.randint(4, 9))),
        problems=tuple(rng.sample(range(len(_PROBLEMS)), rng.randint(2, 4))),
        cell_layout=rng.choice((0.02, 0.05, 0.1, 0.5)),
        heading_style=rng.choices(range(len(_NUMBERING)), (82, 8, 4, 3, 3))[0],
    )


def _region_label(unit: _Unit, gaz: _Gazetteer, rng: random.Random) -> str:
    """The unit's name as a title prints it: with its city (or province) in front when the name is shared."""
    if unit.level == "county":
        parent = unit.city or unit.province
        if unit.name in gaz.ambiguous or rng.random() < 0.2:
            return parent + unit.name
    elif unit.level == "city" and unit.name in gaz.ambiguous:
        return unit.province + unit.name
    return unit.name


def _manifest_region(unit: _Unit) -> tuple[str, str, str]:
    if unit.level == "province":
        return unit.name, "", ""
    if unit.level == "city":
        return unit.province, unit.name, ""
    return unit.province, unit.city, unit.name


def _short(name: str) -> str:
    """A short form for names without one in the gazetteer: the name without its last character."""
    return name[:-1] if len(name) > 2 else name


def _place_names(unit: _Unit, gaz: _Gazetteer, rng: random.Random) -> dict[str, str]:
    """What each place slot of the pooled prose becomes for this unit (a county, city or province)."""
    province = gaz.by_name[("province", unit.province, unit.province)]
    city = gaz.by_name.get(("city", unit.city, unit.province)) if unit.level == "county" and unit.city else None
    own_short = unit.short or _short(unit.name)
    if unit.level == "county":
        parent = city or province
        city_name, city_short = parent.name, parent.short or _short(parent.name)
        county_city = city_name + unit.name
    else:
        city_name, city_short = unit.name, own_short
        county_city = unit.name
    if province.name.endswith("自治区"):
        province_word = "自治区"
    elif province.name in _MUNICIPALITIES:
        province_word = "市"
    else:
        province_word = "省"
    return {
        "province": province.name,
        "province_short": province.short,
        "province_word": province_word,
        "city": city_name,
        "city_short": city_short,
        "county": unit.name,
        "county_short": own_short,
        "city_county": county_city,
        "kind": unit.name[-1],  # 县, 区, 市, 旗, 州, 省: what 我县 and 全县 become
        "web": f"www.gk{unit.code}.gov.cn",
        "mail": f"zwgk{unit.code}@163.com",
        "phone": f"0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}",
        "doc_prefix": own_short[0] if rng.random() < 0.6 else own_short,
    }


def _publisher_years(rng: random.Random) -> Iterator[tuple[_Publisher, int]]:
    """Publishers and the years they report for, endless; a year its publisher already reported for is skipped.

    Two draws can name the same publisher: the same unit (and department) again, or 明光市 and 明光市人民政府.
    """
    reported: set[tuple[str, int]] = set()
    while True:
        publisher = _publisher(rng)
        for year in _years(rng):
            key = (_parsed_publisher(publisher, year), year)
            if key not in reported:
                reported.add(key)
                yield publisher, year


def _title(publisher: _Publisher, year: int) -> str:
    return f"{publisher.title_head}{year}年政府信息公开工作年度报告"


def _parsed_publisher(publisher: _Publisher, year: int) -> str:
    """The publisher as the parser reads it from the title: a bare region becomes its 人民政府."""
    return parse_publisher(_title(publisher, year), "") or publisher.name


def _years(rng: random.Random) -> list[int]:
    """A run of consecutive years within 2019–2024, now and then after one or two years of the old format."""
    length = rng.choices(range(1, 7), (1, 1, 1, 1, 1, 3))[0]
    start = rng.randint(2019, 2025 - length)  # runs never cut at 2024, so every year is about as common
    years = list(range(start, start + length))
    if rng.random() < 0.085:
        years = sorted(rng.sample(range(2015, 2019), rng.randint(1, 2))) + years
    return years


# ---------------------------------------------------------------- pooled prose from the samples

# The samples' place names, longest first so a name is never cut short; each becomes a slot of the pool.
_SAMPLE_PLACES = {
    "宁夏回族自治区": "province", "甘肃省": "province", "自治区": "province_word",
    "吴忠市": "city", "中卫市": "city", "固原市": "city", "银川市": "city", "庆阳市": "city",
    "盐池县": "county", "中宁县": "county", "原州区": "county", "西夏区": "county", "合水县": "county",
    "宁夏": "province_short", "甘肃": "province_short",
    "吴忠": "city_short", "中卫": "city_short", "固原": "city_short", "银川": "city_short", "庆阳": "city_short",
    "盐池": "county_short", "中宁": "county_short", "原州": "county_short", "西夏": "county_short",
    "合水": "county_short",
}  # fmt: skip
# Words naming the sample's own county by its kind (我县, 全县): the 县 becomes the publisher's 区, 市, 旗 …
_KIND_WORDS = (
    "我县", "全县", "县委", "县政府", "县人民政府", "县本级", "县级", "县长", "县常务", "县领导", "县域",
    "县融媒体", "县直",
)  # fmt: skip
_UNITS = "万件|万条|万元|万人次|万份|人次|件|条|个|次|项|期|份|册|人|名|家|篇|卷|盒|页|起|批|场|所|台|户|栏|天"
_TOKEN = re.compile(
    r"(?P<web>(?:https?://)?www\.[A-Za-z0-9.\-]+/?)"
    r"|(?P<mail>[A-Za-z0-9_.]+@[A-Za-z0-9.]+\.(?:com|cn|net))"
    r"|(?P<phone>0\d{2,3}[—\-－]\d{7,8})"
    rf"|(?P<place>{'|'.join(sorted(_SAMPLE_PLACES, key=len, reverse=True))})"
    rf"|(?P<kind>{'|'.join(sorted(_KIND_WORDS, key=len, reverse=True))})"
    r"|(?P<doc_prefix>[\u4e00-\u9fff]{1,2})(?=政办发〔)"  # 盐政办发〔2020〕43号: the issuer's one-character short form
    r"|(?P<year>(?<!\d)(?:19|20)\d{2}(?=\s*年|〕))"
    rf"|(?P<num>(?<![\d.])\d+(?:\.\d+)?(?=\s*(?:余|多)?\s*(?:{_UNITS})))"
)
# Where the prose states the number of applications (the parser compares it with the table's 新收).
_APPLICATIONS = re.compile(
    r"(?:收到和处理|收到并处理|受理和处理|收到|受理|接收|办理|处理)[^。；，,]{0,14}?(?:政府信息公开|信息公开|依申请公开)"
    r"[^。；，,\d]{0,8}?申请[^。；，,\d]{0,6}?(?P<num>\d+)\s*件"
    r"|(?:政府信息公开|依申请公开)申请[^。；，,\d]{0,6}?(?P<num2>\d+)\s*件"
)
_NO_APPLICATIONS = re.compile(
    r"(?:未|没有)(?:收到|受理|接到|发生)[^。；，,]{0,8}(?:政府信息公开|依申请公开)[^。；，,]{0,4}申请"
)
# A printed rate: the paragraph's counts are scaled by a whole number so the rate stays right.
_RATE = re.compile(r"率[^。；，]{0,4}?\d+(?:\.\d+)?%")
_SUBSECTION_MARK = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


@dataclass(frozen=True)
class _Template:
    """A pooled paragraph as a ``str.format`` pattern whose fields are place, year and number slots."""

    pattern: str
    slots: tuple[tuple[Any, ...], ...]
    whole_scale: bool  # scale its numbers by a whole number (it prints a rate)
    no_applications: bool  # it says no applications were received

    def render(self, names: dict[str, str], year: int, applications: int, rng: random.Random) -> str:
        scale = rng.choice((1, 1, 2, 3)) if self.whole_scale else math.exp(rng.uniform(-0.7, 1.1))
        values: list[str] = []
        for slot in self.slots:
            kind = slot[0]
            if kind == "num":
                values.append(_scaled(slot[1], slot[2], scale))
            elif kind == "year":
                values.append(str(year + slot[1]))
            elif kind == "applications":
                values.append(str(applications))
            else:
                values.append(names[kind])
        return self.pattern.format(*values)


def _scaled(value: float, decimals: int, scale: float) -> str:
    # Flooring keeps parts ≤ their stated total, so the prose's breakdowns stay as true as the sample's.
    if decimals:
        step = 10**decimals
        return f"{math.floor(value * scale * step) / step:.{decimals}f}"
    scaled = math.floor(value * scale)
    return str(scaled if scaled or not value else 1)


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _template(text: str, sample_year: int) -> _Template:
    """Turn a sample paragraph into a template: its places, years, counts and contacts become slots."""
    applications = {m.start("num") if m.group("num") else m.start("num2") for m in _APPLICATIONS.finditer(text)}
    pieces: list[str] = []
    slots: list[tuple[Any, ...]] = []
    last = 0
    for m in _TOKEN.finditer(text):
        literal, kind, raw = text[last : m.start()], m.lastgroup, m.group()
        last = m.end()
        slot: tuple[Any, ...]
        if kind == "place":
            cited = raw == "自治区" and text[m.start() - 1 : m.start()] == "《"  # 《自治区2020年…要点》
            slot = ("province",) if cited else (_SAMPLE_PLACES[raw],)
            if slot == ("county",) and not literal and slots and slots[-1] == ("city",) and pieces[-1] == "{}":
                slots[-1] = ("city_county",)  # 银川市西夏区 is one name: a city publisher must not print 银川市银川市
                continue
        elif kind == "kind":
            cut = raw.index("县")
            literal, raw_after = literal + raw[:cut], raw[cut + 1 :]
            pieces += [_escape(literal), "{}", _escape(raw_after)]
            slots.append(("kind",))
            continue
        elif kind == "year":
            slot = ("year", int(raw) - sample_year)
        elif kind == "num" and m.start() in applications:
            slot = ("applications",)
        elif kind == "num":
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            slot = ("num", float(raw) if decimals else int(raw), decimals)
        else:
            slot = (str(kind),)
        pieces += [_escape(literal), "{}"]
        slots.append(slot)
    pieces.append(_escape(text[last:]))
    return _Template(
        "".join(pieces), tuple(slots), _RATE.search(text) is not None, _NO_APPLICATIONS.search(text) is not None
    )


@dataclass(frozen=True)
class _TableBlock:
    """A sample table's printed layout; ``lines`` hold ``None`` where a number stood."""

    lines: tuple[tuple[str | None, ...], ...]
    one_cell_per_line: bool


@dataclass(frozen=True)
class _Pools:
    intros: tuple[_Template, ...]
    leads: tuple[_Template, ...]  # section 一 paragraphs before its first subsection
    subsections: tuple[_Template, ...]  # section 一 subsections （一）…, each with its paragraphs
    problems: tuple[_Template, ...]  # section 五 paragraphs naming the problems
    transitions: tuple[_Template, ...]  # section 五 short paragraphs between problems and fixes
    fixes: tuple[_Template, ...]  # section 五 fixes, numbered （一）… or not
    closings: tuple[str, ...]  # section 六 texts
    application_notes: tuple[_Template, ...]  # prose before the applications table
    proactive_2019: tuple[_TableBlock, ...]  # whole 第二十条 tables in the 2019 template
    request_heads: tuple[_TableBlock, ...]  # applications table headers (column labels)
    review_heads: tuple[_TableBlock, ...]  # 复议/诉讼 table headers


_PROACTIVE_2019_CELLS = sum(len(fields) for _, _, fields in PROACTIVE_2019)


@cache
def _pools() -> _Pools:
    """Split every sample with the project's parser and pool its parts as templates."""
    parts: dict[str, list[Any]] = {key: [] for key in _Pools.__dataclass_fields__}
    for path in sorted((data_dir() / "reports").glob("*.txt")):
        report = parse_file(str(path))
        if report.year is None or not report.sections:
            continue
        text, year = report.text, report.year
        _pool_preamble(text[: report.sections[0].start], year, parts)
        for section in report.sections:
            body = text[section.start : section.end]
            if section.kind == "overview":
                first = section.subsections[0].start if section.subsections else section.end
                parts["leads"] += [_template(p.text, year) for p in section.paragraphs if p.end <= first]
                parts["subsections"] += [
                    _template(text[s.start : s.end].strip(), year) for s in section.subsections if s.end > s.start
                ]
            elif section.kind == "problems":
                _pool_problems([p.text for p in section.paragraphs], year, parts)
            elif section.kind == "other":
                parts["closings"] += [p.text for p in section.paragraphs]
            elif section.kind == "proactive":
                block = _table_block(body.split("\n", 1)[-1])
                if sum(cell is None for line in block.lines for cell in line) == _PROACTIVE_2019_CELLS:
                    parts["proactive_2019"].append(block)
            elif section.kind == "applications":
                _pool_requests(body, year, parts)
            elif section.kind == "review_litigation":
                head = _head_before_numbers(body.split("\n", 1)[-1])
                if "行政复议" in head and "复议后起诉" in head:
                    parts["review_heads"].append(_table_block(head))
    return _Pools(**{key: tuple(dict.fromkeys(values)) for key, values in parts.items()})


def _pool_preamble(head: str, year: int, parts: dict[str, list[Any]]) -> None:
    lines = [line.strip() for line in head.split("\n") if line.strip()]
    intro = lines[len(title_lines(head)) :]
    if intro:
        parts["intros"].append(_template("\n\n".join(intro), year))


def _pool_problems(paragraphs: list[str], year: int, parts: dict[str, list[Any]]) -> None:
    """The problems come first; then short transitions (what the publisher will do) and the fixes."""
    in_problems = True
    for i, text in enumerate(paragraphs):
        text = re.sub(r"^[（(][一二三四五六七八九十]+[）)]存在的(?:主要)?问题[。：:]?", "", text)
        turns_to_fixes = _SUBSECTION_MARK.match(text) or re.match(r"针对|下一步|为此|今后", text)
        names_problems = "一是" in text and re.search(r"不足|问题|差距|有待|不够", text[:80]) and not turns_to_fixes
        if in_problems and (i == 0 or names_problems):
            parts["problems"].append(_template(text, year))
            continue
        in_problems = False
        if not _SUBSECTION_MARK.match(text) and len(text) < 120 and "将" in text:
            parts["transitions"].append(_template(text, year))
        else:
            parts["fixes"].append(_template(text, year))


def _pool_requests(body: str, year: int, parts: dict[str, list[Any]]) -> None:
    lines = body.split("\n")[1:]
    start = next((i for i, line in enumerate(lines) if "勾稽" in line), None)
    if start is None:
        return
    notes = [line.strip() for line in lines[:start] if line.strip() and "\t" not in line]
    parts["application_notes"] += [_template(note, year) for note in notes]
    head = _head_before_numbers("\n".join(lines[start:]), stop="本年新收")
    compact = re.sub(r"\s+", "", head)
    if all(word in compact for word in ("自然人", "商业企业", "法律服务机构", "总计")):
        parts["request_heads"].append(_table_block(head))


def _head_before_numbers(region: str, stop: str | None = None) -> str:
    """The lines of a table before its first row of numbers (or before the line holding ``stop``)."""
    out: list[str] = []
    for line in region.split("\n"):
        if (stop and stop in line) or any(parse_number(f) is not None for f in line.split("\t")):
            break
        out.append(line)
    return "\n".join(out).strip("\n")


def _table_block(region: str) -> _TableBlock:
    lines = tuple(
        tuple(None if parse_number(f) is not None else f for f in line.split("\t"))
        for line in region.rstrip("\n").split("\n")
    )
    wide = sum(1 for line in lines if sum(1 for f in line if f is None or (f and f.strip())) >= 2)
    return _TableBlock(lines, one_cell_per_line=wide < 3)


# ---------------------------------------------------------------- sentences that vary the vocabulary

# Practices a publisher reports; fields: the names of _place_names, name, year, and random numbers a b c p.
_PRACTICES: tuple[str, ...] = (
    "常态化开展“政府开放日”活动，全年组织开放活动{c}场，邀请{b}名群众代表走进政府机关、参与政务体验。",
    "以“走进政府、了解政务”为主题举办政府开放日活动{c}次，现场解答群众咨询{a}人次。",
    "持续加强政务新媒体管理，全{kind}共有政务新媒体{a}个，形成以“{county_short}发布”为龙头的政务新媒体矩阵。",
    "对政务新媒体开展季度检查，关停整合更新不及时的账号{c}个，做到“应关尽关、应合尽合”。",
    "严格执行信息发布“三级审核”制度，坚持“先审后发”，全年未发生错发、误发信息情况。",
    "落实信息发布“三级审核”和保密审查机制，由经办人初审、科室负责人复审、分管领导终审。",
    "创新政策解读方式，采用图解、视频解读、H5等形式解读政策文件{a}件。",
    "围绕惠民惠企政策制作图解{a}期、视频解读{c}个，让政策“看得懂、用得上”。",
    "依托12345政务服务便民热线受理群众诉求{b}件，按时办结率{p}%。",
    "发挥12345热线“总客服”作用，对群众反映集中的问题及时回应关切。",
    "在{kind}政务服务中心设立政务公开专区，配备查阅终端{c}台，为群众提供政策查询、咨询等服务。",
    "规范政务公开专区建设，集中提供政策文件查阅、办事指南咨询等“一站式”服务。",
    "对照国务院部门制定的基层政务公开标准指引，编制完成{c}个领域基层政务公开标准目录，并在政府网站集中公开。",
    "全面推进基层政务公开标准化规范化，乡镇（街道）基层政务公开标准目录实现全覆盖。",
    "严格执行《{province}政府信息公开申请办理规范》，规范申请登记、审核、答复等环节。",
    "印发《{county}{year}年政务公开工作要点》（{doc_prefix}政办发〔{year}〕{a}号），明确{c}项重点任务。",
    "认真落实《{province}{year}年政务公开工作要点》和《{city}{year}年政务公开工作要点》部署要求。",
    "认真贯彻落实《中华人民共和国政府信息公开条例》，坚持“以公开为常态、不公开为例外”原则。",
    "严格落实《条例》第二十条规定，及时公开规范性文件、行政许可、行政处罚等信息。",
    "举办政务公开业务培训{c}期，培训政务公开工作人员{b}人次。",
    "将政务公开工作纳入年度效能目标考核，分值权重不低于{c}%。",
    "开设“{county_short}政民互动”栏目，全年回复网民留言{b}条，答复率100%。",
    "按照《国务院办公厅关于印发{year}年政务公开工作要点的通知》要求，扎实推进重点领域信息公开。",
)
# Problems a publisher admits, each with its fix: (problem clause, fix heading, fix sentence).
_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("政策解读形式单一，图解、视频等多元化解读运用不够", "丰富解读形式",
     "综合运用图解、视频解读、新闻发布会等方式，提升政策解读的针对性和可读性。"),
    ("部分单位政务公开工作人员更换频繁，业务衔接不到位", "加强队伍建设",
     "明确专人负责政务公开工作，人员变动及时做好交接和备案，保持队伍相对稳定。"),
    ("政务新媒体存在“重建设、轻管理”现象，部分账号更新不及时", "规范新媒体管理",
     "严格落实政务新媒体开设、变更、关停备案制度，定期开展检查，杜绝“僵尸”“睡眠”账号。"),
    ("主动公开的广度和深度不够，部分重点领域信息公开不够及时", "深化重点领域公开",
     "聚焦财政预决算、重大建设项目、公共资源配置等重点领域，做到应公开尽公开。"),
    ("基层政务公开标准化规范化推进不平衡，乡镇（街道）公开质量参差不齐", "推进基层政务公开",
     "对照基层政务公开标准目录，加强对乡镇（街道）的业务指导，推动基层政务公开提质增效。"),
    ("依申请公开办理的规范性有待加强，答复文书格式不够统一", "规范依申请公开",
     "严格按照法定程序和时限办理政府信息公开申请，统一答复文书格式，提升答复质量。"),
    ("政府网站部分栏目更新不及时，存在内容空白现象", "加强网站管理",
     "建立网站栏目定期巡查机制，及时更新信息，确保栏目内容准确、完整。"),
    ("政民互动渠道作用发挥不充分，公众参与度不高", "拓宽互动渠道",
     "完善政府开放日、意见征集等制度，畅通政民互动渠道，提升公众参与度。"),
    ("业务培训力度不够，工作人员业务能力有待提升", "加强业务培训",
     "定期组织政务公开业务培训，以会代训、以训促学，提高工作人员业务能力。"),
    ("监督考核机制不够健全，督查整改不够及时", "强化监督考核",
     "将政务公开纳入年度考核，定期通报检查情况，督促问题整改到位。"),
)  # fmt: skip
_LEADS = (
    "{year}年，{name}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "深入推进决策、执行、管理、服务、结果“五公开”，政务公开工作取得新成效。",
    "{year}年，在{city}政务公开办的指导下，{name}紧紧围绕中心工作，不断提升政务公开质量和实效，"
    "切实保障人民群众的知情权、参与权、表达权和监督权。",
)
_INTROS = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{format_notice}要求，{name}编制本报告。"
    "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在{web}查阅和下载。"
    "如对本报告有任何疑问，请与{name}联系（电话：{phone}）。",
    "本报告依据《中华人民共和国政府信息公开条例》第五十条规定编制，全文包括总体情况、主动公开政府信息情况、"
    "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。",
)
_FORMAT_NOTICE = {
    "2019": "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
    "（国办公开办函〔2019〕60号）",
    "2021": "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
    "（国办公开办函〔2021〕30号）",
}
_TRANSITIONS = ("下一步，{name}将针对上述问题，重点做好以下工作：", "{next}年，我们将从以下几个方面加以改进：")
_CLOSINGS_2021 = (
    "本年度未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本机关{year}年度未发出收费通知，未收取信息处理费。",
    "{year}年，本机关办理人大代表建议{c}件、政协委员提案{a}件，均已按期办结并公开答复内容。",
)
_APPLICATION_NOTES = (
    "{year}年，{name}共收到政府信息公开申请{applications}件，均在法定期限内予以答复。",
    "严格按照法定程序和时限办理依申请公开事项，规范答复文书，做到件件有回音。",
)
# Heading numerals: 一、 一． 一. 第一部分 1、 (not "一 总体情况": normalization deletes that space, see README)
_NUMBERING = (
    lambda i: "一二三四五六"[i] + "、",
    lambda i: "一二三四五六"[i] + "．",
    lambda i: "一二三四五六"[i] + ".",
    lambda i: "第" + "一二三四五六"[i] + "部分 ",
    lambda i: str(i + 1) + "、",
)
# Heading wordings, most common first; the first of each is the one a heading without numeral can carry.
_HEADINGS = (
    ("总体情况",),
    ("主动公开政府信息情况", "主动公开政府信息的情况"),
    ("收到和处理政府信息公开申请情况", "依申请公开政府信息情况", "收到和处理政府信息公开申请的情况"),
    ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
     "政府信息公开行政复议和行政诉讼情况"),
    ("存在的主要问题及改进情况", "存在的主要问题和改进措施", "存在的主要问题及改进措施"),
    ("其他需要报告的事项", "其他需要报告的情况"),
)  # fmt: skip
# The 2008-format headings of free-form reports before 2019.
_OLD_HEADINGS = (
    "一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、政府信息公开工作存在的主要问题及改进措施",
    "七、其他需要报告的事项",
)  # fmt: skip


def _fill(template: str, values: dict[str, Any], rng: random.Random) -> str:
    numbers = {"a": rng.randint(2, 40), "b": rng.randint(10, 400), "c": rng.randint(2, 12), "p": rng.randint(90, 99)}
    return template.format(**values, **numbers)


# ---------------------------------------------------------------- tables

_OUTCOME_WEIGHTS = {
    "予以公开": 50, "部分公开": 8, "不予公开.国家秘密": 0.3, "不予公开.法律法规禁止": 0.5,
    "不予公开.三安全一稳定": 0.3, "不予公开.第三方合法权益": 1.5, "不予公开.内部事务": 1, "不予公开.过程性信息": 1.5,
    "不予公开.行政执法案卷": 0.8, "不予公开.行政查询事项": 1, "无法提供.不掌握": 20, "无法提供.需另行制作": 3,
    "无法提供.补正后仍不明确": 1.5, "不予处理.信访举报投诉": 2, "不予处理.重复申请": 2, "不予处理.公开出版物": 0.5,
    "不予处理.大量反复申请": 0.5, "不予处理.确认或重新出具": 0.5, "其他处理": 4, "其他处理.逾期不补正": 2.5,
    "其他处理.逾期未缴费": 0.2, "其他处理.其他": 1.5,
}  # fmt: skip
_APPLICANT_WEIGHTS = ((0.6, 1.0), (0.0, 0.35), (0.0, 0.02), (0.0, 0.05), (0.0, 0.08), (0.0, 0.1))


def _spread(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """``total`` items spread over len(weights) bins at random, in proportion to the weights."""
    counts = [0] * len(weights)
    if total:
        for k in rng.choices(range(len(weights)), weights, k=total):
            counts[k] += 1
    return counts


def _with_total(parts: list[int]) -> list[int]:
    return [*parts, sum(parts)]


def _requests_table(rng: random.Random, size: int, template: str) -> dict[str, list[int]]:
    """The applications table; every column balances and every total adds up."""
    rows = REQUEST_ROWS_2021 if template == "2021" else REQUEST_ROWS_2019
    outcomes = rows[2:-2]
    if size == 0 or rng.random() < 0.15:
        new_total = rng.choice((0, 0, 0, 1, 2))
    elif size == 1:
        new_total = rng.randint(1, 25)
    elif size == 2:
        new_total = rng.randint(10, 200)
    else:
        new_total = int(math.exp(rng.uniform(math.log(150), math.log(3000))))
    applicant = [rng.uniform(low, high) for low, high in _APPLICANT_WEIGHTS]
    new = _spread(rng, new_total, applicant)
    carried = _spread(rng, rng.randint(1, 1 + new_total // 8), applicant) if rng.random() < 0.3 else [0] * 6
    available = [a + b for a, b in zip(new, carried, strict=True)]
    carry_over = [rng.randint(0, max(1, a // 6)) if a else 0 for a in available] if rng.random() < 0.3 else [0] * 6
    weights = [_OUTCOME_WEIGHTS[row] * rng.uniform(0.2, 1.8) for row in outcomes]
    by_column = [_spread(rng, a - c, weights) for a, c in zip(available, carry_over, strict=True)]
    table = {"新收": _with_total(new), "上年结转": _with_total(carried)}
    for k, row in enumerate(outcomes):
        table[row] = _with_total([column[k] for column in by_column])
    table["总计"] = _with_total([a - c for a, c in zip(available, carry_over, strict=True)])
    table["结转下年度"] = _with_total(carry_over)
    return table


def _continue_requests(table: dict[str, list[int]], carried_in: list[int]) -> None:
    """Make this year's 上年结转 last year's 结转下年度, column by column: the difference is handled this year
    (added to 予以公开, or taken from this year's results, largest first, then from 结转下年度)."""
    rows = [row for row in table if row not in ("新收", "上年结转", "总计", "结转下年度")]
    for column in range(6):
        delta = carried_in[column] - table["上年结转"][column]
        table["上年结转"][column] = carried_in[column]
        if delta >= 0:
            table[rows[0]][column] += delta
            table["总计"][column] += delta
            continue
        owed = -delta
        for row in sorted(rows, key=lambda r: -table[r][column]):
            taken = min(owed, table[row][column])
            table[row][column] -= taken
            table["总计"][column] -= taken
            owed -= taken
        table["结转下年度"][column] -= owed  # new + carried can never fall below what is carried on
    for row in table.values():
        row[6] = sum(row[:6])


def _shift_carried(table: dict[str, list[int]], shift: int) -> None:
    """A 上年结转 that last year's report does not make, the report's own columns still balancing."""
    table["上年结转"][0] += shift
    table[[r for r in table if r not in ("新收", "上年结转")][0]][0] += shift
    table["总计"][0] += shift
    for row in table.values():
        row[6] = sum(row[:6])


def _continue_proactive(table: dict[str, dict[str, Any]], previous: dict[str, dict[str, Any]], template: str) -> None:
    """Carry last year's stock on: 现行有效 (2021) grows by 本年制发 less 本年废止; 上一年项目数量 (2019) is last
    year's plus its 本年增/减. Nothing carries over between the two templates."""
    if template == "2021" and "in_force" in previous.get("规章", {}):
        for row in ("规章", "行政规范性文件"):
            cells = table[row]
            cells["repealed"] = min(cells["repealed"], previous[row]["in_force"] + cells["issued"])
            cells["in_force"] = previous[row]["in_force"] + cells["issued"] - cells["repealed"]
    elif template == "2019" and "prev_items" in previous.get("行政许可", {}):
        for row, cells in table.items():
            if "prev_items" in cells and row in previous:
                cells["prev_items"] = previous[row]["prev_items"] + previous[row]["change"]
                cells["change"] = max(cells["change"], -cells["prev_items"])


def _review_table(rng: random.Random, size: int) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for block, chance in zip(REVIEW_BLOCKS, (0.12, 0.08, 0.04), strict=True):
        parts = [0, 0, 0, 0]
        if rng.random() < chance * (1 + size):
            parts = [rng.randint(0, 3), rng.choice((0, 0, 1)), rng.randint(0, 2), rng.randint(0, 2)]
        table[block] = dict(zip(REVIEW_FIELDS, _with_total(parts), strict=True))
    return table


def _count(rng: random.Random, top: float, zero: float) -> int:
    """A count between 0 and ``top``, log-uniform, 0 with chance ``zero``."""
    return 0 if rng.random() < zero else int(math.exp(rng.uniform(0, math.log(top + 1))))


def _amount(rng: random.Random, top: float) -> float:
    return float(f"{math.exp(rng.uniform(0, math.log(top))):.{rng.choice((0, 1, 2, 2, 4))}f}")


def _proactive_table(rng: random.Random, level: str, template: str) -> dict[str, dict[str, int | float]]:
    """The 第二十条 table, keyed like the parser's model."""
    zero = 0.6 if level in ("department", "township") else 0.1
    makes_rules = level in ("province", "city") and rng.random() < 0.7
    rules = _count(rng, 6, 0.3) if makes_rules else 0
    documents = _count(rng, 15, zero)
    if template == "2021":
        return {
            "规章": {"issued": rules, "repealed": _count(rng, 3, 0.6) if makes_rules else 0,
                     "in_force": rules + (_count(rng, 80, 0.1) if makes_rules else 0)},
            "行政规范性文件": {"issued": documents, "repealed": _count(rng, 6, 0.5),
                              "in_force": documents + _count(rng, 90, zero)},
            "行政许可": {"decisions": _count(rng, 60000, zero)},
            "行政处罚": {"decisions": _count(rng, 20000, zero)},
            "行政强制": {"decisions": _count(rng, 2000, zero + 0.2)},
            "行政事业性收费": {"amount_wan_yuan": _amount(rng, 50000) if rng.random() > zero else 0},
        }  # fmt: skip
    in_force = rules + (_count(rng, 80, 0.1) if makes_rules else 0)
    table: dict[str, dict[str, int | float]] = {
        "规章": {"new_made": rules, "new_published": rules, "total": in_force},
        "规范性文件": {"new_made": documents, "new_published": documents, "total": documents + _count(rng, 90, zero)},
    }
    for row, top in (("行政许可", 800), ("其他对外管理服务事项", 300), ("行政处罚", 3000), ("行政强制", 200)):
        previous = _count(rng, top, zero)
        table[row] = {
            "prev_items": previous,
            "change": rng.randint(-previous // 3, previous // 4 + 5) if rng.random() < 0.6 else 0,
            "decisions": _count(rng, top * 30, zero),
        }
    fees = _count(rng, 60, zero)
    table["行政事业性收费"] = {"prev_items": fees, "change": rng.randint(-min(fees, 8), 3) if fees else 0}
    items = _count(rng, 600, zero)
    table["政府集中采购"] = {"items": items, "amount_wan_yuan": _amount(rng, 80000) if items else 0}
    return table


_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class _Style:
    """How one report prints its numbers and tables."""

    cells: bool  # one cell per line (Word/PDF extraction) rather than tab-separated rows
    nested: bool  # row labels in hierarchy columns (三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密)
    sign: int  # 0: +118/-30  1: 118/-30  2: 118/减 30
    full_width: bool  # full-width digits ０１２
    amount_unit: str  # "" / "万元" / " 万元" after amounts

    def count(self, value: int) -> str:
        return str(value).translate(_FULL_WIDTH_DIGITS) if self.full_width else str(value)

    def number(self, value: int | float, field: str = "") -> str:
        if field == "change":
            text = (f"+{value}" if value > 0 and self.sign == 0 else str(value)) if value >= 0 else f"-{-value}"
            if value < 0 and self.sign == 2:
                text = f"减 {-value}"
        else:
            text = str(int(value)) if isinstance(value, float) and value == int(value) else str(value)
            if field == "amount_wan_yuan" and value:
                text += self.amount_unit
        return text.translate(_FULL_WIDTH_DIGITS) if self.full_width else text


def _layout(rows: list[list[str | None]], cells: bool) -> list[str]:
    """Rows of cells as tab-separated lines, or one cell per line with a blank line between rows.

    A ``None`` cell is dropped (the extraction lost it); an empty string is a blank cell.
    """
    if not cells:
        return ["\t".join(c for c in row if c is not None) for row in rows]
    out: list[str] = []
    for row in rows:
        out += ["\t" + c for c in row if c is not None]
        out.append("")
    return out


def _proactive_lines(table: dict[str, dict[str, int | float]], template: str, style: _Style, pools: _Pools,
                     rng: random.Random) -> list[str]:  # fmt: skip
    if template == "2019":
        blocks = [b for b in pools.proactive_2019 if b.one_cell_per_line == style.cells] or list(pools.proactive_2019)
        values = iter(style.number(table[key][f], f) for key, _, fields in PROACTIVE_2019 for f in fields)
        block = rng.choice(blocks)
        return ["\t".join(next(values) if c is None else c for c in line) for line in block.lines]
    rows: list[list[str | None]] = []
    for item, header, keys in (
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ("规章", "行政规范性文件")),
        ("第二十条第（五）项", ["本年处理决定数量"], ("行政许可",)),
        ("第二十条第（六）项", ["本年处理决定数量"], ("行政处罚", "行政强制")),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ("行政事业性收费",)),
    ):
        rows += [[item, *[""] * len(header)], ["信息内容", *header]]
        rows += [[key, *(style.number(v, f) for f, v in table[key].items())] for key in keys]
    return _layout(rows, style.cells)


_REQUEST_LABELS: dict[str, tuple[str, ...]] = {
    "新收": ("一、本年新收政府信息公开申请数量",),
    "上年结转": ("二、上年结转政府信息公开申请数量",),
    "予以公开": ("三、本年度办理结果", "（一）予以公开"),
    "部分公开": ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "不予公开.国家秘密": ("", "（三）不予公开", "1.属于国家秘密"),
    "不予公开.法律法规禁止": ("", "", "2.其他法律行政法规禁止公开"),
    "不予公开.三安全一稳定": ("", "", "3.危及“三安全一稳定”"),
    "不予公开.第三方合法权益": ("", "", "4.保护第三方合法权益"),
    "不予公开.内部事务": ("", "", "5.属于三类内部事务信息"),
    "不予公开.过程性信息": ("", "", "6.属于四类过程性信息"),
    "不予公开.行政执法案卷": ("", "", "7.属于行政执法案卷"),
    "不予公开.行政查询事项": ("", "", "8.属于行政查询事项"),
    "无法提供.不掌握": ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    "无法提供.需另行制作": ("", "", "2.没有现成信息需要另行制作"),
    "无法提供.补正后仍不明确": ("", "", "3.补正后申请内容仍不明确"),
    "不予处理.信访举报投诉": ("", "（五）不予处理", "1.信访举报投诉类申请"),
    "不予处理.重复申请": ("", "", "2.重复申请"),
    "不予处理.公开出版物": ("", "", "3.要求提供公开出版物"),
    "不予处理.大量反复申请": ("", "", "4.无正当理由大量反复申请"),
    "不予处理.确认或重新出具": ("", "", "5.要求行政机关确认或重新出具已获取信息"),
    "其他处理": ("", "（六）其他处理"),
    "其他处理.逾期不补正": ("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "其他处理.逾期未缴费": ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "其他处理.其他": ("", "", "3.其他"),
    "总计": ("", "（七）总计"),
    "结转下年度": ("四、结转下年度继续办理",),
}


@cache
def _request_labels(nested: bool, cells: bool) -> dict[str, tuple[str, ...]]:
    """Row label cells: the hierarchy columns (padded to a grid in tab layout), or the innermost label only."""
    if not nested:
        return {key: (next(x for x in reversed(labels) if x),) for key, labels in _REQUEST_LABELS.items()}
    width = 1 if cells else 3
    return {key: labels + ("",) * (width - len(labels)) for key, labels in _REQUEST_LABELS.items()}


def _requests_lines(table: dict[str, list[int]], style: _Style, pools: _Pools, rng: random.Random,
                    dropped: tuple[str, int, bool] | None) -> list[str]:  # fmt: skip
    """The applications table under a sample's header; ``dropped`` = (row, column, leave a blank field)."""
    heads = [b for b in pools.request_heads if b.one_cell_per_line == style.cells] or list(pools.request_heads)
    head = rng.choice(heads)
    labels = _request_labels(style.nested, style.cells)
    rows: list[list[str | None]] = []
    for key, values in table.items():
        cells: list[str | None] = [style.count(v) for v in values]
        if dropped and dropped[0] == key:
            cells[dropped[1]] = "" if dropped[2] else None
        rows.append([*labels[key], *cells])
    gap = [""] if style.cells else []  # one cell per line: a blank line ends the header as it ends every row
    return ["\t".join(c or "" for c in line) for line in head.lines] + gap + _layout(rows, style.cells)


def _review_lines(table: dict[str, dict[str, int]], style: _Style, pools: _Pools, rng: random.Random,
                  dropped: int | None) -> list[str]:  # fmt: skip
    heads = [b for b in pools.review_heads if b.one_cell_per_line == style.cells] or list(pools.review_heads)
    head = rng.choice(heads)
    cells: list[str | None] = [style.count(v) for block in table.values() for v in block.values()]
    if dropped is not None:
        cells[dropped] = None
    lines = ["\t".join(c or "" for c in line) for line in head.lines]
    if style.cells:
        return [*lines, "", *("\t" + c for c in cells if c is not None)]
    return [*lines, "\t".join(c for c in cells if c is not None)]


def _typo(value: int, shift: int) -> int:
    """``value`` misprinted: off by ``shift``, never negative, never unchanged."""
    return value + shift if value + shift >= 0 else value + 1


def _inject(kind: str, requests: dict[str, list[int]], review: dict[str, dict[str, int]],
            rng: random.Random) -> None:  # fmt: skip
    """Break one of the tables' rules the way a typo does."""
    column = rng.randrange(6)
    shift = rng.choice((-2, -1, 1, 1, 2, 3, 10))
    if kind == "review_sum":
        cells = review[rng.choice(REVIEW_BLOCKS)]
        cells["总计"] = _typo(cells["总计"], shift)
        return
    row = {"total_row": "总计", "balance": "结转下年度"}.get(kind) or rng.choice(list(requests)[2:-2])
    if kind == "row_sum":
        column = 6
    cells = requests[row]
    cells[column] = _typo(cells[column], shift)
    if kind != "row_sum" and rng.random() < 0.5:
        cells[6] = sum(cells[:6])  # the typist fixed up the row total too: only the column rules fail


# ---------------------------------------------------------------- one report

_ORDINALS = "一二三四五六七八九十"


def _renumber(text: str, number: int) -> str:
    """Give a pooled subsection its new place: （三） becomes （一）, keeping the bracket style."""
    mark = _SUBSECTION_MARK.match(text)
    if mark is None:
        return text
    left, right = ("(", ")") if mark.group().startswith("(") else ("（", "）")
    return f"{left}{_ORDINALS[number]}{right}" + text[mark.end() :]


def _headings(publisher: _Publisher, rng: random.Random) -> list[str]:
    style = publisher.heading_style if rng.random() < 0.95 else 0
    numbered = _NUMBERING[style]
    out = [numbered(i) + (w[0] if rng.random() < 0.75 else rng.choice(w)) for i, w in enumerate(_HEADINGS)]
    if rng.random() < 0.05:
        i = rng.randrange(6)
        out[i] += "："
    if rng.random() < 0.04:
        i = rng.randrange(6)
        out[i] = _HEADINGS[i][0]  # the numeral lost in extraction, as in the 合水县 sample
    return out


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _pdf_artifacts(block: str, rng: random.Random) -> str:
    """Spaces around numbers and a page number inside a sentence, as PDF text layers give them."""
    block = re.sub(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])", r" \1 ", block)
    cut = len(block) // 2
    if len(block) > 200 and _CJK.match(block[cut - 1]) and _CJK.match(block[cut]):
        block = f"{block[:cut]} - {rng.randint(2, 30)} - {block[cut:]}"
    return block


def _overview(publisher: _Publisher, values: dict[str, Any], applications: int, pools: _Pools,
              rng: random.Random) -> list[str]:  # fmt: skip
    """Section 一: a lead paragraph and 2–7 pooled subsections, with the publisher's own practices added."""
    year = values["year"]

    def usable(templates: tuple[_Template, ...]) -> list[_Template]:
        return [t for t in templates if not (t.no_applications and applications)]

    if rng.random() < 0.7 and pools.leads:
        lead = rng.choice(usable(pools.leads)).render(publisher.names, year, applications, rng)
    else:
        lead = rng.choice(_LEADS).format(**values)
    candidates = usable(pools.subsections)
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(2, 7)))
    subsections = [_renumber(t.render(publisher.names, year, applications, rng), i) for i, t in enumerate(chosen)]
    picks = rng.sample(publisher.practices, min(len(publisher.practices), rng.randint(1, 4)))
    if rng.random() < 0.2:
        picks.append(rng.randrange(len(_PRACTICES)))  # now and then something the publisher rarely reports
    for pick in dict.fromkeys(picks):
        i = rng.randrange(len(subsections)) if subsections else -1
        sentence = _fill(_PRACTICES[pick], values, rng)
        if i < 0:
            lead += sentence
        else:
            subsections[i] += sentence
    return [lead, *subsections]


def _problems(publisher: _Publisher, values: dict[str, Any], applications: int, pools: _Pools,
              rng: random.Random) -> list[str]:  # fmt: skip
    """Section 五: the problems (mostly the publisher's recurring ones), a transition and the fixes."""
    year = values["year"]
    own = [i for i in publisher.problems if rng.random() < 0.7] or [rng.randrange(len(_PROBLEMS))]
    if rng.random() < 0.15:
        own.append(rng.randrange(len(_PROBLEMS)))
    own = list(dict.fromkeys(own))
    if rng.random() < 0.5 and pools.problems and pools.fixes:
        problem = rng.choice(pools.problems).render(publisher.names, year, applications, rng)
        if rng.random() < 0.6:
            problem += f"此外，{_PROBLEMS[own[0]][0]}。"
        out = [problem]
        if pools.transitions and rng.random() < 0.7:
            out.append(rng.choice(pools.transitions).render(publisher.names, year, applications, rng))
        fixes = rng.sample(pools.fixes, min(len(pools.fixes), rng.randint(1, 3)))
        out += [_renumber(t.render(publisher.names, year, applications, rng), i) for i, t in enumerate(fixes)]
        return out
    clauses = "；".join(f"{_ORDINALS[i]}是{_PROBLEMS[k][0]}" for i, k in enumerate(own))
    out = [f"{year}年，{values['name']}政务公开工作取得了一定成效，但仍存在一些不足：{clauses}。"]
    out.append(rng.choice(_TRANSITIONS).format(**values))
    out += [f"（{_ORDINALS[i]}）{_PROBLEMS[k][1]}。{_PROBLEMS[k][2]}" for i, k in enumerate(own)]
    return out


def _free_form(publisher: _Publisher, values: dict[str, Any], applications: int, pools: _Pools,
               rng: random.Random) -> list[str]:  # fmt: skip
    """A report in the 2008 format: seven sections of prose, no tables."""
    year, name = values["year"], values["name"]
    website, other = rng.randint(100, 5000), rng.randint(10, 2000)
    received = (
        f"{year}年，{name}共收到政府信息公开申请{applications}件，均已按期答复。"
        if applications
        else f"{year}年，{name}未收到政府信息公开申请。"
    )
    overview = _overview(publisher, values, applications, pools, rng)
    return [
        _OLD_HEADINGS[0], *overview[: rng.randint(2, 4)],
        _OLD_HEADINGS[1],
        f"{year}年，{name}共主动公开政府信息{website + other + rng.randint(0, 300)}条，"
        f"其中通过政府网站公开{website}条，通过政府公报、公开栏等其他形式公开{other}条。",
        _OLD_HEADINGS[2], received,
        _OLD_HEADINGS[3], "本年度未收取政府信息公开相关费用。",
        _OLD_HEADINGS[4], "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
        _OLD_HEADINGS[5], *_problems(publisher, values, applications, pools, rng)[:3],
        _OLD_HEADINGS[6], "无。",
    ]  # fmt: skip


def _report(index: int, publisher: _Publisher, year: int, rng: random.Random, pools: _Pools,
            previous: dict[str, Any] | None = None, clean: bool = False,
            broken: str | None = None) -> GeneratedReport:  # fmt: skip
    """One report; ``previous`` is the publisher's tables of the year before, which this year's continue."""
    template = "other" if year < 2019 else "2021" if year >= 2021 else "2019"
    values = _values(publisher, year)
    title_block = _title_block(publisher, year, rng)
    statistics: _Statistics | None = None
    if template == "other":
        applications = rng.choice((0, 0, rng.randint(1, 30)))
        intro = [rng.choice(_INTROS).format(**values)] if rng.random() < 0.5 else []
        body = _free_form(publisher, values, applications, pools, rng)
    else:
        statistics = _statistics(publisher, template, rng, previous, clean, broken)
        tables, style = statistics.tables, statistics.style
        applications = tables["requests"]["新收"][-1]
        if rng.random() < 0.6 and pools.intros:
            intro = [rng.choice(pools.intros).render(publisher.names, year, applications, rng)]
        else:
            intro = [rng.choice(_INTROS).format(**values)]
        headings = _headings(publisher, rng)
        notes: list[str] = []
        if rng.random() < 0.3:
            if pools.application_notes and rng.random() < 0.5:
                notes = [rng.choice(pools.application_notes).render(publisher.names, year, applications, rng)]
            else:
                notes = [rng.choice(_APPLICATION_NOTES).format(**values, applications=applications)]
        closing = (
            _fill(rng.choice(_CLOSINGS_2021), values, rng)
            if year >= 2021 and rng.random() < 0.5
            else rng.choice(pools.closings or ("无。",))
        )
        body = [
            headings[0], *_overview(publisher, values, applications, pools, rng),
            headings[1], "\n".join(_proactive_lines(tables["proactive"], template, style, pools, rng)),
            headings[2], *notes, "\n".join(_requests_lines(tables["requests"], style, pools, rng,
                                                           statistics.dropped_request)),
            headings[3], "\n".join(_review_lines(tables["review"], style, pools, rng, statistics.dropped_review)),
            headings[4], *_problems(publisher, values, applications, pools, rng),
            headings[5], closing,
        ]  # fmt: skip
    return _finished(index, publisher, year, template, [*title_block, *intro, *body], statistics, rng)


def _values(publisher: _Publisher, year: int) -> dict[str, Any]:
    """The fields the prose templates are filled with."""
    return {
        **publisher.names,
        "name": publisher.name,
        "year": year,
        "next": year + 1,
        "format_notice": _FORMAT_NOTICE["2021" if year >= 2021 else "2019"],
    }


def _title_block(publisher: _Publisher, year: int, rng: random.Random) -> list[str]:
    """The title as extraction leaves it: on one line, spaced out, or on two lines."""
    roll = rng.random()
    if roll < 0.1:
        return [f"{publisher.title_head} {year} 年政府信息公开工作 年度报告"]
    if roll < 0.2:
        return [publisher.title_head, f"{year}年政府信息公开工作年度报告"]
    return [_title(publisher, year)]


@dataclass(frozen=True)
class _Statistics:
    """A report's three tables as printed (any inconsistency injected), the cell extraction lost, the style."""

    tables: dict[str, Any]
    injected: str
    dropped_request: tuple[str, int, bool] | None  # (row, column, leave a blank field)
    dropped_review: int | None
    style: _Style


def _statistics(publisher: _Publisher, template: str, rng: random.Random, previous: dict[str, Any] | None = None,
                clean: bool = False, broken: str | None = None) -> _Statistics:  # fmt: skip
    requests = _requests_table(rng, publisher.size, template)
    review = _review_table(rng, publisher.size)
    proactive = _proactive_table(rng, publisher.level, template)
    if previous is not None:
        _continue_requests(requests, previous["requests"]["结转下年度"])
        _continue_proactive(proactive, previous["proactive"], template)
    if broken == "carry_over":
        _shift_carried(requests, 2)
    elif broken == "stock":
        row = "行政规范性文件" if template == "2021" else "行政许可"
        field = "in_force" if template == "2021" else "prev_items"
        proactive[row][field] += 3
    injected = ""
    dropped_request: tuple[str, int, bool] | None = None
    dropped_review: int | None = None
    roll = 1.0 if clean else rng.random()
    if roll < INCONSISTENCY_RATE:
        injected = rng.choice(INCONSISTENCIES)
        _inject(injected, requests, review, rng)
    elif roll < INCONSISTENCY_RATE + DROPPED_CELL_RATE:
        injected = DROPPED_CELL
        if rng.random() < 0.8:
            dropped_request = (rng.choice(list(requests)), rng.randrange(7), rng.random() < 0.5)
        else:
            dropped_review = rng.randrange(15)
    style = _Style(
        cells=rng.random() < publisher.cell_layout,
        nested=rng.random() < 0.7,
        sign=rng.choice((0, 1, 1, 2)),
        full_width=rng.random() < 0.03,
        amount_unit=rng.choice(("", "万元", " 万元")),
    )
    tables = {"proactive": proactive, "requests": requests, "review": review}
    return _Statistics(tables, injected, dropped_request, dropped_review, style)


def _filename(index: int) -> str:
    return f"{index // FILES_PER_FOLDER:03d}/{index:06d}.txt"


def _finished(index: int, publisher: _Publisher, year: int, template: str, blocks: list[str],
              statistics: _Statistics | None, rng: random.Random) -> GeneratedReport:  # fmt: skip
    """The report of these blocks, now and then with the artifacts of a PDF text layer."""
    if rng.random() < 0.1:
        blocks = [blocks[0], *(_pdf_artifacts(b, rng) if "\t" not in b else b for b in blocks[1:])]
    return GeneratedReport(
        filename=_filename(index),
        text="\n\n".join(blocks) + "\n",
        title=_title(publisher, year),
        publisher=publisher.name,
        province=publisher.province,
        city=publisher.city,
        county=publisher.county,
        year=year,
        template=template,
        injected=statistics.injected if statistics else "",
        tables=statistics.tables if statistics else None,
    )


# ---------------------------------------------------------------- the copies corpus

# Template wording of the copies corpus, every report's: (opening, closing) sentences of each prose section.
# The publisher's name is left to the preamble: a name in a section would cost a copy up to 0.1 of similarity.
_TEMPLATE_SENTENCES = {
    "overview": ("{year}年，本机关认真贯彻落实《条例》，扎实推进政务公开各项工作。", ""),
    "proactive": ("", "本机关严格落实《条例》第二十条规定，主动公开政府信息情况见下表。"),
    "problems": ("{year}年，本机关政务公开工作取得一定成效，但仍存在一些不足。",
                 "下一步，本机关将针对上述问题认真加以改进。"),
    "other": ("本年度未收取信息处理费。", ""),
}  # fmt: skip
_TEMPLATE_INTRO = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{name}编制。"
    "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在{web}查阅和下载。"
)
# (paragraphs, characters of unique prose) drawn for each section: long enough that a changed number or
# sentence, another year in the template sentences and another heading wording leave a copy above 0.85.
_PROSE_SIZES = {
    "overview": ((2, 4), (320, 700)),
    "proactive": ((1, 2), (170, 320)),
    "problems": ((2, 3), (230, 450)),
    "other": ((1, 2), (170, 260)),
}
_PROSE_UNITS = ("件", "个", "条", "次", "项", "人次", "场", "期", "家", "份")
# Dictionary words the random prose leaves out: the parser reads them as report terms or table starts, and
# names of places, people and organizations (jieba's tags), which region and entity extraction would pick up.
_REPORT_TERMS = re.compile(r"公开|信息|申请|复议|诉讼|报告|条例|政务|年度|新收|结转|总计")
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz"})
_PROSE_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")

_Prose = tuple[tuple[str, ...], ...]  # paragraphs of sentences


@dataclass(frozen=True)
class _Draft:
    """A report of the copies corpus before it is printed: who, when, and the seed of its own random stream.

    The stream gives its own prose first (``_own_prose``), then its tables, layout and headings, so that
    planting a section changes nothing else; prose is drawn again when needed rather than kept for 100,000.
    """

    publisher: _Publisher
    year: int
    seed: int

    @property
    def publisher_key(self) -> str:
        return _parsed_publisher(self.publisher, self.year)


def _copies_corpus(n: int, seed: int) -> tuple[Iterator[GeneratedReport], list[PlantedCopy]]:
    """The copies corpus's reports, streamed, and its plants."""
    rng = random.Random(seed)
    years = ((publisher, year) for publisher, year in _publisher_years(rng) if year >= 2019)
    drafts = [_Draft(publisher, year, rng.getrandbits(64)) for publisher, year in islice(years, n)]
    planted, plants = _plant(drafts, rng)
    pools = _pools()
    reports = (_copies_report(i, draft, planted.get(i, {}), pools) for i, draft in enumerate(drafts))
    return reports, plants


@cache
def _dictionary() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """jieba's common words of 2–4 Chinese characters, with cumulative frequencies for weighted draws."""
    import jieba  # a test dependency (as for bench/ingest.py's baseline): only the copies corpus needs it

    words: list[str] = []
    cumulative: list[int] = []
    total = 0
    with jieba.dt.get_dict_file() as handle:
        for line in handle:
            word, frequency, tag = line.decode("utf-8").split()
            if _PROSE_WORD.fullmatch(word) and tag not in _NAME_TAGS and not _REPORT_TERMS.search(word):
                total += int(frequency)
                words.append(word)
                cumulative.append(total)
    return tuple(words), tuple(cumulative)


def _sentence(rng: random.Random, number: bool, size: tuple[int, int] = (6, 14)) -> str:
    """``size`` dictionary words drawn by frequency, maybe a count among them, now and then a comma, and 。."""
    words, cumulative = _dictionary()
    picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(*size))
    if number:
        picked.insert(rng.randint(0, len(picked)), f"{rng.randint(2, 999)}{rng.choice(_PROSE_UNITS)}")
    if len(picked) > 7 and rng.random() < 0.6:
        cut = rng.randint(3, len(picked) - 3)
        picked[cut] = "，" + picked[cut]
    return "".join(picked) + "。"


def _section_prose(kind: str, rng: random.Random) -> _Prose:
    """Unique sentences for one section; every paragraph opens with a count (a copy can change it)."""
    paragraph_range, chars_range = _PROSE_SIZES[kind]
    paragraphs = rng.randint(*paragraph_range)
    length = rng.randint(*chars_range) / paragraphs
    out: list[tuple[str, ...]] = []
    for _ in range(paragraphs):
        sentences = [_sentence(rng, number=True)]
        while sum(map(len, sentences)) < length:
            sentences.append(_sentence(rng, number=rng.random() < 0.4))
        out.append(tuple(sentences))
    return tuple(out)


def _own_prose(rng: random.Random) -> dict[str, _Prose]:
    """A report's unique sentences (template sentences are added in print), by section kind."""
    return {kind: _section_prose(kind, rng) for kind in PLANTED_KINDS}


def _plant(drafts: list[_Draft], rng: random.Random) -> tuple[dict[int, dict[str, _Prose]], list[PlantedCopy]]:
    """The planted sections by report index, and the plants.

    A report takes part in one plant at most, so that no pair of similar sections goes unrecorded.
    """
    by_key = {(draft.publisher_key, draft.year): i for i, draft in enumerate(drafts)}
    wanted = {True: round(len(drafts) * COPY_RATE), False: round(len(drafts) * NEAR_MISS_RATE)}
    relations = {"previous": 0, "other": 0}
    involved: set[int] = set()
    planted: dict[int, dict[str, _Prose]] = {}
    plants: list[PlantedCopy] = []
    for target in rng.sample(range(len(drafts)), len(drafts)):
        if not wanted[True] and not wanted[False]:
            break
        if target in involved:
            continue
        copied = rng.random() < wanted[True] / (wanted[True] + wanted[False])
        found = _source(target, drafts, by_key, involved, relations["previous"] <= relations["other"], rng)
        if found is None:
            continue
        source, relation = found
        kind = rng.choice(PLANTED_KINDS)
        theirs = _own_prose(random.Random(drafts[source].seed))[kind]
        if copied:
            prose = _copied(theirs, rng)
        else:
            prose = _near_miss(_own_prose(random.Random(drafts[target].seed))[kind], theirs, rng)
        if prose is None:
            continue
        planted[target] = {kind: prose}
        involved |= {source, target}
        wanted[copied] -= 1
        relations[relation] += 1
        plants.append(PlantedCopy(_filename(source), _filename(target), kind, relation, copied))
    return planted, plants


def _source(target: int, drafts: list[_Draft], by_key: dict[tuple[str, int], int], involved: set[int],
            previous_first: bool, rng: random.Random) -> tuple[int, str] | None:  # fmt: skip
    """The report to plant from: the publisher's previous year (when ``previous_first``) or another's."""
    draft = drafts[target]
    previous = by_key.get((draft.publisher_key, draft.year - 1))
    if previous_first and previous is not None and previous not in involved:
        return previous, "previous"
    for _ in range(50):
        other = rng.randrange(len(drafts))
        candidate = drafts[other]
        if other not in involved and candidate.year <= draft.year and candidate.publisher_key != draft.publisher_key:
            return other, "other"
    return None


def _copied(source: _Prose, rng: random.Random) -> _Prose:
    """The source's sentences with one count changed or, in a long section, its shortest sentence rewritten.

    A rewrite costs a copy about twice the sentence's length in shingles: only a sentence under 1/40 of the
    section is rewritten, so that the copy stays above 0.85 of similarity.
    """
    sentences = [(i, j) for i, paragraph in enumerate(source) for j in range(len(paragraph))]
    total = sum(len(s) for paragraph in source for s in paragraph)
    shortest = min(sentences, key=lambda at: len(source[at[0]][at[1]]))
    paragraphs = [list(paragraph) for paragraph in source]
    if len(sentences) >= 15 and len(source[shortest[0]][shortest[1]]) * 40 <= total and rng.random() < 0.5:
        i, j = shortest
        paragraphs[i][j] = _sentence(rng, number=False, size=(6, 6))
    else:
        i, j = rng.choice([(i, j) for i, j in sentences if re.search(r"\d", source[i][j])])
        text = paragraphs[i][j]
        m = rng.choice(list(re.finditer(r"\d+", text)))
        paragraphs[i][j] = text[: m.start()] + str(int(m.group()) + rng.randint(1, 9)) + text[m.end() :]
    return tuple(tuple(paragraph) for paragraph in paragraphs)


def _near_miss(own: _Prose, source: _Prose, rng: random.Random) -> _Prose | None:
    """``own`` with a run of 30–50 % of its sentences replaced by a run of at most half the source's."""
    mine = [s for paragraph in own for s in paragraph]
    theirs = [s for paragraph in source for s in paragraph]
    low, high = math.ceil(len(mine) * 0.3), min(len(mine) // 2, len(theirs) // 2)
    if low < 1 or low > high:
        return None
    count = rng.randint(low, high)
    at, start = rng.randint(0, len(mine) - count), rng.randint(0, len(theirs) - count)
    mine[at : at + count] = theirs[start : start + count]
    out: list[tuple[str, ...]] = []
    for paragraph in own:
        out.append(tuple(mine[: len(paragraph)]))
        mine = mine[len(paragraph) :]
    return tuple(out)


def _section_blocks(kind: str, prose: _Prose, values: dict[str, Any]) -> list[str]:
    """A prose section's paragraphs with its template sentences around them."""
    opening, closing = (sentence.format(**values) for sentence in _TEMPLATE_SENTENCES[kind])
    blocks = ["".join(paragraph) for paragraph in prose]
    blocks[0] = opening + blocks[0]
    blocks[-1] += closing
    return blocks


def _copies_report(index: int, draft: _Draft, planted: dict[str, _Prose], pools: _Pools) -> GeneratedReport:
    """A report of the copies corpus: its own prose or the ``planted`` one, the normal tables and layout."""
    rng = random.Random(draft.seed)
    own = {**_own_prose(rng), **planted}
    publisher, year = draft.publisher, draft.year
    template = "2021" if year >= 2021 else "2019"
    values = _values(publisher, year)
    title_block = _title_block(publisher, year, rng)
    statistics = _statistics(publisher, template, rng)
    tables, style = statistics.tables, statistics.style
    headings = _headings(publisher, rng)
    prose = {kind: _section_blocks(kind, own[kind], values) for kind in PLANTED_KINDS}
    body = [
        headings[0], *prose["overview"],
        headings[1], *prose["proactive"], "\n".join(_proactive_lines(tables["proactive"], template, style, pools, rng)),
        headings[2], "\n".join(_requests_lines(tables["requests"], style, pools, rng, statistics.dropped_request)),
        headings[3], "\n".join(_review_lines(tables["review"], style, pools, rng, statistics.dropped_review)),
        headings[4], *prose["problems"],
        headings[5], *prose["other"],
    ]  # fmt: skip
    blocks = [*title_block, _TEMPLATE_INTRO.format(**values), *body]
    return _finished(index, publisher, year, template, blocks, statistics, rng)


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of annual reports for benchmarks.")
    parser.add_argument("--n", type=int, required=True, help="number of reports")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed and n, same corpus)")
    parser.add_argument("--out", type=Path, help="output folder; without it, reports are generated and discarded")
    parser.add_argument(
        "--copies", action="store_true", help="the copy-detection corpus: planted copies listed in copies_truth.csv"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out is None:
        reports = _copies_corpus(args.n, args.seed)[0] if args.copies else generate_reports(args.n, args.seed)
        size = sum(len(report.text.encode("utf-8")) for report in reports)
        action = "generated"
    else:
        write = write_copies_corpus if args.copies else write_corpus
        size = write(args.n, args.seed, args.out)
        action = f"wrote to {args.out}"
    seconds = time.perf_counter() - started
    print(f"{args.n} reports ({size / 1e6:.1f} MB) {action} in {seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
