"""Extraction by pattern on unseen names, alias resolution, 文号 issuers, and the pipeline's parts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.extract import extract_entities
from indexer.extract.documents import document_kind, family_key
from indexer.extract.linking import issuer_of
from indexer.extract.pipeline import pipeline
from indexer.model import Mention
from indexer.parse import parse_text

DEPARTMENT = """某某县教育体育局2021年政府信息公开工作年度报告
根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国办公开办函〔2021〕30号要求，编制本报告。
一、总体情况
2021年，某某县教育体育局在县政务公开办和市教育局的指导下，依据《条例》第二十条第（一）项主动公开信息。
制定了《某某县教育体育局校外培训机构监管暂行细则》（某教体发〔2021〕12号）和《某某县2021年义务教育招生工作实施方案》，
按照《某某县2020年义务教育招生工作实施方案》的做法，通过“某某教育发布”微信公众号和县政府门户网站发布信息，
开展“校园开放日”活动，落实三级审核机制。国办转发的通知要求中华人民共和国办公厅……（此句测试“和国办”）。
县融媒体中心、县政务服务中心协助开展政策解读，采用图解和短视频形式。
二、主动公开政府信息情况
无。
五、存在的主要问题及改进情况
未开展视频解读。
六、其他需要报告的事项
无。
"""


def _mentions(text: str) -> list[Mention]:
    return extract_entities(parse_text(text, path="unseen.txt"))


def _of(mentions: list[Mention], kind: str) -> set[str]:
    return {m.canonical for m in mentions if m.kind == kind}


def test_unseen_department_and_agency_names_are_found_by_shape() -> None:
    mentions = _mentions(DEPARTMENT)
    agencies = _of(mentions, "agency")
    assert "某某县教育体育局" in agencies
    assert any(a.endswith("教育局") for a in agencies)
    assert any(a.endswith("融媒体中心") for a in agencies)
    assert not any("和国办" in m.surface for m in mentions)


def test_unseen_document_titles_with_numbers_kinds_and_families() -> None:
    mentions = _mentions(DEPARTMENT)
    docs = {m.attrs.get("title"): m for m in mentions if m.kind == "document" and m.attrs.get("title")}
    rules = docs["某某县教育体育局校外培训机构监管暂行细则"]
    assert rules.attrs["doc_number"] == "某教体发〔2021〕12号"
    plan21, plan20 = docs["某某县2021年义务教育招生工作实施方案"], docs["某某县2020年义务教育招生工作实施方案"]
    assert plan21.attrs["doc_kind"] == "policy_document"
    assert plan21.attrs["family"] == plan20.attrs["family"] == "某某县义务教育招生工作实施方案"
    numbers = {m.canonical for m in mentions if m.kind == "document" and not m.attrs.get("title")}
    assert "国办公开办函〔2021〕30号" in numbers


def test_short_name_and_bare_title_resolve_to_the_full_regulation() -> None:
    mentions = _mentions(DEPARTMENT)
    tiaoli = [m for m in mentions if m.kind == "document" and m.attrs.get("title") == "条例"]
    assert tiaoli and all(m.canonical == "中华人民共和国政府信息公开条例" for m in tiaoli)
    assert any(m.attrs.get("article") == "第二十条第（一）项" for m in tiaoli)


def test_regulation_alias_resolves_however_written() -> None:
    text = DEPARTMENT.replace("（以下简称《条例》）", "").replace("依据《条例》", "依据《政府信息公开条例》")
    mentions = _mentions(text)
    assert {m.canonical for m in mentions if m.attrs.get("title") == "政府信息公开条例"} == {
        "中华人民共和国政府信息公开条例"
    }


def test_guoban_is_the_general_office_of_the_state_council() -> None:
    doc = pipeline()("根据国办要求，国务院办公厅印发通知。")
    assert {s.kb_id_ for s in doc.spans["mentions"] if s.label_ == "agency"} == {"国务院办公厅"}


def test_platforms_measures_and_named_instances() -> None:
    mentions = _mentions(DEPARTMENT)
    platforms, measures = _of(mentions, "platform"), _of(mentions, "measure")
    assert {"微信公众号", "政府门户网站"} <= platforms
    assert "某某教育发布" in platforms
    instance = next(m for m in mentions if m.canonical == "某某教育发布")
    assert instance.attrs["instance_of"]
    assert "三级审核" in measures and "政策解读" in measures


def test_negated_and_problem_section_practices_are_mentions_but_not_listed() -> None:
    report = parse_text(DEPARTMENT, path="unseen.txt")
    extract_entities(report)
    video = [m for m in report.mentions if m.canonical == "视频解读"]
    assert video and all(m.attrs.get("negated") or m.section == "problems" for m in video)
    assert "视频解读" not in report.entities_json()["measures"]


def test_doc_number_prefix_names_the_issuer() -> None:
    region = {"province": "宁夏回族自治区", "city": "吴忠市", "county": "盐池县"}
    assert issuer_of("盐政办发〔2020〕43号", region) == "盐池县人民政府办公室"
    assert issuer_of("吴政办发〔2020〕7号", region) == "吴忠市人民政府办公室"
    assert issuer_of("国办发〔2017〕47号", region) == "国务院办公厅"
    assert issuer_of("国办公开办函〔2021〕30号", region) == "国务院办公厅政府信息与政务公开办公室"


def test_issuer_is_attached_to_document_mentions() -> None:
    text = DEPARTMENT.replace("某教体发〔2021〕12号", "某某政办发〔2021〕12号")
    mentions = _mentions(text)
    rules = next(m for m in mentions if m.attrs.get("title") == "某某县教育体育局校外培训机构监管暂行细则")
    assert rules.attrs.get("issuer", "").endswith("人民政府办公室")


def test_document_kinds() -> None:
    assert document_kind("中华人民共和国政府信息公开条例") == "law_regulation"
    assert document_kind("关于印发某某办法的通知") == "policy_document"
    assert document_kind("某县2019年脱贫攻坚重点项目方案(第一批)") == "policy_document"
    assert document_kind("某县人民政府公报") == "publication"
    assert document_kind("某县2019年政府信息公开工作年度报告") == "other"
    assert family_key("某县2020年政务公开工作要点") == family_key("某县2021年政务公开工作要点")


def test_mentions_carry_sentence_and_section() -> None:
    report = parse_text(DEPARTMENT, path="unseen.txt")
    for m in extract_entities(report):
        assert report.text[m.start : m.end] == m.surface
        assert m.sentence_start <= m.start and m.end <= m.sentence_end
        assert m.section in ("preamble", "overview", "proactive", "problems", "other")


def test_a_memory_zone_gives_the_same_mentions_and_keeps_the_vocabulary_from_growing(monkeypatch) -> None:
    """After the warm-up, each report is processed in a spaCy memory zone: the same mentions as
    outside one, and what the report added to the vocabulary is gone afterwards."""
    import itertools

    import indexer.extract as extract

    texts = [DEPARTMENT] + [
        DEPARTMENT.replace("某某县", f"{name}县").replace("12号", f"{n}号")
        for n, name in enumerate(("甲乙", "丙丁", "戊己"), start=30)
    ]
    monkeypatch.setattr(extract, "_calls", itertools.count(1))
    monkeypatch.setattr(extract, "_WARM_UP", 10**9)
    outside = [_mentions(t) for t in texts]
    strings = pipeline().vocab.strings
    monkeypatch.setattr(extract, "_WARM_UP", 0)
    before = len(strings)
    inside = [_mentions(t.replace("县", "区")) for t in texts]
    assert len(strings) == before
    assert inside == [_mentions(t.replace("县", "区")) for t in texts]  # zones do not leak into each other
    monkeypatch.setattr(extract, "_WARM_UP", 10**9)
    assert [_mentions(t.replace("县", "区")) for t in texts] == inside
    assert len(strings) > before  # outside a zone the new names stay
    assert [m.canonical for m in outside[0]] and outside[0] == _mentions(DEPARTMENT)


_FRAGMENT = re.compile(
    r"^(?:由|向|请|现就|现将|[一二三四五六七八九十]是|\d|个|在|与|和|对|经|已经|报告|每月|督促|会议|处置|都|可与|报送|年|全|各|本机关)"
)


@pytest.mark.parametrize(
    "sample", sorted((Path(__file__).resolve().parents[1] / "data" / "reports").glob("*.txt")), ids=lambda p: p.stem[:3]
)
def test_agency_names_begin_at_a_name_not_in_the_sentence_before_it(sample: Path) -> None:
    from indexer.analyze import analyze_file

    report = analyze_file(sample)
    agencies = {m.canonical for m in report.mentions if m.kind == "agency"}
    assert agencies
    assert not [a for a in agencies if _FRAGMENT.match(a) or "乡镇" in a or "场所" in a or a.endswith("推进会")]
    region = report.region.county if report.region else None
    # 县人民政府 written alone in a county's report is that county's government
    assert any(region in a and a.endswith(("人民政府", "人民政府办公室")) for a in agencies), agencies


def test_generic_and_plural_places_are_not_agencies() -> None:
    text = DEPARTMENT.replace("县融媒体中心、", "全县各乡镇人民政府、县融媒体中心、每月由专人对各乡镇人民政府督查，")
    agencies = _of(_mentions(text), "agency")
    assert not [a for a in agencies if "乡镇" in a or a.startswith(("全", "各", "每月"))], agencies


ZHONGNING = """中宁县人民政府2023年政府信息公开工作年度报告
一、总体情况
中宁县政务服务管理局（以下简称“政务中心局”）负责政府信息公开申请的受理。县政府办及时转办，市政府办公室督促，
自治区政务公开办组织培训，我县司法局答复复议案件，石空镇人民政府公开村务，各县政府互相学习。
严格落实新修订的《中华人民共和国政府信息公开条例》，对照原《政府信息公开条例》（国务院令第492号）梳理目录。
政务中心局按期办结。
五、存在的主要问题及改进情况
无。
"""


def _agencies(text: str) -> dict[str, Mention]:
    return {m.surface: m for m in _mentions(text) if m.kind == "agency"}


def test_short_forms_resolve_to_the_report_s_own_bodies() -> None:
    found = _agencies(ZHONGNING)
    assert found["县政府办"].canonical == "中宁县人民政府办公室"
    assert found["市政府办公室"].canonical == "中卫市人民政府办公室"
    assert found["自治区政务公开办"].canonical == "宁夏回族自治区政务公开办公室"
    assert found["我县司法局"].canonical == "中宁县司法局"
    assert not [s for s in found if s.startswith("各")]


def test_a_declared_abbreviation_is_the_agency_it_was_declared_for() -> None:
    mentions = [m for m in _mentions(ZHONGNING) if m.kind == "agency" and m.surface == "政务中心局"]
    assert len(mentions) == 1  # the later use (the declaration itself is part of the full name's mention)
    assert {m.canonical for m in mentions} == {"中宁县政务服务管理局"}
    # Without the declaration the same word is no agency of this report.
    undeclared = _mentions(ZHONGNING.replace("（以下简称“政务中心局”）", ""))
    assert "中宁县政务服务管理局" not in {m.canonical for m in undeclared if m.surface == "政务中心局"}


def test_agencies_carry_region_level_and_the_parent_their_name_shows() -> None:
    found = {m.canonical: m.attrs for m in _mentions(ZHONGNING) if m.kind == "agency"}
    office = found["中宁县人民政府办公室"]
    assert office["region"] == "宁夏回族自治区/中卫市/中宁县"
    assert office["level"] == "county"
    assert office["parent"] == "中宁县人民政府"
    assert found["中卫市人民政府办公室"]["level"] == "city"
    assert found["宁夏回族自治区政务公开办公室"]["level"] == "province"
    assert "parent" not in found["中宁县司法局"]  # nothing in its name shows what it sits under
    assert found["石空镇人民政府"]["level"] == "township"
    assert found["石空镇人民政府"]["region"] == "宁夏回族自治区/中卫市/中宁县"
    national = {m.canonical: m.attrs for m in _mentions(DEPARTMENT) if m.kind == "agency"}
    assert national["国务院办公厅政府信息与政务公开办公室"] == {
        **national["国务院办公厅政府信息与政务公开办公室"],
        "level": "national",
        "parent": "国务院办公厅",
    }


def test_the_regulation_s_editions_are_told_apart_where_the_text_says_which() -> None:
    regulation = "中华人民共和国政府信息公开条例"
    versions = [m.attrs.get("version") for m in _mentions(ZHONGNING) if m.canonical == regulation]
    assert versions == ["2019", "2007"]
    text = ZHONGNING.replace("新修订的", "").replace("原《", "《").replace("（国务院令第492号）", "")
    assert [m.attrs.get("version") for m in _mentions(text) if m.canonical == regulation] == [None, None]
    numbered = text.replace("梳理目录", "梳理目录，执行国务院令第711号")
    assert "2019" in [m.attrs.get("version") for m in _mentions(numbered) if m.kind == "document"]


def test_the_store_answers_editions_and_the_graph_links_agencies_to_parent_and_region(tmp_path: Path) -> None:
    from indexer.api import Library

    report = tmp_path / "zhongning.txt"
    report.write_text(ZHONGNING, encoding="utf-8")
    library = Library(tmp_path / "store.db")
    library.ingest([report], workers=1)
    answer = library.cites("国务院令第711号")
    assert answer.canonical == "中华人民共和国政府信息公开条例"
    assert answer.versions == {"2019": 1, "2007": 1}
    assert answer.hits[0].versions == ["2019", "2007"]
    g = library.graph()
    office = "agency:中宁县人民政府办公室"
    links = {(v, k) for _, v, k in g.out_edges(office, keys=True)}
    assert ("agency:中宁县人民政府", "under") in links
    assert ("region:宁夏回族自治区/中卫市/中宁县", "located_in") in links


UNKNOWN_NAMES = """某某县2021年政府信息公开工作年度报告
一、总体情况
通过县政府门户网站、“某某民声”监管平台、某某广播站、农家书屋等渠道公开信息，依托某某县社情民意收集平台受理诉求。
实行“首问一口清”，推行“三看三比”，坚持“零容忍”态度，落实“六保”任务。建立信息周报送制度，健全考核监督机制。
修订了《某某县人民政府政务公开工作督查制度》和《某某县教育体育局信息发布三审工作手册》。
二、主动公开政府信息情况
无。
五、存在的主要问题及改进情况
无。
"""


def test_names_no_lexicon_knows_are_found_where_the_report_leaves_no_doubt() -> None:
    """A quoted name before a kind word, a name a verb introduces with its kind word, a quoted practice
    after a verb that puts it in place, an unknown member of a list beside a known platform, a title that
    is a practice's rules: each is an entity of its own, marked with how it was read."""
    mentions = _mentions(UNKNOWN_NAMES)
    found = {(m.kind, m.canonical): m.attrs.get("discovered") for m in mentions if m.attrs.get("discovered")}
    assert found[("platform", "“某某民声”监管平台")] == "quoted"
    assert found[("platform", "某某广播站")] == "listed"
    assert found[("platform", "农家书屋")] == "listed"
    assert found[("platform", "某某县社情民意收集平台")] == "introduced"
    assert found[("measure", "首问一口清")] == "quoted"
    assert found[("measure", "三看三比")] == "quoted"
    assert found[("measure", "信息周报送制度")] == "introduced"
    assert found[("measure", "政务公开工作督查制度")] == "title"
    assert found[("measure", "信息发布三审工作手册")] == "title"
    # A quoted word inside a longer phrase, an arrangement improved rather than a practice named.
    names = {canonical for _, canonical in found}
    assert not names & {"零容忍", "六保", "考核监督机制"}
    assert "县政府门户网站" not in names  # known: the lexicon's 政府门户网站
