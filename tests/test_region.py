"""Region resolution (indexer/parse/region.py) and the gazetteer it reads (data/gazetteer/).

Every expected province/city/county/code below was checked against data/gazetteer/divisions.csv.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from indexer.errors import NianbaoError
from indexer.parse.region import Region, load_gazetteer, resolve_region

REPO = Path(__file__).resolve().parents[1]
REPORTS = sorted((REPO / "data" / "reports").glob("*.txt"))
GOLD = REPO / "tests" / "fixtures" / "gold"
DIVISIONS = REPO / "data" / "gazetteer" / "divisions.csv"
RENAMED = REPO / "data" / "gazetteer" / "renamed.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def first_lines_title(text: str) -> str:
    """The report's title: its first non-empty lines, up to the one that says 报告."""
    title = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        title.append(line)
        if "报告" in line:
            break
    return "".join(title)


def triple(region: Region | None) -> tuple[str | None, str | None, str | None] | None:
    return None if region is None else (region.province, region.city, region.county)


# --- the five sample reports -------------------------------------------------------------------


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_sample_report_from_its_first_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))["region"]
    region = resolve_region(first_lines_title(text), None, text)
    assert triple(region) == (expected["province"], expected["city"], expected["county"])
    assert region.level == "county"
    assert region.evidence.startswith("title: ")


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_sample_report_from_gold_title_and_publisher(path: Path) -> None:
    gold = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))
    region = resolve_region(gold["title"], gold["publisher"], path.read_text(encoding="utf-8"))
    assert triple(region) == tuple(gold["region"][key] for key in ("province", "city", "county"))
    assert region.evidence.startswith("publisher: ")


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_sample_report_from_body_alone(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))["region"]
    region = resolve_region("", None, text)
    assert triple(region) == (expected["province"], expected["city"], expected["county"])
    assert region.evidence.startswith("text: ")


# --- hand-written cases ------------------------------------------------------------------------

RESOLVED = [
    # a county named alone: its city and province come from the gazetteer
    ("合水县人民政府", "甘肃省", "庆阳市", "合水县", "621024"),
    ("盐池县2020年政府信息公开年度报告", "宁夏回族自治区", "吴忠市", "盐池县", "640323"),
    # 中宁县 holds 宁县 (甘肃 庆阳, a real county): the longest name ending at 县 wins
    ("中宁县2019年政府信息公开工作年度报告", "宁夏回族自治区", "中卫市", "中宁县", "640521"),
    ("宁县人民政府", "甘肃省", "庆阳市", "宁县", "621026"),
    # 甘肃宁县 is 甘肃 + 宁县, not 甘 + 肃宁县 (河北 沧州)
    ("甘肃宁县", "甘肃省", "庆阳市", "宁县", "621026"),
    ("沧州市肃宁县", "河北省", "沧州市", "肃宁县", "130926"),
    # city and district written together
    ("银川市西夏区2020年政府信息公开工作年度报告", "宁夏回族自治区", "银川市", "西夏区", "640105"),
    ("固原市原州区人民政府办公室", "宁夏回族自治区", "固原市", "原州区", "640402"),
    ("浙江省杭州市西湖区", "浙江省", "杭州市", "西湖区", "330106"),
    ("广东省深圳市南山区", "广东省", "深圳市", "南山区", "440305"),
    ("四川省成都市武侯区", "四川省", "成都市", "武侯区", "510107"),
    # one 城关区 in 拉萨, one in 兰州: the named city decides
    ("西藏自治区拉萨市城关区", "西藏自治区", "拉萨市", "城关区", "540102"),
    ("甘肃省兰州市城关区", "甘肃省", "兰州市", "城关区", "620102"),
    ("北京市朝阳区人民政府", "北京市", None, "朝阳区", "110105"),
    ("长春市朝阳区人民政府", "吉林省", "长春市", "朝阳区", "220104"),
    # a city alone, and cities under autonomous regions and provinces
    ("吴忠市2020年政府信息公开工作年度报告", "宁夏回族自治区", "吴忠市", None, "640300"),
    ("内蒙古自治区呼和浩特市", "内蒙古自治区", "呼和浩特市", None, "150100"),
    ("黑龙江省哈尔滨市", "黑龙江省", "哈尔滨市", None, "230100"),
    # province-level units, including their departments
    ("新疆维吾尔自治区", "新疆维吾尔自治区", None, None, "650000"),
    ("上海市财政局", "上海市", None, None, "310000"),
    ("甘肃省教育厅2020年政府信息公开工作年度报告", "甘肃省", None, None, "620000"),
    ("宁夏回族自治区人民政府办公厅", "宁夏回族自治区", None, None, "640000"),
    ("国家税务总局宁夏回族自治区税务局", "宁夏回族自治区", None, None, "640000"),
    # 直辖市 districts and counties have no city
    ("上海市浦东新区", "上海市", None, "浦东新区", "310115"),
    ("北京市海淀区教育委员会", "北京市", None, "海淀区", "110108"),
    ("重庆市万州区", "重庆市", None, "万州区", "500101"),
    ("重庆市巫山县人民政府", "重庆市", None, "巫山县", "500237"),
    # restored from cpca 0.5.5: without it this would be 宁波市江北区
    ("重庆市江北区", "重庆市", None, "江北区", "500105"),
    ("宁波市江北区", "浙江省", "宁波市", "江北区", "330205"),
    # 省直辖县级行政单位 have no city either
    ("济源市人民政府", "河南省", None, "济源市", "419001"),
    ("湖北省仙桃市", "湖北省", None, "仙桃市", "429004"),
    # townships are not in the gazetteer: the county is the answer
    ("盐池县花马池镇人民政府", "宁夏回族自治区", "吴忠市", "盐池县", "640323"),
    # a one-character county name right after its city
    ("马鞍山市和县", "安徽省", "马鞍山市", "和县", "340523"),
    # short forms
    ("宁夏中宁县", "宁夏回族自治区", "中卫市", "中宁县", "640521"),
    ("广西2020年政府信息公开工作年度报告", "广西壮族自治区", None, None, "450000"),
]


@pytest.mark.parametrize(("title", "province", "city", "county", "code"), RESOLVED, ids=[c[0] for c in RESOLVED])
def test_resolves(title: str, province: str, city: str | None, county: str | None, code: str) -> None:
    region = resolve_region(title, None, "")
    assert triple(region) == (province, city, county)
    assert region.code == code


def test_publisher_comes_before_title() -> None:
    region = resolve_region("2020年政府信息公开工作年度报告", "沈阳市和平区人民政府", "")
    assert triple(region) == ("辽宁省", "沈阳市", "和平区")
    assert region.evidence.startswith("publisher: 沈阳市和平区")


def test_evidence_names_the_words_that_led_to_the_region() -> None:
    assert resolve_region("银川市西夏区2020年政府信息公开工作年度报告", None, "").evidence == "title: 银川市西夏区"


@pytest.mark.parametrize(
    ("title", "level"),
    [("甘肃省教育厅", "province"), ("吴忠市", "city"), ("合水县", "county"), ("上海市浦东新区", "county")],
)
def test_level_is_the_most_specific_unit(title: str, level: str) -> None:
    assert resolve_region(title, None, "").level == level


# --- names borne by several units --------------------------------------------------------------

AMBIGUOUS_ALONE = ["鼓楼区", "朝阳区", "城关区", "新华区", "市中区", "和平区", "西湖区", "铁西区", "南山区"]


@pytest.mark.parametrize("name", AMBIGUOUS_ALONE)
def test_ambiguous_district_alone_keeps_only_the_county(name: str) -> None:
    homonyms = [row for row in read_rows(DIVISIONS) if row["name"] == name]
    assert len({row["province"] for row in homonyms}) > 1
    region = resolve_region(f"{name}人民政府2020年政府信息公开工作年度报告", None, "")
    assert triple(region) == (None, None, name)
    assert region.code is None
    assert "ambiguous" in region.evidence


def test_ambiguous_within_one_province_keeps_the_province() -> None:
    # 新华区 is in 石家庄 and 沧州 (河北) and in 平顶山 (河南)
    region = resolve_region("河北省新华区", None, "")
    assert triple(region) == ("河北省", None, "新华区")
    assert region.code is None


@pytest.mark.parametrize(
    ("body", "province", "city", "code"),
    [
        ("本报告由兰州市城关区人民政府办公室编制。", "甘肃省", "兰州市", "620102"),
        ("按照自治区政务公开工作要点，全区各部门……", "西藏自治区", "拉萨市", "540102"),
        ("按照省政府政务公开工作要点……", "甘肃省", "兰州市", "620102"),
    ],
)
def test_body_settles_an_ambiguous_title(body: str, province: str, city: str, code: str) -> None:
    region = resolve_region("城关区2020年政府信息公开工作年度报告", None, body)
    assert triple(region) == (province, city, "城关区")
    assert region.code == code


def test_more_ancestor_mentions_win() -> None:
    body = "济南市市中区人民政府……济南市政务公开……枣庄"
    region = resolve_region("市中区2020年政府信息公开工作年度报告", None, body)
    assert (region.city, region.code) == ("济南市", "370103")


def test_a_named_ancestor_in_the_body_picks_the_district() -> None:
    region = resolve_region("铁西区政府信息公开工作年度报告", None, "鞍山市铁西区人民政府办公室")
    assert triple(region) == ("辽宁省", "鞍山市", "铁西区")


# --- false matches ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "中华人民共和国教育部2020年政府信息公开工作年度报告",
        "自然资源部",
        "公安部",
        "国务院办公厅",
        "县政府和县委",
    ],
)
def test_no_region_in_national_bodies_or_plain_words(title: str) -> None:
    assert resolve_region(title, None, "") is None


def test_county_short_forms_are_not_read_in_running_text() -> None:
    # 和政 (和政县), 开平 (开平市), 大通 (大通区) are county short forms that ordinary words contain
    assert resolve_region("政府信息公开和政务公开工作年度报告", None, "加强公开平台建设，加大通报力度") is None


def test_every_unit_resolves_from_its_full_chain_of_names() -> None:
    for row in read_rows(DIVISIONS):
        chain = "" if row["level"] == "province" else row["province"]
        chain += row["city"] if row["level"] == "county" else ""
        region = resolve_region(f"{chain}{row['name']}人民政府2020年政府信息公开工作年度报告", None, "")
        assert region is not None and region.code == row["code"], row


@pytest.mark.parametrize(
    "text",
    [
        "推进政府信息县级平台建设",
        "创新县域经济",
        "河西区域",
        "全面小康县",
        "压实责任清单县乡两级",
        "主城区",
        "各县市区",
    ],
)
def test_weak_names_inside_words_are_not_names(text: str) -> None:
    assert load_gazetteer().mentions(text) == []


def test_generic_district_name_needs_its_city() -> None:
    gazetteer = load_gazetteer()
    assert [m.name for m in gazetteer.mentions("加快推进老城区改造")] == []
    assert [m.name for m in gazetteer.mentions("洛阳市老城区人民政府")] == ["洛阳市", "老城区"]


def test_body_without_a_repeated_name_gives_nothing() -> None:
    assert resolve_region("", None, "本报告由某单位编制，报送甘肃省。") is None


# --- former names ----------------------------------------------------------------------------------


def test_former_name_resolves_to_the_current_unit() -> None:
    region = resolve_region("邯郸市肥乡县2016年政府信息公开工作年度报告", None, "")
    assert (region.province, region.city, region.county, region.code) == (
        "河北省",
        "邯郸市",
        "肥乡区",
        "130407",
    )
    assert "肥乡县 is the former name of 肥乡区" in region.evidence


def test_former_name_shared_with_current_units() -> None:
    # 邢台's 桥西区 became 信都区; 石家庄 and 张家口 still have a 桥西区
    assert resolve_region("邢台市桥西区", None, "").code == "130503"
    assert resolve_region("石家庄市桥西区", None, "").code == "130104"
    assert triple(resolve_region("桥西区", None, "")) == ("河北省", None, "桥西区")


# --- the gazetteer files ---------------------------------------------------------------------------


def test_divisions_csv_shape() -> None:
    rows = read_rows(DIVISIONS)
    assert list(rows[0]) == ["code", "name", "level", "province", "city", "county", "short"]
    assert len({row["code"] for row in rows}) == len(rows)
    assert all(len(row["code"]) == 6 and row["code"].isdigit() for row in rows)
    assert {row["level"] for row in rows} == {"province", "city", "county"}
    names = {row["name"] for row in rows}
    assert not names & {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "海域", "苏鲁交界"}
    assert not any(row["code"].startswith(("71", "81", "82")) for row in rows)
    cities = {(row["province"], row["name"]) for row in rows if row["level"] == "city"}
    for row in rows:
        assert row["county"] == (row["name"] if row["level"] == "county" else ""), row
        if row["level"] == "province":
            assert (row["province"], row["city"]) == (row["name"], ""), row
        elif row["level"] == "city":
            assert row["city"] == row["name"], row
        else:
            assert not row["city"] or (row["province"], row["city"]) in cities, row


def test_short_forms() -> None:
    shorts = {row["name"]: row["short"].split(";") for row in read_rows(DIVISIONS) if row["short"]}
    expected = {
        "宁夏回族自治区": "宁夏",
        "广西壮族自治区": "广西",
        "内蒙古自治区": "内蒙古",
        "新疆维吾尔自治区": "新疆",
        "西藏自治区": "西藏",
        "甘肃省": "甘肃",
        "吴忠市": "吴忠",
        "盐池县": "盐池",
        "延边朝鲜族自治州": "延边",
    }
    for name, short in expected.items():
        assert short in shorts[name]
    every_short = [short for forms in shorts.values() for short in forms]
    assert all(len(short) >= 2 for short in every_short)
    assert not set(every_short) & {"城区", "郊区", "矿区", "城关", "和平", "共和", "资源", "公安"}


def test_renamed_rows_point_at_current_units() -> None:
    current = {row["code"]: row["name"] for row in read_rows(DIVISIONS)}
    for row in read_rows(RENAMED):
        assert current[row["code"]] == row["current_name"], row
        assert row["old_name"] != row["current_name"]


# --- loading -----------------------------------------------------------------------------------------


def test_data_folder_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "gazetteer"
    folder.mkdir()
    (folder / "divisions.csv").write_text(
        "code,name,level,province,city,county,short\n"
        "640000,宁夏回族自治区,province,宁夏回族自治区,,,宁夏\n"
        "640300,吴忠市,city,宁夏回族自治区,吴忠市,,吴忠\n"
        "640323,盐池县,county,宁夏回族自治区,吴忠市,盐池县,盐池\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NIANBAO_DATA", str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        assert len(load_gazetteer().divisions) == 3
        assert resolve_region("盐池县", None, "").code == "640323"
        assert resolve_region("合水县", None, "") is None
        monkeypatch.setenv("NIANBAO_DATA", str(tmp_path / "missing"))
        load_gazetteer.cache_clear()
        with pytest.raises(NianbaoError, match="行政区划表"):
            load_gazetteer()
    finally:
        load_gazetteer.cache_clear()
