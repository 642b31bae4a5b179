"""Normalization shared by parser and index, and its map back to the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.normalize import normalize

FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}


def test_fullwidth_digits_become_ascii() -> None:
    assert normalize("共受理申请１３件，占比９６．４％").text == "共受理申请13件，占比96.4%"


def test_stray_spaces_inside_words_and_numbers_go() -> None:
    assert normalize("2020 年，政 务新媒体发布 4700 余 条").text == "2020年，政务新媒体发布4700余条"


def test_spaces_between_table_numbers_stay() -> None:
    assert normalize("规章\t0\t0\t0\n行政许可 447 32 2705").text == "规章\t0\t0\t0\n行政许可447 32 2705"


def test_page_number_inside_a_sentence_goes() -> None:
    assert (
        normalize("明确办公室各工作人员与政务公开- 11 - 工作同部署").text == "明确办公室各工作人员与政务公开工作同部署"
    )


def test_page_number_line_goes() -> None:
    assert normalize("上文\n- 3 -\n下文").text == "上文\n\n下文"


def test_a_footer_that_lost_its_last_dash_goes_only_between_blank_lines() -> None:
    # pymupdf4llm 0.3 prints the footer "- 3 -" as "- 3", set apart by blank lines
    assert normalize("规章\n0\n\n                - 3 \n\n行政许可").text == "规章\n0\n\n行政许可"  # its blank line too
    # a sentence the footer cut in two is one again
    cut = "建立网站栏目定期巡查机制，及时更新信息，确保栏目内容\n\n\n- 5 \n\n\n准确、完整。"
    assert "确保栏目内容准确、完整。" in normalize(cut).text
    # not between blank lines (a cell read one a line), or more than a number (a list item): it stays
    assert normalize("本年增/减\n- 3\n处理决定数量").text.split("\n")[1].endswith("3")
    assert "3项" in normalize("上文\n\n- 3 项\n\n下文").text


def test_a_converters_names_for_nameless_header_cells_are_blank() -> None:
    text = "|Col1|０|\n|---|---|\n||行政规范性文件|\n||１|"
    assert normalize(text).text == "\t0\n\t行政规范性文件\n\t1"
    assert "Col1" in normalize("表头为Col1的列").text  # not in a pipe table: text


def test_a_one_column_tables_glyphs_dealt_over_columns_are_one_cell_again() -> None:
    text = "|第|二|十条第（一）项|\n|信|息|内容|\n|规|范|性文件|\n|39|27||\n|1|||\n"
    assert normalize(text).text == "第二十条第（一）项\n信息内容\n规范性文件\n3927\n1\n"
    # a table of rows, its first column the labels, keeps its cells, one-character cells and all
    rows = "|规章|0|0|0|\n|行政规范性文件|1||3|\n|男|2|3|5|\n"
    assert normalize(rows).text.split("\n")[:3] == ["规章\t0\t0\t0", "行政规范性文件\t1\t\t3", "男\t2\t3\t5"]
    # a row with a filled cell after a blank one is not a cell's glyphs: the table is left as it is
    assert "\t" in normalize("|规|范|性文件|\n|信|息|内容|\n|行|政|许可|\n|3||5|\n").text


def test_a_heading_merged_cell_by_cell_into_a_tables_last_row_goes_from_the_row() -> None:
    # pymupdf4llm 1.28 set the heading under the table into the table's last row, a piece a cell
    row = "|行政事业性收费<br>三、收到和处|70.35<br>理政府信息|万元<br>公开申请情|况|||"
    assert normalize(row).text == "行政事业性收费\t70.35\t万元\t\t\t"
    row = "|理<br>四、|0<br>政府信息|0<br>公开行|政复议、|0<br>行政诉|0<br>讼情况|0||"
    assert normalize(row).text == "理\t0\t0\t\t0\t0\t0\t"
    # two numbers stacked in a cell are not a heading, nor is a row whose pieces name no section
    assert normalize("|新收<br>上年结转|1<br>2|").text == "新收上年结转\t1 2"
    assert "其他" in normalize("|规章<br>三、其他|0|").text


def test_lines_set_two_blank_lines_apart_are_one_paragraph() -> None:
    text = "松潘县政府信息公开工作虽然取得了一定的成效,但也存在一些不足之处。一是政府信息\n\n\n内容不尽全面。"
    assert "一是政府信息内容不尽全面。" in normalize(text).text
    # a line that ends like a heading (…情况) but holds a sentence's clause marks is a sentence broken
    broken = "（一）强化监督考核。将政务公开纳入年度考核，定期通报检查情况\n\n\n，督促问题整改到位。"
    assert "检查情况，督促" in normalize(broken).text
    # but a heading glued after a paragraph's last sentence stays a line of its own
    glued = "定期通报检查情况，督促问题整改到位。其他需要报告的事项\n\n2023年，本机关办理人大代表建议9件。"
    assert "其他需要报告的事项\n" in normalize(glued).text
    # three blank lines part paragraphs
    assert "一是政府信息\n" in normalize(text.replace("\n\n\n", "\n\n\n\n")).text


def test_markdown_emphasis_goes() -> None:
    assert normalize("一是**加强组织领导**。").text == "一是加强组织领导。"


def test_sentence_broken_by_a_page_break_is_joined() -> None:
    text = "依法保障人民群众知情权、参与权、表达权、监督权，不断增强人民群众满意度和获得感参\n\n与权"
    assert "获得感参与权" in normalize(text).text


def test_heading_and_title_lines_are_not_joined() -> None:
    text = (
        "中宁县2019年政府信息公开工作年度报告\n\n按照《条例》规定，现予发布。\n（四）平台建设情况\n\n我办紧密围绕要求"
    )
    out = normalize(text).text
    assert "年度报告\n" in out and "平台建设情况\n" in out


def test_a_numbered_heading_is_not_joined_to_the_paragraph_after_it() -> None:
    text = "六、政府信息公开工作存在的主要问题及改进措施\n\n前进区政府信息公开工作虽然取得了一定的成效。"
    assert "改进措施\n" in normalize(text).text
    # a paragraph's first line that breaks at a page end is still joined
    text = "（一）坚持以人民为中心深入推进决策公开重点领域信息公开和政策解读工作扎实推\n\n进，取得成效。"
    assert "扎实推进" in normalize(text).text


def test_a_first_line_naming_the_report_is_not_joined() -> None:
    notice = "固阳县教育局关于公布《固阳县教育局2022年政府信息公开工作年度报告》的通知"
    for title in (notice, "固阳县2022年政府信息公开工作年度报告全文"):
        assert normalize(f"{title}\n统计期限为2022年1月1日至2022年12月31日。").text.startswith(f"{title}\n")
    # A first line that is a sentence broken by a page break is still joined.
    assert normalize("根据条例要求，我们认真编制了年度报告并按时向社会\n公开发布。").text.endswith("向社会公开发布。")


def test_span_maps_back_to_the_original() -> None:
    original = "2020 年，盐池县**政 务新媒体**发布信息 4700 余 条。"
    norm = normalize(original)
    start = norm.text.index("政务新媒体")
    assert norm.original_text(start, start + 5) == "政 务新媒体"
    start = norm.text.index("4700余条")
    assert norm.original_text(start, start + 6) == "4700 余 条"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("政务公开年报告一二三，。（）《》 \t\n-*0123456789１２") + ["- 11 -", "**", "\r\n"]),
        max_size=120,
    ).map("".join)
)
def test_every_normalized_character_comes_from_the_original(original: str) -> None:
    norm = normalize(original)
    last = -1
    for i, ch in enumerate(norm.text):
        j = norm.original_offset(i)
        assert j > last  # order is kept
        last = j
        source = original[j]
        assert source == ch or FULLWIDTH.get(source) == ch or (source in "\u3000\xa0\r" and ch in " \n")


def test_a_converters_padding_of_a_short_number_row_is_not_read_as_blank_cells() -> None:
    # A converter pads a row printed short of a cell to the table's width: where the blank was is lost.
    assert normalize("| 0 | 0 | 3 |  |  |\n").text == "0\t0\t3\n"
    # A row with a label keeps its empty cells, and so does an empty cell before a number.
    assert normalize("| 规章 | 1 |  |\n").text == "规章\t1\t\n"
    assert normalize("|  | 0 | 2 |\n").text == "\t0\t2\n"
    padded = normalize("前文\n| 0 | 0 | 3 |  |  |\n后文")
    assert padded.original[padded.original_offset(padded.text.index("后文")) :].startswith("后文")


def test_html_character_references_left_in_text_are_their_characters() -> None:
    norm = normalize("规章&nbsp;0&nbsp;5\n推进&ldquo;放管服&rdquo;改革，A&B&#12288;&#x4e2d;")
    assert norm.text == "规章0 5\n推进“放管服”改革，A&B中"  # the ideographic space a stray one
    five = norm.text.index("5")
    assert norm.original_text(five, five + 1) == "5"
    after = norm.text.index("改革")
    assert norm.original_text(after, after + 2) == "改革"


def test_a_long_row_label_on_its_own_line_keeps_its_number_apart() -> None:
    # One cell a line (a page's table taken line by line): the label is long and ends no sentence, but the
    # number after it is the row's first cell, not the rest of a broken sentence.
    text = "5.要求行政机关确认或重新出具已获取信息\n3\n0\n0\n"
    assert normalize(text).text == text
    broken = "本年度共收到政府信息公开申请并依法予以答复的申请数量\n共计二十件。\n"
    assert normalize(broken).text == "本年度共收到政府信息公开申请并依法予以答复的申请数量共计二十件。\n"
