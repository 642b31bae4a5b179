"""Reports in shapes the samples do not show: the 2021 template, departments, variant headings,
free-form reports before 2019, truncated reports, one cell per line."""

from __future__ import annotations

import re

import pytest

from indexer.errors import NianbaoError
from indexer.model import SECTION_KINDS
from indexer.parse import parse_text

OUTCOMES_2021 = [
    ("（一）予以公开", [10, 1, 0, 0, 0, 0, 11]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [2, 0, 0, 0, 0, 0, 2]),
    ("（三）不予公开\t1.属于国家秘密", [0] * 7),
    ("2.其他法律行政法规禁止公开", [0] * 7),
    ("3.危及“三安全一稳定”", [0] * 7),
    ("4.保护第三方合法权益", [1, 0, 0, 0, 0, 0, 1]),
    ("5.属于三类内部事务信息", [0] * 7),
    ("6.属于四类过程性信息", [0] * 7),
    ("7.属于行政执法案卷", [0] * 7),
    ("8.属于行政查询事项", [0] * 7),
    ("（四）无法提供\t1.本机关不掌握相关政府信息", [5, 1, 0, 0, 1, 0, 7]),
    ("2.没有现成信息需要另行制作", [0] * 7),
    ("3.补正后申请内容仍不明确", [0] * 7),
    ("（五）不予处理\t1.信访举报投诉类申请", [1, 0, 0, 0, 0, 0, 1]),
    ("2.重复申请", [0] * 7),
    ("3.要求提供公开出版物", [0] * 7),
    ("4.无正当理由大量反复申请", [0] * 7),
    ("5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0, 1]),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("3.其他", [1, 0, 0, 0, 0, 0, 1]),
    ("（七）总计", [21, 2, 0, 0, 1, 0, 24]),
]
KEYS_2021 = [
    "予以公开",
    "部分公开",
    "不予公开.国家秘密",
    "不予公开.法律法规禁止",
    "不予公开.三安全一稳定",
    "不予公开.第三方合法权益",
    "不予公开.内部事务",
    "不予公开.过程性信息",
    "不予公开.行政执法案卷",
    "不予公开.行政查询事项",
    "无法提供.不掌握",
    "无法提供.需另行制作",
    "无法提供.补正后仍不明确",
    "不予处理.信访举报投诉",
    "不予处理.重复申请",
    "不予处理.公开出版物",
    "不予处理.大量反复申请",
    "不予处理.确认或重新出具",
    "其他处理.逾期不补正",
    "其他处理.逾期未缴费",
    "其他处理.其他",
    "总计",
]


def _row(label: str, values: list[int | None]) -> str:
    return label + "\t" + "\t".join("" if v is None else str(v) for v in values)


def report_2021(publisher: str = "杭州市西湖区人民政府", outcomes=OUTCOMES_2021, new=None) -> str:
    new = new or [20, 3, 0, 0, 1, 0, 24]
    lines = [
        f"{publisher}2022年政府信息公开工作年度报告",
        "",
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国办公开办函〔2021〕30号要求编制。",
        "一、总体情况",
        "2022年，全区共收到政府信息公开申请24件，已全部依法答复。",
        "（一）主动公开。全年主动公开政府信息3200条。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t0",
        "行政规范性文件\t5\t1\t23",
        "第二十条第（五）项",
        "信息内容\t本年处理决定数量",
        "行政许可\t1520",
        "第二十条第（六）项",
        "信息内容\t本年处理决定数量",
        "行政处罚\t356",
        "行政强制\t12",
        "第二十条第（八）项",
        "信息内容\t本年收费金额（单位：万元）",
        "行政事业性收费\t85.6",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
        "\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
        _row("一、本年新收政府信息公开申请数量", new),
        _row("二、上年结转政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2]),
    ]
    lines.append("三、本年度办理结果\t" + _row(*outcomes[0]))
    lines += [_row(label, values) for label, values in outcomes[1:]]
    lines += [
        _row("四、结转下年度继续办理", [1, 1, 0, 0, 0, 0, 2]),
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t\t\t\t\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
        "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "\t".join(["1", "1", "0", "0", "2", "0", "0", "1", "0", "1", "0", "0", "0", "0", "0"]),
        "五、存在的主要问题及改进情况",
        "一是政策解读形式单一。二是工作人员变动频繁。下一步，我们将加强培训。",
        "六、其他需要报告的事项",
        "无。",
    ]
    return "\n".join(lines)


def test_2021_template_tables() -> None:
    report = parse_text(report_2021())
    assert report.template == "2021"
    assert report.year == 2022
    flat = {row: {k: v.value for k, v in cells.items()} for row, cells in report.proactive.items()}
    assert flat == {
        "规章": {"issued": 0, "repealed": 0, "in_force": 0},
        "行政规范性文件": {"issued": 5, "repealed": 1, "in_force": 23},
        "行政许可": {"decisions": 1520},
        "行政处罚": {"decisions": 356},
        "行政强制": {"decisions": 12},
        "行政事业性收费": {"amount_wan_yuan": 85.6},
    }
    assert report.requests is not None
    assert list(report.requests) == ["新收", "上年结转", *KEYS_2021, "结转下年度"]
    for key, (_, values) in zip(KEYS_2021, OUTCOMES_2021, strict=True):
        assert [c.value for c in report.requests[key]] == values, key
    review = {b: {k: v.value for k, v in cells.items()} for b, cells in report.review_litigation.items()}
    assert review["复议"] == {"维持": 1, "纠正": 1, "其他": 0, "尚未审结": 0, "总计": 2}
    assert review["直接起诉"] == {"维持": 0, "纠正": 0, "其他": 1, "尚未审结": 0, "总计": 1}
    failing = [c.check for c in report.consistency if c.ok is False]
    assert failing == []
    assert report.region is not None and (report.region.province, report.region.city, report.region.county) == (
        "浙江省",
        "杭州市",
        "西湖区",
    )


def test_2021_template_one_cell_per_line() -> None:
    # Word and PDF extractions often put every cell on its own line.
    text = report_2021()
    head, rest = text.split("三、收到和处理政府信息公开申请情况\n", 1)
    table, tail = rest.split("四、政府信息公开行政复议", 1)
    one_per_line = "\n".join("\t" + cell for line in table.split("\n") for cell in line.split("\t") if cell)
    report = parse_text(
        head + "三、收到和处理政府信息公开申请情况\n" + one_per_line + "\n四、政府信息公开行政复议" + tail
    )
    for key, (_, values) in zip(KEYS_2021, OUTCOMES_2021, strict=True):
        assert [c.value for c in report.requests[key]] == values, key
    assert [c.value for c in report.requests["结转下年度"]] == [1, 1, 0, 0, 0, 0, 2]


def test_dropped_cell_is_derived_only_when_forced() -> None:
    outcomes = list(OUTCOMES_2021)
    outcomes[0] = ("（一）予以公开", [10, None, 0, 0, 0, 0, 11])  # blank cell: forced to 1 by the row total
    report = parse_text(report_2021(outcomes=outcomes))
    cells = report.requests["予以公开"]
    assert [c.value for c in cells] == [10, 1, 0, 0, 0, 0, 11]
    assert cells[1].derived and not cells[0].derived
    assert any(d.row == "予以公开" and d.column == "商业企业" and d.value == 1 for d in report.derived_cells)


def test_cells_forced_by_column_identities_are_derived() -> None:
    outcomes = list(OUTCOMES_2021)
    # Two numbers printed for seven columns: the other rows and （七）总计 force every blank cell.
    outcomes[10] = ("（四）无法提供\t1.本机关不掌握相关政府信息", [5, 7])
    report = parse_text(report_2021(outcomes=outcomes))
    cells = report.requests["无法提供.不掌握"]
    assert [c.value for c in cells] == [5, 1, 0, 0, 1, 0, 7]
    assert all(c.derived for c in cells)


def test_ambiguous_dropped_cells_stay_empty() -> None:
    outcomes = [o for o in OUTCOMES_2021 if not o[0].startswith("（七）")]
    outcomes[10] = ("（四）无法提供\t1.本机关不掌握相关政府信息", [5, 7])
    text = report_2021(outcomes=outcomes).replace(_row("四、结转下年度继续办理", [1, 1, 0, 0, 0, 0, 2]), "")
    report = parse_text(text)
    cells = report.requests["无法提供.不掌握"]
    assert all(c.value is None and "2 numbers" in c.reason for c in cells)
    assert "总计" not in report.requests
    assert {c.check: c.ok for c in report.consistency}["requests.total_row"] is None


def test_department_report_level_and_region() -> None:
    text = report_2021(publisher="上海市财政局")
    report = parse_text(text)
    assert report.publisher == "上海市财政局"
    assert report.level == "department"
    assert report.region is not None and report.region.province == "上海市"


def test_county_government_office_is_county_level() -> None:
    report = parse_text(report_2021(publisher="合水县人民政府办公室"))
    assert report.level == "county"
    assert (report.region.province, report.region.city) == ("甘肃省", "庆阳市")


def _without_title(first_lines: list[str]) -> str:
    """report_2021 with its title line and introduction replaced."""
    lines = report_2021().split("\n")
    return "\n".join(first_lines + lines[3:])


@pytest.mark.parametrize(
    ("intro", "title", "publisher", "level", "county"),
    [
        (
            "依据《中华人民共和国政府信息公开条例》，现公布通榆县人民政府办公室政府信息公开工作年度报告。",
            "通榆县人民政府办公室政府信息公开工作年度报告",
            "通榆县人民政府办公室",
            "county",
            "通榆县",
        ),
        (
            "依据《条例》要求，现发布《临洮县新添镇2022年政府信息公开工作年度报告》。",
            "临洮县新添镇2022年政府信息公开工作年度报告",
            "临洮县新添镇人民政府",
            "township",
            "临洮县",
        ),
        (
            "根据《条例》规定，现将建平县人民政府2022年政府信息公开工作年度报告公布如下。",
            "建平县人民政府2022年政府信息公开工作年度报告",
            "建平县人民政府",
            "county",
            "建平县",
        ),
    ],
)
def test_report_without_title_block_named_in_its_first_sentence(
    intro: str, title: str, publisher: str, level: str, county: str
) -> None:
    report = parse_text(_without_title([intro, "统计期限为2022年1月1日至2022年12月31日。"]))
    assert (report.title, report.publisher, report.level, report.year) == (title, publisher, level, 2022)
    assert report.region is not None and report.region.county == county


def test_report_announcing_itself_without_a_name_has_no_title() -> None:
    report = parse_text(_without_title(["根据《条例》规定，现将本单位2022年政府信息公开工作年度报告公布如下。"]))
    assert report.title is None
    assert report.publisher is None


def test_publisher_named_after_the_year_in_the_title() -> None:
    report = parse_text(_without_title(["2022年上海市政府信息公开工作年度报告", "本年度报告根据《条例》的要求编制。"]))
    assert (report.publisher, report.level, report.year) == ("上海市人民政府", "province", 2022)
    report = parse_text(_without_title(["2022年全市政府信息公开工作年度报告", "本年度报告根据《条例》的要求编制。"]))
    assert report.publisher is None


@pytest.mark.parametrize(
    ("title", "publisher"),
    [
        ("关于固阳县2022年政府信息公开工作年度报告", "固阳县人民政府"),
        ("固阳县人民政府关于2022年度政府信息公开工作年度报告的报告", "固阳县人民政府"),
        ("固阳县教育局政府信息公开工作2022年度报告", "固阳县教育局"),
        ("固阳县人民政府信息公开工作2022年度报告", "固阳县人民政府"),
        ("固阳县人民政府信息公开工作年度报告", "固阳县人民政府"),
        ("上海市2022年政务公开工作年度报告", "上海市人民政府"),
        ("固阳县人民政府办公室关于印发固阳县2022年政府信息公开工作年度报告的通知", "固阳县人民政府"),
        ("固阳县教育局关于公布《固阳县教育局2022年政府信息公开工作年度报告》的通知", "固阳县教育局"),
    ],
)
def test_publisher_from_title_forms(title: str, publisher: str) -> None:
    report = parse_text(_without_title([title, "统计期限为2022年1月1日至2022年12月31日。"]))
    assert (report.publisher, report.year) == (publisher, 2022)


_NEXT = "2022年计划：2022年起完善制度，2022年底前建成专区，2022年全年培训。"  # the next year, named more often


@pytest.mark.parametrize(
    ("lines", "year", "publisher"),
    [
        (["固阳县二〇二一年政府信息公开工作年度报告"], 2021, "固阳县人民政府"),
        (["固阳县二○二一年度政府信息公开工作年度报告"], 2021, "固阳县人民政府"),
        (["固阳县人民政府政府信息公开工作年度报告", "统计期限自2021年1月1日起至2021年12月31日止。", _NEXT], 2021, None),
        (["固阳县人民政府政府信息公开工作年度报告", "所列数据统计期限为2021年1月1日至12月31日。", _NEXT], 2021, None),
    ],
)
def test_reporting_year_forms(lines: list[str], year: int, publisher: str | None) -> None:
    report = parse_text(_without_title(lines))
    assert report.year == year
    assert publisher is None or report.publisher == publisher


def test_publisher_on_a_line_of_its_own_under_the_title() -> None:
    report = parse_text(_without_title(["2022年政府信息公开工作年度报告", "桃江县松木塘镇人民政府", ""]))
    assert (report.title, report.publisher, report.level) == (
        "2022年政府信息公开工作年度报告",
        "桃江县松木塘镇人民政府",
        "township",
    )
    assert report.region is not None and report.region.county == "桃江县"


@pytest.mark.parametrize(
    ("publisher", "level"),
    [("下湿壕镇政府", "township"), ("固阳县政府办公室", "county"), ("固阳县教育局", "department")],
)
def test_government_written_without_renmin(publisher: str, level: str) -> None:
    assert parse_text(report_2021(publisher=publisher)).level == level


def test_publisher_compiled_by_in_the_introduction() -> None:
    text = _without_title(
        [
            "政府信息公开工作年度报告",
            "本报告根据《中华人民共和国政府信息公开条例》要求，由保康县农业农村局编制。",
            "统计期限为2022年1月1日至2022年12月31日。",
        ]
    )
    report = parse_text(text)
    assert report.publisher == "保康县农业农村局"  # not 由保康县…
    assert report.level == "department"
    assert (report.region.province, report.region.county) == ("湖北省", "保康县")


@pytest.mark.parametrize("row", ["规章\t/\t/\t/", "规章\n/\n/\n/", "规章\t—\t—\t—", "规章（县级无此项）\t/\t/\t/"])
def test_not_applicable_cells_are_empty_with_that_reason(row: str) -> None:
    report = parse_text(report_2021(publisher="某某区统计局").replace("规章\t0\t0\t0", row))
    mark = row.split()[-1]
    assert {f: (v.value, v.reason) for f, v in report.proactive["规章"].items()} == {
        f: (None, f"'规章' row prints '{mark}' (not applicable)") for f in ("issued", "repealed", "in_force")
    }
    assert report.proactive["行政规范性文件"]["in_force"].value == 23
    assert not report.warnings


@pytest.mark.parametrize("label", ["规章（县级无此项）", "规章(县级无此项)", "规章 （县级无此项）"])
def test_row_label_with_a_note(label: str) -> None:
    report = parse_text(report_2021().replace("规章\t0\t0\t0", f"{label}\t1\t2\t3"))
    assert [v.value for v in report.proactive["规章"].values()] == [1, 2, 3]


def test_blank_cells_of_a_grid_whose_labels_span_two_fields() -> None:
    # As a web page's table arrives: blank cells stay empty fields, and the outcome rows' labels
    # take two fields (三、本年度办理结果 | （一）予以公开 | …), so the numbers end at each line's end.
    printed = _row("一、本年新收政府信息公开申请数量", [20, 3, 0, 0, 1, 0, 24])
    report = parse_text(report_2021().replace(printed, "一、本年新收政府信息公开申请数量\t20\t\t\t\t\t\t24"))
    new = report.requests["新收"]
    assert [v.value for v in new] == [20, 3, 0, 0, 1, 0, 24]
    assert [v.derived for v in new] == [False, True, True, True, True, True, False]  # 20 and 24 are printed
    assert {d.column for d in report.derived_cells} == {"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"}


@pytest.mark.parametrize("tail", ["", "\t\t"])
def test_review_row_with_blank_cells_to_the_end(tail: str) -> None:
    printed = "\t".join(["1", "1", "0", "0", "2", "0", "0", "1", "0", "1", "0", "0", "0", "0", "0"])
    blanks = "\t".join(["1", "1", "", "", "2", "", "", "1", "", "1", "", "", "", "", ""]) + tail
    report = parse_text(report_2021().replace(printed, blanks))
    review = {block: [v.value for v in cells.values()] for block, cells in report.review_litigation.items()}
    assert review == {
        "复议": [1, 1, None, None, 2],
        "直接起诉": [None, None, 1, None, 1],
        "复议后起诉": [None, None, None, None, None],
    }
    assert report.review_litigation["复议后起诉"]["总计"].reason == "cell is blank in the printed table"


def test_applications_table_with_zeros_left_blank_in_every_row() -> None:
    # A web page's table: no row prints all seven cells, blank fields stay, labels of the outcome rows
    # take two fields. Printed numbers are placed by field; blanks forced by the identities are derived.
    text = report_2021()
    start, end = text.index("申请人情况"), text.index("四、政府信息公开行政复议")
    region = re.sub(r"(?<=\t)0(?=\t|\n|$)", "", text[start:end])
    report = parse_text(text[:start] + region + text[end:])
    assert [v.value for v in report.requests["新收"]] == [20, 3, 0, 0, 1, 0, 24]
    assert [v.derived for v in report.requests["新收"]] == [False, False, True, True, False, True, False]
    assert [v.value for v in report.requests["予以公开"]] == [10, 1, 0, 0, 0, 0, 11]
    assert {c.check: c.ok for c in report.consistency}["requests.balance"] is True


def test_sections_numbered_like_subsections() -> None:
    text = report_2021()
    headings = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况"]
    headings += ["政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项"]
    for numeral, heading in zip("一二三四五六", headings, strict=True):
        text = text.replace(f"{numeral}、{heading}", f"（{numeral}）{heading}")
    report = parse_text(text)
    assert [s.kind for s in report.sections] == list(SECTION_KINDS)
    assert report.proactive is not None and report.requests is not None
    assert report.sections[0].subsections[0].heading.startswith("主动公开")  # （一）主动公开。 stays a subsection


def test_other_matters_to_explain() -> None:
    report = parse_text(report_2021().replace("六、其他需要报告的事项", "六、其他需要说明的事项"))
    assert report.sections[-1].kind == "other" and report.sections[-1].heading == "其他需要说明的事项"


def test_township_report_level() -> None:
    report = parse_text(report_2021(publisher="盐池县花马池镇人民政府"))
    assert report.level == "township"
    assert report.region.county == "盐池县"


@pytest.mark.parametrize(
    "style",
    [
        lambda n, h: f"{n}、{h}",
        lambda n, h: f"{n}．{h}",
        lambda n, h: f"第{n}部分 {h}",
        lambda n, h: f"{'一二三四五六'.index(n) + 1}、{h}",
        lambda n, h: f"{n}、{h}：",
    ],
    ids=["comma", "fullwidth-dot", "part", "arabic", "colon"],
)
def test_heading_numbering_styles(style) -> None:
    text = report_2021()
    for n, heading in zip(
        "一二三四五六",
        (
            "总体情况",
            "主动公开政府信息情况",
            "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况",
            "存在的主要问题及改进情况",
            "其他需要报告的事项",
        ),
        strict=True,
    ):
        text = text.replace(f"\n{n}、{heading}\n", f"\n{style(n, heading)}\n")
    report = parse_text(text)
    assert [s.kind for s in report.sections] == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other",
    ]


def test_heading_wording_varies() -> None:
    text = (
        report_2021()
        .replace("三、收到和处理政府信息公开申请情况", "三、依申请公开政府信息情况")
        .replace("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况")
        .replace("五、存在的主要问题及改进情况", "五、存在的主要问题和改进措施")
    )
    report = parse_text(text)
    assert [s.kind for s in report.sections][2:5] == ["applications", "review_litigation", "problems"]


def test_free_form_report_before_2019() -> None:
    text = (
        "某某县人民政府2017年政府信息公开工作年度报告\n"
        "一、概述\n2017年，我县认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息1200条。\n"
        "二、主动公开政府信息情况\n全年通过政府网站主动公开信息800条。\n"
        "三、依申请公开政府信息情况\n全年共受理政府信息公开申请6件。\n"
        "四、存在的主要问题及改进情况\n政策解读不够深入。\n"
    )
    report = parse_text(text)
    assert report.template == "other"
    assert report.year == 2017
    assert report.proactive is None and report.requests is None and report.review_litigation is None
    checks = {c.check: c for c in report.consistency}
    assert checks["tables.missing"].ok is True
    assert checks["narrative.requests"].ok is None
    assert [s.kind for s in report.sections] == ["overview", "proactive", "applications", "problems"]


@pytest.mark.parametrize(
    ("problems_heading", "fixes_heading"),
    [("存在问题", "改进措施"), ("存在的主要问题", "今后改进方向"), ("工作中存在的不足", "下一步工作打算")],
)
def test_report_before_2019_with_problems_and_fixes_apart(problems_heading: str, fixes_heading: str) -> None:
    text = (
        "某某县文广新局2013年度信息公开工作年度报告\n"
        "一、主动公开政府信息的情况\n2013年度主动公开信息5条。\n"
        "二、依申请公开政府信息情况\n2013年度没有收到申请。\n"
        "三、信息公开的收费及减免情况\n没有收费。\n"
        "四、因信息公开申请行政复议、提起行政诉讼的情况\n没有发生。\n"
        f"五、{problems_heading}\n还存在宣传培训不足、工作人员业务不熟等问题。\n"
        f"六、{fixes_heading}\n一是规范流程，建立长效机制。二是加强培训，提高业务水平。\n"
    )
    report = parse_text(text)
    assert [s.kind for s in report.sections] == ["proactive", "applications", "review_litigation", "problems"]
    problems = report.sections[-1]
    assert problems.heading == problems_heading
    assert text[problems.start : problems.end].rstrip().endswith("二是加强培训，提高业务水平。")  # fixes included


def test_truncated_web_page_parses_as_far_as_it_goes() -> None:
    text = report_2021().split("二、主动公开政府信息情况")[0]
    report = parse_text(text)
    assert report.title and report.year == 2022
    assert [s.kind for s in report.sections] == ["overview"]
    checks = {c.check: c for c in report.consistency}
    assert checks["sections.missing"].ok is False
    assert checks["tables.missing"].ok is False
    assert checks["requests.balance"].ok is None
    assert report.warnings


def test_chinese_text_that_is_not_a_report() -> None:
    text = "今天天气很好，我们去公园散步。春天来了，花开了，小鸟在树上唱歌。" * 20
    with pytest.raises(NianbaoError, match="not a government information disclosure annual report"):
        parse_text(text, path="story.txt")


def test_narrative_requests_against_table() -> None:
    text = report_2021().replace("共收到政府信息公开申请24件", "共收到政府信息公开申请30件")
    checks = {c.check: c for c in parse_text(text).consistency}
    assert checks["narrative.requests"].ok is False
    assert "30" in checks["narrative.requests"].detail


def _grid(text: str) -> str:
    """The applications table as a padded grid: three label fields on every row, as Word exports it."""
    head, rest = text.split("三、收到和处理政府信息公开申请情况\n", 1)
    table, tail = rest.split("四、政府信息公开行政复议", 1)
    rows = []
    for line in table.split("\n"):
        cells = line.split("\t")
        numbers = [c for c in cells if c.isdigit()]
        labels = [c for c in cells if c and not c.isdigit()]
        rows.append("\t".join((labels + ["", "", ""])[:3] + numbers) if numbers else line)
    return head + "三、收到和处理政府信息公开申请情况\n" + "\n".join(rows) + "\n四、政府信息公开行政复议" + tail


def test_grid_row_that_lost_a_cell_is_not_summed_into_a_total() -> None:
    text = _grid(report_2021())
    lost = "（七）总计\t\t\t21\t2\t0\t0\t1\t0\t24"
    assert lost in text
    report = parse_text(text.replace(lost, "（七）总计\t\t\t21\t2\t0\t1\t0\t24"))
    total = report.requests["总计"]
    assert total[-1].value in (24, None)
    assert all(v.value in (None, 21, 2, 0, 1, 24) for v in total)


def test_numeral_glued_to_heading() -> None:
    report = parse_text(report_2021().replace("一、总体情况", "一 总体情况"))
    assert report.sections[0].kind == "overview" and report.sections[0].number == "一"


def test_region_name_followed_by_a_word_starting_with_cheng() -> None:
    report = parse_text(report_2021(publisher="东城区城关镇人民政府"))
    assert report.region is not None and report.region.county == "东城区"


def test_title_starting_with_te_is_a_title() -> None:
    report = parse_text(report_2021(publisher="特克斯县人民政府"))
    assert report.title == "特克斯县人民政府2022年政府信息公开工作年度报告"
    assert report.region.county == "特克斯县"
