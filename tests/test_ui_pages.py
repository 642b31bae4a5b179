"""Each page of the Streamlit app, driven through AppTest against a store of the five samples."""

from __future__ import annotations

import re
from urllib.parse import unquote

from streamlit.testing.v1 import AppTest


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at: AppTest) -> list[str]:
    """What the page's Markdown and HTML blocks hold (report text, tables and result cards are HTML)."""
    return [m.value for m in at.markdown] + [h.value for h in at.html]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_report_page_shows_tables_checks_and_marked_text(app: AppTest) -> None:
    at = _page(app, "2_报告")
    at.text_input(key="report_filter").set_value("盐池").run()
    assert 1 <= len(at.selectbox(key="report_id").options) <= 2  # the matches, and the report shown before
    choice = next(label for label in at.selectbox(key="report_id").options if "盐池" in label)
    at.selectbox(key="report_id").set_value(choice.rsplit("[", 1)[1].rstrip("]")).run()
    assert _metrics(at)["不通过的检查"] != "0"
    assert any(e.value.startswith("新收 + 上年结转 = 办理结果总计 + 结转下年度 不成立：") for e in at.error)
    texts = " ".join(_shown(at))
    assert "nb-m" in texts and "盐池县人民政府办公室" in texts
    tables = [b for b in _shown(at) if b.startswith("<table class='nb-t'>")]
    assert len(tables) == 3  # 主动公开, 申请, 复议诉讼: as the 2019 template prints them
    shown = " ".join(tables)
    for header in ("本年新制作数量", "上一年项目数量", "处理决定数量", "三、本年度办理结果 （一）予以公开", "结果纠正"):
        assert header in shown, header
    for internal in ("new_made", "prev_items", "decisions", "amount_wan_yuan", "None", "nan"):
        assert internal not in re.sub(r"<[^>]+>", " ", shown), internal  # nothing internal on screen
    # 盐池's 复议 row is not printed: blank, its reason on hover; its 总计 row fails the balance: marked
    assert re.search(r"<td class='nb-blank' title='未能确认：[^']+'></td>", tables[2])
    assert "nb-fail" in tables[1] and "新收 + 上年结转 = 办理结果总计 + 结转下年度 不成立" in tables[1]


def test_citations_page(app: AppTest) -> None:
    at = _page(app, "3_引用")
    at.text_input(key="doc_query").set_value("政府信息公开条例").run()
    assert _metrics(at)["引用报告"] == "5"
    assert any("宁夏回族自治区" in b for b in _shown(at))


def test_citations_page_asks_which_one_for_an_ambiguous_name(app: AppTest) -> None:
    at = _page(app, "3_引用")
    at.text_input(key="doc_query").set_value("政务公开").run()
    assert any("您要找的是" in w.value for w in at.warning)
    candidates = [b for b in at.button if b.key and b.key.startswith("doc_query_candidate_")]
    assert len(candidates) >= 2
    chosen = candidates[0].label.split("（")[0]
    candidates[0].click().run()
    assert not at.exception
    assert at.text_input(key="doc_query").value == chosen
    assert at.subheader[0].value == chosen
    assert int(_metrics(at)["引用报告"]) >= 1


def test_practice_page(app: AppTest) -> None:
    at = _page(app, "4_做法")
    at.selectbox(key="practice").set_value("政府开放日").run()
    assert _metrics(at)["报告"] == "3"
    assert any("<div class='nb-cap'>" in b and "28家" in b for b in _shown(at))  # a hit's figures


def test_problems_page(app: AppTest) -> None:
    at = _page(app, "5_问题与改进")
    assert list(at.table[0].value.columns) == ["地区数", "报告数", "次年再现", "常见改进"]
    at.selectbox(key="p_category").set_value("政策解读不足或形式单一").run()
    assert any("解读" in b for b in _shown(at))


def test_graph_page_has_a_legend_sizes_by_reports_and_exports_what_it_shows(app: AppTest) -> None:
    import json

    at = _page(app, "6_关系图")
    assert any("个节点" in c.value for c in at.caption)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    legend = [t["name"] for t in figure["data"] if t.get("showlegend", True) and t.get("mode") != "lines"]
    assert legend and set(legend) <= {"机关", "文件", "平台", "做法", "地区", "问题", "改进"}
    centre = next(t for t in figure["data"] if t.get("name") == "文件")
    assert max(centre["marker"]["size"]) > 10  # the document cited by every sample report is drawn larger
    assert all("份报告" in h for t in figure["data"] if t.get("hovertext") for h in t["hovertext"])
    [graphml, node_link] = at.get("download_button")
    assert graphml.proto.label == "下载此图 (GraphML)" and node_link.proto.label == "下载此图 (JSON)"
    nodes = [t for t in figure["data"] if t.get("customdata")]
    assert sum(len(t["customdata"]) for t in nodes) == int(at.caption[0].value.split(" 个节点")[0])


def test_the_graph_links_agencies_whose_reports_copy_each_other(tmp_path) -> None:  # noqa: ANN001
    from pathlib import Path

    from builders import distinct_reports

    from graph.ego import neighbourhood
    from indexer.ingest import ingest
    from indexer.store import connect

    root = Path(__file__).resolve().parents[1]
    distinct_reports(sorted((root / "data" / "reports").glob("*.txt"))[:1], tmp_path / "in", 2)
    db = tmp_path / "copies.db"
    ingest([tmp_path / "in"], db=db, workers=1)
    conn = connect(db, readonly=True)
    (later,) = conn.execute("SELECT r.publisher FROM reports r JOIN copies c ON c.report_id = r.id LIMIT 1").fetchone()
    g = neighbourhood(conn, f"agency:{later}", {"agency"})
    copies = [(u, v, d) for u, v, k, d in g.edges(keys=True, data=True) if k == "copies"]
    assert len(copies) == 1 and copies[0][2]["similarity"] >= 0.8 and copies[0][1] != f"agency:{later}"
    assert all(g.nodes[n]["reports"] == 1 for n in g)  # each publisher has its one report


def test_stats_page_ranks_with_its_guard_and_opens_the_reports_behind_a_figure(app: AppTest) -> None:
    at = _page(app, "7_统计")
    assert any("5 份报告，其中 2 份表内检查不通过" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 1  # the trend; the heatmap is a shaded table
    heat = next(h.value for h in at.html if h.value.startswith("<table class='nb-t nb-heat'>"))
    assert "<th class='nb-row'>甘肃省</th>" in heat and "title='甘肃省 2020：0.0%（1 份报告）'>0.0%</td>" in heat
    assert any("排名 0 组，未排名 2 组" in c.value for c in at.caption)  # two provinces, fewer than 5 reports each
    at.number_input(key="s_guard").set_value(1).run()
    ranking = at.dataframe[0].value
    assert list(ranking["省份"]) == ["宁夏回族自治区", "甘肃省"] and list(ranking["报告数"]) == [4, 1]
    cell = at.selectbox(key="s_cell")
    assert cell.options == [
        "宁夏回族自治区 2019 年（2 份）",
        "宁夏回族自治区 2020 年（2 份）",
        "甘肃省 2020 年（1 份）",
    ]
    cell.set_value(("甘肃省", 2020)).run()
    assert any("甘肃省 2020 年 · 公开率 0.0%**：1 份报告" in m.value for m in at.markdown)
    links = [h.value for h in at.html if h.value.startswith("<div class='nb-links'>")]
    assert links and ">2020 合水县2020年政府信息公开工作年度报告</a>" in links[0]  # then the failing checks'
    assert sum(h.value.count("<div class='nb-card'>") for h in at.html) == 3  # 盐池's two failing checks, 中宁's one
    at.checkbox(key="s_exclude").check().run()
    assert any("已不计" in c.value for c in at.caption)
    assert list(at.dataframe[0].value["报告数"]) == [2, 1]  # 盐池 and 中宁 fail their tables' checks
    assert len(at.get("download_button")) == 3  # 汇总 CSV, 各报告 CSV, XLSX: each made when pressed


def test_compare_page_shows_one_unit_by_year(tmp_path, monkeypatch) -> None:
    from builders import app_on, load_generator

    from indexer.ingest import ingest

    reports = load_generator().generate_unit_series((2021, 2022, 2023), 11, break_year=2022)
    for r in reports:
        (tmp_path / f"{r.year}.txt").write_text(r.text, encoding="utf-8")
    db = tmp_path / "series.db"
    ingest([tmp_path], db=db, workers=1)
    with app_on(db, monkeypatch) as at:
        _compare_page(_page(at, "10_对比"), reports)


def _compare_page(at: AppTest, reports: list) -> None:
    assert at.selectbox(key="c_unit").value == reports[0].publisher
    indicators = at.table[0].value
    assert list(indicators.columns) == ["2021", "2022", "2023"] and "公开率" in indicators.index
    assert any("不通过 2 项" in c.value for c in at.caption)
    assert [e.value for e in at.error] == [
        "2021→2022 上年结转 = 上年结转下年度 · 自然人：2022 年为 2，按 2021 年报告应为 0",
        "2021→2022 上年结转 = 上年结转下年度 · 总计：2022 年为 2，按 2021 年报告应为 0",
    ]
    carried = at.dataframe[2].value  # the applications table, cell by cell

    def cell(row: str, year: str) -> float:
        return carried[(carried["行"] == row) & (carried["列"] == "自然人")].iloc[0][year]

    assert cell("上年结转", "2022") == cell("结转下年度", "2021") + 2  # the planted break, shown cell by cell
    assert cell("上年结转", "2023") == cell("结转下年度", "2022")
    assert any(m.value.startswith("再次出现的问题") for m in at.markdown)


def test_upload_page_renders(app: AppTest) -> None:
    at = _page(app, "8_导入")
    assert any(".docx" in c.value for c in at.caption)


def test_copies_page_shows_a_report_beside_the_report_it_copies(tmp_path, monkeypatch) -> None:
    """Two reports of one text under two counties' names: every section is a copy, and the page shows
    them side by side with the shared passages marked."""
    import sqlite3
    from pathlib import Path

    import streamlit as st
    from builders import distinct_reports

    from indexer.ingest import ingest

    root = Path(__file__).resolve().parents[1]
    distinct_reports(sorted((root / "data" / "reports").glob("*.txt"))[:1], tmp_path / "in", 2)
    db = tmp_path / "copies.db"
    ingest([tmp_path / "in"], db=db, workers=1)
    later = sqlite3.connect(db).execute("SELECT uid FROM reports r JOIN copies c ON c.report_id = r.id").fetchone()[0]
    monkeypatch.setenv("NIANBAO_DB", str(db))
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(root / "ui" / "检索.py"), default_timeout=60)
        at.run()
        at.query_params["id"] = later
        at.switch_page("pages/9_雷同.py").run()
        assert not at.exception, [e.value for e in at.exception]
        texts = [m.value for m in at.markdown]
        assert any("与最相似的其他报告" in t for t in texts)
        assert any("<mark>" in t for t in texts)
        assert any("雷同对数" in str(df.value.columns.tolist()) for df in at.dataframe)
    finally:
        st.cache_resource.clear()


def test_report_page_shows_where_a_number_was_read(app: AppTest) -> None:
    at = _page(app, "2_报告")
    at.text_input(key="report_filter").set_value("合水").run()
    choice = next(label for label in at.selectbox(key="report_id").options if "合水" in label)
    at.selectbox(key="report_id").set_value(choice.rsplit("[", 1)[1].rstrip("]")).run()
    at.selectbox(key="number_source").set_value("proactive/行政许可/decisions").run()
    assert any("原文第 46 行" in c.value for c in at.caption)  # data/reports/004…: 2705 stands on line 46
    passages = [b for b in _shown(at) if "nb-text" in b and "#ffe58f" in b]
    assert passages and ">2705</span>" in passages[-1]
    # a number of the tables links to its passage: the page shows it above the tabs
    report_id = at.query_params["id"][0] if isinstance(at.query_params["id"], list) else at.query_params["id"]
    shown = " ".join(_shown(at))
    link = re.search(r"href='\?id=(\w+)&amp;cell=([^']+)' target='_self'>2,705<", shown)
    assert link and link[1] == report_id
    at.query_params["cell"] = unquote(link[2])
    at.run()
    assert any("所点数字的出处" in m.value for m in at.markdown)
    assert any(c.value.startswith("主动公开情况 · 行政许可 · 处理决定数量：原文第 46 行") for c in at.caption)


def test_graph_page_curates_the_entity_shown_and_undoes_it(sample_db, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import shutil

    import streamlit as st

    from indexer.api import Library

    db = tmp_path / "curated.db"
    shutil.copy(sample_db, db)
    shutil.copytree(sample_db.with_suffix(".index"), db.with_suffix(".index"))
    monkeypatch.setenv("NIANBAO_DB", str(db))
    st.cache_resource.clear()  # the pages' Library must be this store's, not the shared sample store's
    st.cache_data.clear()
    try:
        at = AppTest.from_file("../ui/检索.py", default_timeout=60)
        at.run()
        at = _page(at, "6_关系图")
        at.selectbox(key="g_start").set_value("measure:政府开放日").run()
        at.radio(key="cur_action").set_value("merge").run()
        at.selectbox(key="cur_into").set_value("三级审核").run()
        at.button(key="cur_apply").click().run()
        assert not at.exception
        assert any("政府开放日 并入 三级审核" in s.value for s in at.success)
        assert "政府开放日" not in Library(db).entity_names("measure")
        undo = next(b for b in at.button if b.key and b.key.startswith("cur_undo_"))
        undo.click().run()
        assert not at.exception
        assert "政府开放日" in Library(db).entity_names("measure")
        assert Library(db).curation()[0].undone_at
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


PAGES = ("2_报告", "3_引用", "4_做法", "5_问题与改进", "6_关系图", "7_统计", "9_雷同", "10_对比")


def test_every_page_on_an_empty_store_says_how_to_ingest(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from builders import app_on

    with app_on(tmp_path / "none" / "empty.db", monkeypatch) as at:
        assert not at.exception, [e.value for e in at.exception]
        assert any("库中还没有报告" in i.value for i in at.info)
        for page in PAGES:
            at = _page(at, page)
            assert any("库中还没有报告" in i.value for i in at.info), page
            assert [p.label for p in at.get("page_link")][-1] == "去「导入」页上传报告"
        at = _page(at, "8_导入")  # the one page that works on an empty store: uploads create it
        assert not any("库中还没有报告" in i.value for i in at.info)
