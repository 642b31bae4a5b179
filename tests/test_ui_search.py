"""The Streamlit search page, driven through Streamlit's AppTest (the browser test is separate)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _passages(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("<div class='nb-passage'")]


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
    assert any("合水县" in c.value for c in app.caption)


def test_report_text_is_escaped(app: AppTest) -> None:
    app.text_input(key="q").set_value("<script>").run()
    assert not app.exception
    assert all("<script>" not in p for p in _passages(app))
