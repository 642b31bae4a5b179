"""The Streamlit search page, driven through Streamlit's AppTest (the browser test is separate)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def _passages(at: AppTest) -> list[str]:
    """The snippets of the result cards (one HTML block of cards)."""
    return [p for h in at.html for p in re.findall(r"<div class='nb-passage'>.*?</div>", h.value)]


def test_empty_query_lists_every_report(app: AppTest) -> None:
    assert "共 5 份报告" in app.caption[0].value


def test_search_shows_highlighted_snippets(app: AppTest) -> None:
    app.text_input(key="q").set_value("政府开放日").run()
    assert "共 3 份报告" in app.caption[0].value
    passages = _passages(app)
    assert passages and all("<mark>政府开放日</mark>" in p for p in passages)


def test_exact_mode_and_filter(app: AppTest) -> None:
    app.text_input(key="q").set_value("复议").run()
    app.radio(key="mode").set_value("exact").run()
    assert "共 4 份报告" in app.caption[0].value
    app.selectbox(key="f_province").set_value("甘肃省").run()
    assert "共 1 份报告" in app.caption[0].value
    assert any("<div class='nb-cap'>甘肃省 / 庆阳市 / 合水县" in h.value for h in app.html)  # the hit's place


def test_report_text_is_escaped(app: AppTest) -> None:
    app.text_input(key="q").set_value("<script>").run()
    assert not app.exception
    assert all("<script>" not in p for p in _passages(app))


def test_the_facets_are_the_current_querys(app: AppTest) -> None:
    app.text_input(key="q").set_value("合水县").run()
    app.radio(key="mode").set_value("exact").run()
    assert app.selectbox(key="f_province").options == ["全部", "甘肃省 (1)"]
    app.text_input(key="q").set_value("盐池县").run()  # a new query: its own facets, at once
    assert app.selectbox(key="f_province").options == ["全部", "宁夏回族自治区 (1)"]
    assert app.selectbox(key="f_county").options == ["全部", "盐池县 (1)"]


def test_an_export_holds_every_result(app: AppTest, sample_db) -> None:  # noqa: ANN001
    import csv
    import io

    next(b for b in app.button if b.label == "导出全部 5 份报告的结果").click().run()
    assert any("5 份报告" in c.value for c in app.caption)
    [csv_button, xlsx_button] = [b for b in app.get("download_button")]
    assert csv_button.proto.label == "下载 CSV" and xlsx_button.proto.label == "下载 XLSX"
    from indexer.api import Library
    from indexer.search import SearchQuery

    everything = Library(sample_db).search_all(SearchQuery(per_page=2), batch=2)  # three pages of two
    assert len(everything.hits) == 5 == everything.total_reports
    assert len({h.report_id for h in everything.hits}) == 5
    from indexer.tables_export import hit_rows, write_rows

    rows = list(csv.reader(io.StringIO(write_rows(hit_rows(everything, {}), "csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["报告编号", "标题", "发布机关"]
    assert {r[0] for r in rows[1:]} == {h.report_id for h in everything.hits}
