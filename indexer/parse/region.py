"""Which province, city and county a report is about, from the division names in its title and text.

The gazetteer is ``data/gazetteer/divisions.csv`` (current names, with short forms) plus
``data/gazetteer/renamed.csv`` (names that 2015-2025 reports may use for units renamed since); see
``data/gazetteer/README.md``. ``NIANBAO_DATA`` points at another ``data`` folder.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from indexer.errors import NianbaoError

LEVELS = ("province", "city", "county")
# Every full name ends in one of these, so names are matched right to left from them:
# the longest name ending at a 县 is 中宁县, never the 宁县 inside it.
NAME_ENDINGS = "省市区县旗州盟"
# A weak name followed by one of these is part of a word (县城, 区域, 县级, 市场), not a name.
WORD_CONTINUATIONS = set("城域级划场")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# PDF text puts spaces inside names (盐池 县); only spaces between two CJK characters are dropped.
CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000\xa0]+(?=[\u3400-\u9fff])")
# Words outside any name that say what kind of province the report's region sits in.
PROVINCE_HINTS = (
    (re.compile("自治区"), "自治区"),
    (re.compile("全省|省委|省政府|省人民政府"), "省"),
)


@dataclass(frozen=True)
class Division:
    """One unit of the gazetteer; ``city`` is None for 直辖市 districts and 省直辖 county-level units."""

    code: str
    name: str
    level: str
    province: str
    city: str | None
    province_code: str
    city_code: str | None

    @property
    def ancestors(self) -> tuple[str, ...]:
        """Codes of the province and city containing this unit (not the unit itself)."""
        if self.level == "province":
            return ()
        if self.level == "city" or self.city_code is None:
            return (self.province_code,)
        return (self.province_code, self.city_code)


@dataclass(frozen=True)
class Region:
    """The most specific region a report is about; names are official full names (甘肃省, 庆阳市, 合水县)."""

    province: str | None
    city: str | None
    county: str | None
    code: str | None
    evidence: str

    @property
    def level(self) -> str | None:
        """"county", "city" or "province": the most specific unit that is known."""
        for level, name in (("county", self.county), ("city", self.city), ("province", self.province)):
            if name:
                return level
        return None


@dataclass(frozen=True)
class Mention:
    """A division name found in a text: ``kind`` is "full", "old" (a former name) or "short"."""

    start: int
    end: int
    name: str
    codes: tuple[str, ...]
    kind: str


def data_dir() -> Path:
    return Path(os.environ.get("NIANBAO_DATA") or Path(__file__).resolve().parents[2] / "data")


def trie_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for many literals, factored as a trie so that each position costs one branch."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def alternation(node: dict) -> str:
        branches = [re.escape(char) + alternation(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy "?" tries the longer names before the word that ends here.
        return f"(?:{body})?" if "" in node else body

    return re.compile(alternation(trie))


class Gazetteer:
    """Divisions by code, and matchers for their full, former and short names."""

    def __init__(self, divisions: Iterable[Division], shorts: dict[str, str], old_names: dict[str, str]):
        self.divisions = {d.code: d for d in divisions}
        self.current_names = {code: d.name for code, d in self.divisions.items()}
        self.full: dict[str, tuple[str, ...]] = group_codes(self.current_names)
        self.old: dict[str, tuple[str, ...]] = group_codes(old_names)
        self.short: dict[str, tuple[str, ...]] = group_codes(shorts)
        # A name without a short form is generic (城关区, 和平区) or one character plus suffix (宁县):
        # it counts only where a word can start and end.
        self.strong = {self.current_names[code] for code in shorts}
        self._reversed_full = trie_pattern(name[::-1] for name in self.full.keys() | self.old.keys())
        self._all_shorts = trie_pattern(self.short)
        self._ancestor_shorts = trie_pattern(
            name for name, codes in self.short.items()
            if any(self.divisions[code].level != "county" for code in codes)
        )

    def mentions(self, text: str, county_shorts: bool = True) -> list[Mention]:
        """Division names in ``text``, left to right, without overlaps; former names count as full names.

        Short forms are looked for only between full names; with ``county_shorts`` False only
        province and city short forms are (a county's short form in running text is too often a word).
        """
        found = list(self._full_mentions(text))
        short_pattern = self._all_shorts if county_shorts else self._ancestor_shorts
        gaps = zip([0] + [m.end for m in found], [m.start for m in found] + [len(text)], strict=True)
        for start, end in gaps:
            for match in short_pattern.finditer(text, start, end):
                name = match.group()
                found.append(Mention(match.start(), match.end(), name, self.short[name], "short"))
        found.sort(key=lambda m: m.start)
        return self._at_word_edges(text, found)

    def _full_mentions(self, text: str) -> Iterator[Mention]:
        reversed_text = text[::-1]
        size = len(text)
        for match in self._reversed_full.finditer(reversed_text):
            name = match.group()[::-1]
            codes = self.full.get(name, ()) + self.old.get(name, ())
            kind = "full" if name in self.full else "old"
            yield Mention(size - match.end(), size - match.start(), name, codes, kind)

    def _at_word_edges(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Drop weak full names that sit inside words (信息县, 和县委, 老城区改造, 区域)."""
        kept: list[Mention] = []
        for mention in sorted(mentions, key=lambda m: m.start):
            if mention.kind == "short" or mention.name in self.strong:
                kept.append(mention)
                continue
            before = text[mention.start - 1] if mention.start else ""
            after = text[mention.end] if mention.end < len(text) else ""
            after_ancestor = bool(kept) and kept[-1].end == mention.start and self._contains(kept[-1], mention)
            starts_word = not before or not CJK.match(before) or after_ancestor
            if starts_word and after not in WORD_CONTINUATIONS:
                kept.append(mention)
        return kept

    def _contains(self, outer: Mention, inner: Mention) -> bool:
        return any(code in self.divisions[unit].ancestors for unit in inner.codes for code in outer.codes)


def group_codes(names: dict[str, str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for code, name in names.items():
        grouped.setdefault(name, []).append(code)
    return {name: tuple(codes) for name, codes in grouped.items()}


@cache
def load_gazetteer() -> Gazetteer:
    """Read the gazetteer once per process."""
    folder = data_dir() / "gazetteer"
    divisions_csv, renamed_csv = folder / "divisions.csv", folder / "renamed.csv"
    if not divisions_csv.is_file():
        raise NianbaoError("找不到行政区划表; 请运行 tools/build_gazetteer.py 或设置 NIANBAO_DATA", divisions_csv)
    with divisions_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = {row["name"] for row in rows if row["level"] != "county"}
    code_of = {(row["level"], row["name"], row["province"]): row["code"] for row in rows}
    divisions, shorts = [], {}
    for row in rows:
        province_code = code_of[("province", row["province"], row["province"])]
        city_code = code_of.get(("city", row["city"], row["province"])) if row["level"] == "county" else None
        city = row["city"] or None
        divisions.append(
            Division(row["code"], row["name"], row["level"], row["province"], city, province_code, city_code)
        )
        for short in filter(None, row["short"].split(";")):
            shorts[row["code"]] = short
    del codes
    old_names = {}
    if renamed_csv.is_file():
        with renamed_csv.open(encoding="utf-8", newline="") as handle:
            old_names = {row["code"] + ":" + row["old_name"]: row["old_name"] for row in csv.DictReader(handle)}
    return Gazetteer(divisions, shorts, old_names)
