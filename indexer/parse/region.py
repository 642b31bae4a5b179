"""Which province, city and county a report is about, from the division names in its title and text.

The gazetteer is ``data/gazetteer/divisions.csv`` (current names and short forms) plus
``data/gazetteer/renamed.csv`` (former names of units renamed since 2016, which older reports use);
``data/gazetteer/README.md`` says where they come from. ``NIANBAO_DATA`` points at another ``data`` folder.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from indexer.errors import NianbaoError
from indexer.paths import data_dir
from indexer.patterns import trie_pattern

LEVEL_RANK = {"province": 0, "city": 1, "county": 2}
# A weak name followed by one of these is the start of a word (县城, 区域, 县级, 区划, 市场), not a name.
WORD_CONTINUATIONS = frozenset("城域级划场")
# …but these words may follow a name: 东城区城关镇, 赵县城市管理局, 某县城乡建设局.
NAME_FOLLOWERS = ("城关", "城市", "城乡", "城镇", "城区", "城管")
# A weak name may follow a year: 2020年城关区.
WORD_STARTS = frozenset("年")
CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# PDF text puts spaces inside names (盐池 县); spaces between two CJK characters carry nothing.
CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000\xa0]+(?=[\u3400-\u9fff])")
# Words outside any name that tell which kind of province a report's region lies in.
PROVINCE_HINTS = (
    ("自治区", re.compile("自治区")),
    ("省", re.compile("全省|省委|省政府|省人民政府")),
)


@dataclass(frozen=True)
class Division:
    """One unit of the gazetteer; ``city`` is None for provinces, 直辖市 districts and 省直辖 units."""

    code: str
    name: str
    level: str
    province: str
    city: str | None
    ancestors: tuple[str, ...]  # codes of the province and city containing the unit


@dataclass(frozen=True)
class Region:
    """The most specific region a report is about, in official full names (甘肃省, 庆阳市, 合水县)."""

    province: str | None
    city: str | None
    county: str | None
    code: str | None
    evidence: str
    misread: str | None = None  # the name as printed, when it matched only with one character tolerated

    @property
    def level(self) -> str | None:
        """The most specific unit known: "county", "city" or "province"."""
        for level, name in (("county", self.county), ("city", self.city), ("province", self.province)):
            if name:
                return level
        return None


@dataclass(frozen=True)
class Mention:
    """A division name found in a text; ``kind`` is "full", "old" (a former name) or "short"."""

    start: int
    end: int
    name: str
    codes: tuple[str, ...]
    kind: str


def index_names(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Name -> codes of every unit bearing it, from (name, code) pairs."""
    index: dict[str, tuple[str, ...]] = {}
    for name, code in pairs:
        index[name] = index.get(name, ()) + (code,)
    return index


class Gazetteer:
    """Divisions by code; matchers for full and former names and province and city short forms."""

    def __init__(
        self,
        divisions: Iterable[Division],
        shorts: Iterable[tuple[str, str]],
        old_names: Iterable[tuple[str, str]],
    ) -> None:
        self.divisions = {d.code: d for d in divisions}
        shorts = list(shorts)
        self.full = index_names((d.name, d.code) for d in self.divisions.values())
        self.old = index_names(old_names)
        # A county's short form in a report is too often part of a word (开平 in 公开平台, 和政 in
        # 和政府, 大通 in 加大通报): only province and city short forms are looked for.
        self.short = index_names((name, code) for name, code in shorts if self.divisions[code].level != "county")
        # A unit without a short form has a generic name (城关区, 和平区) or a one-character one (宁县):
        # its full name counts only where a word can start and end.
        self.strong = {self.divisions[code].name for _, code in shorts}
        self.longest = max(map(len, self.full.keys() | self.old.keys() | self.short.keys()))
        # Full names all end in 省市区县旗州盟, so matching the reversed text finds, at each ending,
        # the longest name: 中宁县 and never the 宁县 inside it.
        self._reversed_names = trie_pattern(name[::-1] for name in self.full.keys() | self.old.keys())
        self._shorts = trie_pattern(self.short)

    def mentions(self, text: str) -> list[Mention]:
        """Division names in ``text``, left to right, not overlapping; former names count as full names.

        Short forms (of provinces and cities only) are looked for between the full names.
        """
        found = [self._split_off_parent(text, m) for m in self._full_mentions(text)]
        gaps = zip([0] + [m.end for m in found], [m.start for m in found] + [len(text)], strict=True)
        for gap_start, gap_end in gaps:
            for match in self._shorts.finditer(text, gap_start, gap_end):
                name = match.group()
                found.append(Mention(match.start(), match.end(), name, self.short[name], "short"))
        found.sort(key=lambda m: m.start)
        return self._at_word_edges(text, found)

    def _full_mentions(self, text: str) -> Iterator[Mention]:
        size = len(text)
        for match in reversed(list(self._reversed_names.finditer(text[::-1]))):
            name = match.group()[::-1]
            kind = "full" if name in self.full else "old"
            codes = self.full.get(name, ()) + self.old.get(name, ())
            yield Mention(size - match.end(), size - match.start(), name, codes, kind)

    def _split_off_parent(self, text: str, mention: Mention) -> Mention:
        """Read 甘肃宁县 as 甘肃 + 宁县, not 甘 + 肃宁县: a split whose left part names a parent wins."""
        for cut in range(mention.start + 1, mention.end - 1):
            rest = text[cut : mention.end]
            codes = self.full.get(rest, ()) + self.old.get(rest, ())
            if not codes:
                continue
            parents = {d for code in codes for d in self.divisions[code].ancestors}
            for start in range(mention.start - 1, max(cut - self.longest, 0) - 1, -1):
                left = text[start:cut]
                if parents.intersection(self.full.get(left, ()) + self.short.get(left, ()) + self.old.get(left, ())):
                    return Mention(cut, mention.end, rest, codes, "full" if rest in self.full else "old")
        return mention

    def _at_word_edges(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Drop weak names inside words: 信息县 (息县), 和县委 (和县), 老城区改造, 河西区域."""
        kept: list[Mention] = []
        for mention in mentions:
            if mention.kind == "short" or mention.name in self.strong:
                kept.append(mention)
                continue
            before = text[mention.start - 1] if mention.start else ""
            after = text[mention.end] if mention.end < len(text) else ""
            after_parent = bool(kept) and kept[-1].end == mention.start and self._encloses(kept[-1], mention)
            starts_word = not CJK_CHAR.match(before) or before in WORD_STARTS or after_parent
            follows = after not in WORD_CONTINUATIONS or text.startswith(NAME_FOLLOWERS, mention.end)
            if starts_word and follows:
                kept.append(mention)
        return kept

    def _encloses(self, outer: Mention, inner: Mention) -> bool:
        return any(code in self.divisions[unit].ancestors for unit in inner.codes for code in outer.codes)


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, read once per process from ``data/gazetteer``."""
    folder = data_dir() / "gazetteer"
    divisions_csv = folder / "divisions.csv"
    if not divisions_csv.is_file():
        raise NianbaoError("找不到行政区划表; 请运行 tools/build_gazetteer.py 或设置 NIANBAO_DATA", divisions_csv)
    rows = read_csv(divisions_csv)
    code_of = {(row["level"], row["name"], row["province"]): row["code"] for row in rows}
    divisions = []
    for row in rows:
        province_code = code_of[("province", row["province"], row["province"])]
        city_code = code_of.get(("city", row["city"], row["province"]))
        ancestors = tuple(code for code in (province_code, city_code) if code and code != row["code"])
        divisions.append(
            Division(row["code"], row["name"], row["level"], row["province"], row["city"] or None, ancestors)
        )
    shorts = [(short, row["code"]) for row in rows for short in row["short"].split(";") if short]
    renamed_csv = folder / "renamed.csv"
    old_names = [(row["old_name"], row["code"]) for row in read_csv(renamed_csv)] if renamed_csv.is_file() else []
    return Gazetteer(divisions, shorts, old_names)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def resolve_region(title: str, publisher: str | None, text: str) -> Region | None:
    """The most specific region a report is about, or None when no division is named.

    Names in the publisher and title decide; the body decides only when they name none (its most
    frequent full name, if named at least twice). A name borne by several units (鼓楼区) goes to the
    unit whose province and city are named most, in the heading first, then the body, then by the
    words 自治区 or 省; a tie keeps only what all tied units share, with code None.
    """
    gazetteer = load_gazetteer()
    heading = [
        (source, CJK_GAP.sub("", value)) for source, value in (("publisher", publisher), ("title", title)) if value
    ]
    heading_mentions = [(source, value, m) for source, value in heading for m in gazetteer.mentions(value)]
    context = Context(gazetteer, [m for _, _, m in heading_mentions], text)
    found = heading_name(gazetteer, heading_mentions) or context.most_named()
    if found is None:
        tolerant = tolerant_name(gazetteer, "".join(v for _, v in heading), None, context)
        if tolerant is None:
            return None
        return region_of(tolerant[0], _tolerant_evidence(gazetteer, *tolerant), tolerant[1])
    primary, evidence = found
    tolerant = tolerant_name(gazetteer, "".join(v for _, v in heading), primary, context)
    if tolerant is not None:
        return region_of(tolerant[0], f"{evidence}; {_tolerant_evidence(gazetteer, *tolerant)}", tolerant[1])
    deepest = max(LEVEL_RANK[gazetteer.divisions[code].level] for code in primary.codes)
    candidates = [
        gazetteer.divisions[code]
        for code in dict.fromkeys(primary.codes)
        if LEVEL_RANK[gazetteer.divisions[code].level] == deepest
    ]
    if len(candidates) > 1:
        candidates, reasons = context.pick(candidates)
        evidence += reasons
    if len(candidates) > 1:
        return shared_part(primary.name, candidates, evidence)
    division = candidates[0]
    if division.name != primary.name and primary.kind != "short":
        evidence += f"; {primary.name} is the former name of {division.name}"
    return region_of(division, evidence)


def heading_name(gazetteer: Gazetteer, mentions: list[tuple[str, str, Mention]]) -> tuple[Mention, str] | None:
    """The first most specific name in the publisher, else the title; short forms only if no full name."""
    named = [item for item in mentions if item[2].kind != "short"] or mentions
    if not named:
        return None
    depths = [max(LEVEL_RANK[gazetteer.divisions[code].level] for code in m.codes) for _, _, m in named]
    source, value, primary = named[depths.index(max(depths))]
    same_source = [m for s, _, m in mentions if s == source]
    return primary, f"{source}: {surface(value, primary, same_source)}"


def surface(value: str, primary: Mention, mentions: list[Mention]) -> str:
    """The primary name with the names written right before it: 银川市西夏区, not just 西夏区."""
    start = primary.start
    for mention in reversed([m for m in mentions if m.end <= primary.start]):
        if mention.end != start:
            break
        start = mention.start
    return value[start : primary.end]


def region_of(division: Division, evidence: str, misread: str | None = None) -> Region:
    if division.level == "province":
        return Region(division.name, None, None, division.code, evidence, misread)
    if division.level == "city":
        return Region(division.province, division.name, None, division.code, evidence, misread)
    return Region(division.province, division.city, division.name, division.code, evidence, misread)


_SUFFIXES = frozenset("省市区县旗州盟")


@cache
def _lookalikes() -> dict[tuple[str, str], float]:
    """(character of a division name, a character it looks like) -> likeness, from
    ``data/gazetteer/lookalikes.csv`` (tools/build_lookalikes.py); empty when the file is absent."""
    path = data_dir() / "gazetteer" / "lookalikes.csv"
    if not path.is_file():
        return {}
    return {(row["char"], row["lookalike"]): float(row["likeness"]) for row in read_csv(path)}


def _likeness(printed: str, name: str) -> float:
    """How much the one differing character of ``printed`` looks like the name's (0: not a look-alike)."""
    pairs = [(b, a) for a, b in zip(printed, name, strict=True) if a != b]
    return _lookalikes().get(pairs[0], 0.0) if len(pairs) == 1 else 0.0


def _tolerant_evidence(gazetteer: Gazetteer, division: Division, printed: str, confirmed: bool) -> str:
    named = "、".join(gazetteer.divisions[a].name for a in division.ancestors)
    why = f"{named} named in the report" if confirmed else "the only unit so close; no province or city named"
    return f"tolerant match: '{printed}' read as {division.name} (one character differs; {why})"


@cache
def _variants(gazetteer: Gazetteer) -> dict[str, tuple[str, ...]]:
    """Each city or county name with one character (not its suffix) as '?': 沭阳县 -> ?阳县, 沭?县."""
    out: dict[str, tuple[str, ...]] = {}
    for d in gazetteer.divisions.values():
        if d.level == "province" or len(d.name) < 3:
            continue
        for i in range(len(d.name) - 1):
            key = d.name[:i] + "?" + d.name[i + 1 :]
            out[key] = out.get(key, ()) + (d.code,)
    return out


def tolerant_name(
    gazetteer: Gazetteer, heading: str, found: Mention | None, context: Context
) -> tuple[Division, str, bool] | None:
    """A city or county named in the heading with one character misread (OCR: 沐阳县 for 沭阳县), when
    the region found so far is not a county: the one unit whose name differs from a word of the heading
    in one character, not its suffix, and that lies in the unit found (or, with none found, in a
    province or city the report names; with none named, a name of four characters or more that one
    unit alone comes within a character of, or the one unit whose character the printed one closely
    resembles). Between several units a close look-alike decides, then what the body names, then the
    closest look-alike. None when there is no such unit or more than one."""
    if found is not None and any(gazetteer.divisions[c].level == "county" for c in found.codes):
        return None
    variants = _variants(gazetteer)
    in_heading = gazetteer.mentions(heading)
    named = {code for m in in_heading for code in m.codes}
    covered = [(m.start, m.end) for m in in_heading if m.kind != "short"]  # 大连 in 五大连地市 hides nothing
    in_body = {code for m in context.body_mentions for code in m.codes}
    if found is None:
        named |= in_body
    inside = named if found is None else set(found.codes) | (in_body if found.kind == "short" else set())
    hits: dict[str, str] = {}
    unconfirmed: dict[str, str] = {}
    for size in range(3, _longest(gazetteer) + 1):
        for start in range(len(heading) - size + 1):
            word = heading[start : start + size]
            if word[-1] not in _SUFFIXES or word in gazetteer.full or word in gazetteer.old:
                continue
            if any(a < start + size and start < b for a, b in covered):
                continue  # part of a name read exactly: 盘水市 in 六盘水市 is not 盘州市
            for i in range(size - 1):
                for code in variants.get(word[:i] + "?" + word[i + 1 :], ()):
                    division = gazetteer.divisions[code]
                    if code in in_body or any(a in inside for a in division.ancestors):
                        hits.setdefault(code, word)  # the body names the unit itself (湖州), or the heading's
                        # province or city holds it
                    elif found is None:
                        unconfirmed.setdefault(code, word)  # 域子河区, with no place named in the report
    if len(hits) > 1:  # 泰光市 is 泰兴市 (光 looks like 兴), not 泰州市: a clear look-alike decides first
        hits = _most_alike(gazetteer, hits, _CLEAR_LIKENESS)
    if len(hits) > 1:  # 治州市 is ?州市 for 台州市, 温州市 …: the one the body names too, if only one
        hits = {code: word for code, word in hits.items() if code in in_body} or hits
    if len(hits) > 1:  # 临式县 in 湖南省 is 临武县 or 临澧县: the one in the city the body names (郴州市)
        cities = {c: gazetteer.divisions[c].ancestors[1:] for c in hits}  # ancestors: (province, city)
        near = {c: w for c, w in hits.items() if any(a in in_body for a in cities[c])}
        hits = near or hits
    if len(hits) > 1:  # 沐阳县 in 宿迁市 is 沭阳县 or 泗阳县: the one whose character 沐 looks like
        hits = _most_alike(gazetteer, hits)
    confirmed = bool(hits)
    if not hits and unconfirmed:
        # No place named in the report: a name of four characters or more borne by one unit only, or
        # the one unit (of any length) whose character the printed one closely resembles: 域子河区 is
        # 城子河区 (域 looks like 城), not 茄子河区 or 太子河区; 惠洲市 is 惠州市.
        alike = _most_alike(gazetteer, unconfirmed, _UNCONFIRMED_LIKENESS)
        long_one = len(unconfirmed) == 1 and len(next(iter(unconfirmed.values()))) >= 4
        hits = unconfirmed if long_one else (alike if len(alike) == 1 and _alike_enough(gazetteer, alike) else {})
    if len(hits) != 1:
        return None
    code, word = hits.popitem()
    return gazetteer.divisions[code], word, confirmed


_UNCONFIRMED_LIKENESS = 0.75  # with no place named in the report, only a close look-alike decides
_CLEAR_LIKENESS = 0.7  # a look-alike this close decides between units before what the body names


def _alike_enough(gazetteer: Gazetteer, hits: dict[str, str]) -> bool:
    ((code, word),) = hits.items()
    return _likeness(word, gazetteer.divisions[code].name) >= _UNCONFIRMED_LIKENESS


def _most_alike(gazetteer: Gazetteer, hits: dict[str, str], least: float = 0.0) -> dict[str, str]:
    """The one unit whose differing character the printed one looks most like (at least ``least``);
    all of them when two are alike or none is."""
    likeness = {code: _likeness(word, gazetteer.divisions[code].name) for code, word in hits.items()}
    ranked = sorted(likeness.values(), reverse=True) + [-1.0]
    if ranked[0] > ranked[1] and ranked[0] > least:
        return {code: word for code, word in hits.items() if likeness[code] == ranked[0]}
    return hits


@cache
def _longest(gazetteer: Gazetteer) -> int:
    """The longest city or county name (克孜勒苏柯尔克孜自治州)."""
    return max(len(d.name) for d in gazetteer.divisions.values() if d.level != "province")


def shared_part(name: str, tied: list[Division], evidence: str) -> Region:
    """What the units a text cannot tell apart have in common: the name as written, maybe a province."""
    places = ", ".join(f"{d.province}{d.city or ''}{d.name if d.level == 'county' else ''}" for d in tied)
    evidence = f"{evidence}; ambiguous: {places}"
    province = tied[0].province if len({d.province for d in tied}) == 1 else None
    if tied[0].level == "city":
        return Region(province, name, None, None, evidence)
    city = tied[0].city if province and len({d.city for d in tied}) == 1 else None
    return Region(province, city, name, None, evidence)


class Context:
    """What the heading and body say about a report's province and city; the body is scanned on demand."""

    def __init__(self, gazetteer: Gazetteer, heading_mentions: list[Mention], body: str) -> None:
        self.gazetteer = gazetteer
        self.heading_codes = {code for m in heading_mentions for code in m.codes}
        self.raw_body = body
        self._body: str | None = None
        self._body_mentions: list[Mention] | None = None

    @property
    def body(self) -> str:
        if self._body is None:
            self._body = CJK_GAP.sub("", self.raw_body)
        return self._body

    @property
    def body_mentions(self) -> list[Mention]:
        if self._body_mentions is None:
            self._body_mentions = self.gazetteer.mentions(self.body)
        return self._body_mentions

    def most_named(self) -> tuple[Mention, str] | None:
        """The body's most frequent full name (the earliest among equals), if it occurs twice or more."""
        counts = Counter(m.name for m in self.body_mentions if m.kind != "short")
        if not counts:
            return None
        name, count = counts.most_common(1)[0]
        if count < 2:
            return None
        return next(m for m in self.body_mentions if m.name == name), f"text: {name} ×{count}"

    def pick(self, candidates: list[Division]) -> tuple[list[Division], str]:
        """The candidates whose province and city the report names most, and why."""
        body_counts = Counter(code for m in self.body_mentions for code in m.codes)
        hints = self.province_hints()
        divisions = self.gazetteer.divisions

        def score(division: Division) -> tuple[int, int, int, int]:
            province = divisions[division.ancestors[0]].name if division.ancestors else division.name
            return (
                sum(a in self.heading_codes for a in division.ancestors),
                sum(body_counts[a] > 0 for a in division.ancestors),
                sum(province.endswith(kind) for kind in hints),
                sum(body_counts[a] for a in division.ancestors),
            )

        scores = [score(d) for d in candidates]
        best = max(scores)
        winners = [d for d, value in zip(candidates, scores, strict=True) if value == best]
        if len(winners) > 1:
            return winners, ""
        winner = winners[0]
        in_heading = "、".join(divisions[a].name for a in winner.ancestors if a in self.heading_codes)
        reasons = [f"heading names {in_heading}"] if in_heading else []
        reasons += [f"text names {divisions[a].name} ×{body_counts[a]}" for a in winner.ancestors if body_counts[a]]
        province = divisions[winner.ancestors[0]].name if winner.ancestors else winner.name
        reasons += [f"text says {kind}" for kind in hints if province.endswith(kind)]
        return winners, "".join(f"; {reason}" for reason in reasons)

    def province_hints(self) -> list[str]:
        """The hint words that occur in the body outside every division name."""
        covered = [(m.start, m.end) for m in self.body_mentions]
        return [
            kind
            for kind, pattern in PROVINCE_HINTS
            if any(not any(s <= match.start() < e for s, e in covered) for match in pattern.finditer(self.body))
        ]


_NAME_ENDINGS = ("省", "市", "县", "区", "旗", "自治区", "自治州", "自治县", "地区", "盟", "特别行政区")


def units_named(name: str, level: str | None = None) -> list[Division]:
    """The units a researcher may mean by ``name``: its full, former or short name, or the name without
    its ending (宁夏 → 宁夏回族自治区, 盐池 → 盐池县, 西夏 → 西夏区), of ``level`` if given."""
    gazetteer = load_gazetteer()
    name = CJK_GAP.sub("", name.strip())
    codes = list(gazetteer.full.get(name, ()) + gazetteer.old.get(name, ()))
    if not codes:
        codes = list(_short_names().get(name, ())) + [
            c for ending in _NAME_ENDINGS for c in gazetteer.full.get(name + ending, ())
        ]
    units = [gazetteer.divisions[c] for c in dict.fromkeys(codes)]
    return [u for u in units if level is None or u.level == level]


@cache
def _short_names() -> dict[str, tuple[str, ...]]:
    """Every short form in the gazetteer (counties' too, which text matching leaves out) -> codes."""
    rows = read_csv(data_dir() / "gazetteer" / "divisions.csv")
    return index_names((short, row["code"]) for row in rows for short in row["short"].split(";") if short)
