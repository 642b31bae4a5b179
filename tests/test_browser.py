"""End to end in a real browser: `streamlit run` on a free localhost port, driven by Debian's chromium
through Playwright. Screenshots are saved in tests/artifacts/. Skipped only where no chromium is
installed (a researcher's own machine); in CI (CI=true) a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.ingest import ingest

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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "ui.db"
    ingest([ROOT / "data" / "reports"], db=db, workers=1)
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
    _shot(page, "4-graph")

    page.goto(f"{server}/导入")
    upload = tmp_path / "upload_合水县.txt"
    shutil.copy(ROOT / "data" / "reports" / "004_3438832166e5f38e.txt", upload)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("upload_合水县.txt：已导入")).to_be_visible()
    _shot(page, "5-upload")
