"""End to end in a real browser: `streamlit run` on a free localhost port, driven by Debian's chromium
through Playwright. Screenshots are saved in tests/artifacts/. Skipped only where no chromium is
installed (a researcher's own machine); in CI (CI=true) a missing browser is a failure."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import distinct_reports, load_generator

from indexer.corpus import list_reports
from indexer.ingest import ingest
from indexer.store import connect

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium", pytrace=False)
    pytest.skip(
        f"no browser at {CHROMIUM} (install Debian's chromium to run the browser tests)", allow_module_level=True
    )

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("browser") / "ui.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
    return db


@pytest.fixture(scope="module")
def server(ui_db: Path) -> Iterator[str]:
    yield from _serve(ui_db)


def _serve(db: Path) -> Iterator[str]:
    port = _free_port()
    nianbao = Path(sys.executable).with_name("nianbao")
    proc = subprocess.Popen(
        [str(nianbao), "ui", "--port", str(port), "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 90 s")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Page]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(45_000)
        # Assertions wait as long as actions: an upload ingests its file (and loads the entity pipeline
        # on first use), which takes more than expect's default 5 s on a busy machine.
        expect.set_options(timeout=45_000)
        yield page
        browser.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_open_report_citations_graph_upload(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(server)
    expect(page.get_by_text("政府信息公开工作年度报告 · 检索")).to_be_visible()
    page.get_by_label("检索词").fill("政府开放日")
    page.keyboard.press("Enter")
    expect(page.get_by_text("共 3 份报告")).to_be_visible()
    expect(page.locator("mark", has_text="政府开放日").first).to_be_visible()
    _shot(page, "1-search")

    page.get_by_role("link", name="打开报告").first.click()
    expect(page.get_by_text("不通过的检查")).to_be_visible()
    expect(page.get_by_text("发布机关")).to_be_visible()
    _shot(page, "2-report")

    page.goto(f"{server}/引用?name=政府信息公开条例")
    expect(page.get_by_text("中华人民共和国政府信息公开条例").first).to_be_visible()
    expect(page.get_by_text("宁夏回族自治区").first).to_be_visible()
    _shot(page, "3-citations")

    page.goto(f"{server}/关系图")
    expect(page.get_by_text("个节点").first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.locator(".legendtext", has_text="文件")).to_be_visible()  # the legend names the node types
    _shot(page, "4-graph")

    page.goto(f"{server}/导入")
    upload = tmp_path / "upload_合水县.txt"
    shutil.copy(ROOT / "data" / "reports" / "004_3438832166e5f38e.txt", upload)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    # A copy of a stored report is another source of it, not a new report.
    expect(page.get_by_text("upload_合水县.txt：已作为同一报告的另一来源")).to_be_visible()
    _shot(page, "5-upload")


def _stored(db: Path) -> list[dict]:
    conn = connect(db, readonly=True)
    entries = [e.to_json() for e in list_reports(conn)]
    conn.close()
    return entries


def test_an_upload_twice_is_one_report_and_the_import_page_removes_it(
    server: str, ui_db: Path, page: Page, tmp_path: Path
) -> None:
    new = distinct_reports([ROOT / "data" / "reports" / "000_26dfd29bd5682613.txt"], tmp_path / "new", 1)[0]
    upload = new.with_name("新报告.txt")
    new.rename(upload)
    before = len(_stored(ui_db))
    for expected in ("新报告.txt：已导入为新报告", "新报告.txt：未变（已在库中）"):
        page.goto(f"{server}/导入")
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name="导入").click()
        expect(page.get_by_text(expected)).to_be_visible()
    entries = _stored(ui_db)
    assert len(entries) == before + 1
    added = next(e for e in entries if any(s["location"] == "新报告.txt" for s in e["sources"]))
    assert [s["origin"] for s in added["sources"]] == ["upload"]  # the upload's own name, no temporary path

    page.goto(f"{server}/报告?id=000000000000")
    expect(page.get_by_text("没有编号为 000000000000 的报告")).to_be_visible()

    page.goto(f"{server}/导入")
    page.get_by_role("combobox", name="选择要删除的报告").click()
    page.get_by_role("option", name=added["uid"]).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="删除所选报告").click()
    expect(page.get_by_text("已删除：")).to_be_visible()
    _shot(page, "6-remove")
    assert len(_stored(ui_db)) == before


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[list, Path]:
    """The samples and one generated unit's 2021–2023 reports, 2022's 上年结转 not last year's 结转下年度."""
    folder = tmp_path_factory.mktemp("series")
    reports = load_generator().generate_unit_series((2021, 2022, 2023), 11, break_year=2022)
    for r in reports:
        (folder / f"{r.year}.txt").write_text(r.text, encoding="utf-8")
    db = folder / "ui.db"
    ingest([ROOT / "data" / "reports", folder], db=db, workers=1)
    return reports, db


def _settled(page: Page) -> None:
    """Wait until the app has finished its run: no status widget (Running…) and no stale element."""
    page.wait_for_timeout(200)  # the rerun a widget starts has begun
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') && !document.querySelector('[data-stale=true]')"
    )


@pytest.fixture(scope="module")
def series_server(series: tuple) -> Iterator[str]:
    yield from _serve(series[1])


def test_stats_trend_heatmap_ranking_and_the_reports_behind_a_figure(series_server: str, page: Page) -> None:
    page.goto(f"{series_server}/统计")
    expect(page.get_by_text("8 份报告，其中 2 份表内检查不通过")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(1)  # the trend
    expect(page.locator("table.nb-heat th.nb-row")).to_have_count(2)  # the heatmap: a province a row
    ticks = page.locator(".js-plotly-plot").first.locator(".xtick text")
    expect(ticks.first).to_be_visible()
    assert ticks.all_text_contents() == [str(y) for y in range(2019, 2024)]  # integer years: 2019, not 2,019
    # a click on a point of the trend lists the reports behind it
    point = page.locator(".js-plotly-plot").first.locator(".scatterlayer .points path").first.bounding_box()
    assert point is not None
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)  # plotly's drag layer
    page.mouse.click(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)  # takes the click
    expect(page.get_by_text(re.compile(r"年 · 公开率 .+：\d+ 份报告"))).to_be_visible()
    _shot(page, "7-stats")
    picker = page.get_by_role("combobox", name="查看某格背后的报告")
    picker.scroll_into_view_if_needed()
    picker.click()
    page.keyboard.type("甘肃省 2020")
    page.get_by_role("option", name="甘肃省 2020 年（1 份）").click()
    expect(page.get_by_text("甘肃省 2020 年 · 公开率 0.0%：1 份报告")).to_be_visible()
    # the panel's files are made when their button is pressed: every report, one row each
    _settled(page)  # the pick's rerun has drawn its buttons (a click on a stale one is lost)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载各报告指标 CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + 8 and "公开率" in rows[0]
    page.get_by_role("link", name="2020 合水县2020年政府信息公开工作年度报告").click()
    expect(page.get_by_text("发布机关：合水县人民政府")).to_be_visible()


def test_compare_shows_a_unit_by_year_with_its_break(series_server: str, series: tuple, page: Page) -> None:
    reports, _ = series
    page.goto(f"{series_server}/对比?unit={reports[0].publisher}")
    expect(page.get_by_text("同一单位逐年对比")).to_be_visible()
    expect(page.get_by_text("通过 16 项，不通过 2 项，无法检查 1 项")).to_be_visible()
    broken = re.compile(r"上年结转 = 上年结转下年度 · 自然人：2022 年为 \d+，按 2021 年报告应为")
    expect(page.get_by_text(broken)).to_be_visible()
    expect(page.get_by_text(re.compile(r"收到和处理申请情况（\d+ 格，\d+ 格有变化）"))).to_be_visible()
    expect(page.get_by_text("再次出现的问题", exact=False).first).to_be_visible()
    expect(page.locator("table").get_by_text("争议转化率", exact=True)).to_be_visible()
    _shot(page, "8-compare")


def test_the_entities_of_a_report_open_their_pages(server: str, page: Page) -> None:
    page.goto(f"{server}/报告")
    page.get_by_role("tab", name="实体").click()
    link = page.get_by_role("link", name="中华人民共和国政府信息公开条例")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name="中华人民共和国政府信息公开条例")).to_be_visible()
    expect(page.get_by_text("引用报告")).to_be_visible()


def test_a_table_cell_opens_the_passage_it_was_read_from(server: str, page: Page) -> None:
    page.goto(server)
    page.get_by_role("link", name="报告").first.click()
    page.get_by_role("tab", name="统计表").click()
    table = page.locator("table.nb-t", has_text="（七）总计")  # the applications table
    expect(table.get_by_text("三、本年度办理结果 （一）予以公开")).to_be_visible()
    assert "None" not in table.inner_text() and "new_made" not in page.locator("table.nb-t").first.inner_text()
    table.locator("a").first.click()
    expect(page.get_by_text("所点数字的出处")).to_be_visible()
    source = re.compile(r"收到和处理申请情况 · 一、本年新收政府信息公开申请数量 · 自然人：原文第 \d+ 行")
    expect(page.get_by_text(source)).to_be_visible()
    _shot(page, "9-cell-source")


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("empty") / "nothing.db")


def test_an_empty_store_says_how_to_ingest_on_every_page(empty_server: str, page: Page) -> None:
    for path in ("", "报告", "统计", "对比", "关系图"):
        page.goto(f"{empty_server}/{path}")
        expect(page.get_by_text("库中还没有报告", exact=False)).to_be_visible()
        assert "Traceback" not in page.locator("body").inner_text(), path
    page.get_by_role("link", name="去「导入」页上传报告").click()
    expect(page.get_by_text("导入报告").first).to_be_visible()
    _shot(page, "10-empty")


PAGES = ("", "报告", "引用", "做法", "问题与改进", "关系图", "统计", "导入", "雷同", "对比")
INTERNAL = re.compile(
    r"\b(None|nan|new_made|new_published|prev_items|amount_wan_yuan|in_force|decisions|report_id|province|county)\b"
    r"|Choose an? option|requests\.[a-z_]+|review\.sum|narrative\.[a-z]+|sections\.missing|tables\.missing"
)


def _covered() -> list[tuple[int, int]]:
    """The code points some installed font covers (fontconfig's charsets)."""
    out = subprocess.run(["fc-list", "--format", "%{charset}\\n"], capture_output=True, text=True, check=True).stdout
    ranges = []
    for token in out.split():
        a, _, b = token.partition("-")
        ranges.append((int(a, 16), int(b or a, 16)))
    return ranges


def test_no_page_shows_internals_or_missing_glyphs(server: str, page: Page) -> None:
    covered = _covered()
    for path in PAGES:
        page.goto(f"{server}/{path}")
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_timeout(1500)  # the page's elements after its first run
        text = page.locator("[data-testid='stMain']").inner_text()
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 20, (path, text)  # the page's own text was read
        found = INTERNAL.search(text)
        assert found is None, (path, found and text[max(0, found.start() - 60) : found.end() + 60])
        missing = {c for c in set(text) if c.strip() and not any(a <= ord(c) <= b for a, b in covered)}
        assert not missing, (path, sorted(missing))


def test_facets_follow_the_query_and_an_export_holds_every_result(server: str, page: Page) -> None:
    page.goto(server)
    page.get_by_text("精确匹配（原文子串）").click()
    for query, province, title in (
        ("合水县", "甘肃省 (1)", "合水县2020年政府信息公开工作年度报告"),
        ("盐池县", "宁夏回族自治区 (1)", "盐池县人民政府办公室2020年政府信息公开年度报告"),
    ):
        page.get_by_label("检索词").fill(query)
        page.keyboard.press("Enter")
        expect(page.get_by_text("共 1 份报告", exact=False)).to_be_visible()
        # this query's answer is shown (a rerun may briefly hold the element twice)
        expect(page.locator(".nb-plain", has_text=title).first).to_be_visible()
        page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="省份").click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        assert options.all_inner_texts() == ["全部", province], query  # this query's facets, not the last one's
        page.keyboard.press("Escape")
    page.get_by_label("检索词").fill("")
    page.keyboard.press("Enter")
    expect(page.get_by_text("共 5 份报告", exact=False)).to_be_visible()
    page.get_by_role("button", name="导出全部 5 份报告的结果").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "报告编号" and len({r[0] for r in rows[1:]}) == 5
