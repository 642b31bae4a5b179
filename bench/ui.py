"""UI benchmark in a real browser: first render of every page and a search, on a large store.

    .venv/bin/python bench/ui.py --n 10000      # needs bench/out/ingest-10000.db (bench/ingest.py)

Starts `nianbao ui` on a free localhost port and drives Debian's chromium with Playwright.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_store  # noqa: E402

HERE = Path(__file__).resolve().parent
LOADS = 3
TARGET_PAGE_S = 1.5  # every page's first render
TARGET_SEARCH_S = 0.5  # any interaction: a search typed in
PAGES = [
    ("检索", "", "份报告"),
    ("报告", "报告", "不通过的检查"),
    ("引用", "引用?name=政府信息公开条例", "引用报告"),
    ("做法", "做法?name=政府开放日", "地区"),
    ("问题与改进", "问题与改进", "查看类别"),
    ("关系图", "关系图", "个节点"),
    ("统计", "统计", "表内检查不通过的报告"),
    ("导入", "导入", "选择报告文件"),
    ("雷同", "雷同", "雷同"),
    ("对比", "对比", "逐年检查"),
]
# The result line ("共 N 份报告 · 用时 …毫秒") shows a new search has been answered.
_CAPTION_CHANGED = """before => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]
    .some(c => c.innerText.includes('毫秒') && c.innerText !== before)"""
SEARCHES = ["政府开放日", "政策解读", "国务院令第711号", "三级审核", "复议"]


def main() -> None:
    db, args = bench_store(__doc__)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nianbao = Path(sys.executable).with_name("nianbao")
    server = subprocess.Popen(
        [str(nianbao), "ui", "--port", str(port), "--db", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(url)  # warm-up: the first session starts Python-side caches
            page.get_by_text("份报告").first.wait_for()
            for name, path, marker in PAGES:
                loads = []
                for _ in range(LOADS):  # each a fresh page load; the first also fills the server's caches
                    start = time.perf_counter()
                    page.goto(f"{url}/{path}")
                    page.get_by_text(marker).first.wait_for()
                    loads.append(time.perf_counter() - start)
                rows.append((f"first render: {name}, first load (s)", loads[0], TARGET_PAGE_S))
                rows.append((f"first render: {name}, median of {LOADS} (s)", statistics.median(loads), TARGET_PAGE_S))
            page.goto(url)
            page.get_by_text("份报告").first.wait_for()
            for query in SEARCHES:
                box = page.get_by_label("检索词")
                before = page.locator("[data-testid=stCaptionContainer]", has_text="毫秒").first.inner_text()
                start = time.perf_counter()
                box.fill(query)
                box.press("Enter")
                page.wait_for_function(_CAPTION_CHANGED, arg=before)
                rows.append((f"search in browser: {query} (s)", time.perf_counter() - start, TARGET_SEARCH_S))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"store: {db.name}")
    print(f"{'figure':<44}{'measured':>10}{'target':>10}{'ratio':>10}")
    for name, seconds, target in rows:
        print(f"{name:<44}{seconds:>10.2f}{f'<= {target:g}':>10}{target / seconds:>9.2f}x")


if __name__ == "__main__":
    main()
