"""`nianbao fetch` against a government-style site served on 127.0.0.1 by the test: a column page with
pagination, report pages in UTF-8 and in GBK without a declared charset, PDF and DOCX attachments, a .doc,
a redirect, a 404, a 503 that succeeds on retry, a page slower than the timeout, a robots.txt that
disallows one path, a notice that is not a report, and one report linked twice."""

from __future__ import annotations

import hashlib
import html
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer.api import Library
from indexer.fetch import FetchOptions, fetch
from tests.builders import app_on, build_docx, build_pdf, load_generator

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "reports").glob("*.txt"))
RATE = 20.0  # requests per second and host in the tests (the default is 1)


def _page(title: str, text: str, charset: str | None = "utf-8") -> bytes:
    meta = f"<meta charset='{charset}'>" if charset else ""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    page = f"<html><head>{meta}<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}"
    return (page + "</body></html>").encode(charset or "gb18030")


def _index(links: list[tuple[str, str]], title: str = "政府信息公开年报") -> bytes:
    items = "".join(f"<li><a href='{href}'>{html.escape(text)}</a></li>" for href, text in links)
    head = f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
    return f"{head}<body><ul>{items}</ul></body></html>".encode()


class Site:
    """The pages, the request log (time, path, headers, status) and the server."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        texts = [s.read_text(encoding="utf-8") for s in SAMPLES]
        generated = [r.text for r in load_generator().generate_reports(3, 5)]

        def title(text: str) -> str:  # the report's title: its first lines up to the one naming the report
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            return "".join(lines[:2]) if "报告" not in lines[0] else lines[0]

        self.pages: dict[str, tuple[int, str, bytes]] = {
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/col/index.html": (200, "text/html", _index([
                ("/rep/a.html", "盐池县2020年政府信息公开工作年度报告"),
                ("/rep/a.html#top", "盐池县2020年政府信息公开工作年度报告（同一报告再次链接）"),
                ("/rep/b.html", "中宁县2019年政府信息公开工作年度报告"),
                ("/files/c.pdf", "西夏区2020年政府信息公开工作年度报告（PDF）"),
                ("/files/d.docx", "合水县2020年政府信息公开年报（DOCX）"),
                ("/files/e.doc", "某县2020年政府信息公开工作年度报告（DOC）"),
                ("/moved.html", "原州区2019年政府信息公开工作年度报告"),
                ("/missing.html", "2017年政府信息公开工作年度报告"),
                ("/flaky.html", "2021年政府信息公开工作年度报告"),
                ("/slow.html", "2016年政府信息公开工作年度报告"),
                ("/private/g.html", "2015年政府信息公开工作年度报告"),
                ("/notice.html", "关于做好2020年政府信息公开工作年度报告编制工作的通知"),
                ("/about.html", "联系我们"),
                ("/col/index_1.html", "下一页"),
            ])),
            "/col/index_1.html": (200, "text/html", _index([
                ("/rep/h.html", "2022年政府信息公开工作年度报告"),
                ("/rep/only-file.html", "2023年政府信息公开工作年度报告"),
            ])),
            # a report's page that only links its file
            "/rep/only-file.html": (200, "text/html", _index([("/files/i.pdf", "附件：年度报告.pdf")], "2023年年报")),
            "/files/i.pdf": (200, "application/pdf", build_pdf(generated[1].replace("2019", "2023"),
                                                               folder / "i.pdf").read_bytes()),
            "/rep/a.html": (200, "text/html", _page(title(texts[0]), texts[0])),
            "/rep/b.html": (200, "text/html", _page(title(texts[1]), texts[1], charset=None)),  # GBK, undeclared
            "/files/c.pdf": (200, "application/pdf", build_pdf(texts[3], folder / "c.pdf").read_bytes()),
            "/files/d.docx": (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                              build_docx(texts[4], folder / "d.docx").read_bytes()),
            "/files/e.doc": (200, "application/msword", b"\xd0\xcf\x11\xe0 legacy"),
            "/moved.html": (302, "/rep/f.html", b""),
            "/rep/f.html": (200, "text/html", _page(title(texts[2]), texts[2])),
            "/flaky.html": (200, "text/html", _page(title(generated[0]), generated[0])),
            "/slow.html": (200, "text/html", _page("2016年政府信息公开工作年度报告", texts[0])),
            "/private/g.html": (200, "text/html", _page(title(generated[1]), generated[1])),
            "/notice.html": (200, "text/html", _page("关于做好2020年政府信息公开工作年度报告编制工作的通知",
                                                      "各单位：请于1月31日前报送年度报告。")),
            "/about.html": (200, "text/html", _page("联系我们", "电话：0000")),
            "/rep/h.html": (200, "text/html", _page(title(generated[2]), generated[2])),
        }  # fmt: skip
        self.log: list[tuple[float, str, dict[str, str], int]] = []
        self.failures = {"/flaky.html": 1}  # 503 this many times first
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                arrived = time.monotonic()  # when the request came, not when it was answered
                path = self.path.split("#")[0]
                status, kind, body = site.pages.get(path, (404, "text/html", b"not found"))
                if site.failures.get(path):
                    site.failures[path] -= 1
                    status, body = 503, b"busy"
                if path == "/slow.html":
                    time.sleep(1.2)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                site.log.append((arrived, path, dict(self.headers), status))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", kind)
                else:
                    self.send_header("Content-Type", kind)
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda *args: None  # the slow page's client hangs up: expected
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def requested(self, since: int = 0) -> list[str]:
        return [path for _, path, _, _ in self.log[since:]]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    s = Site(tmp_path / "built")
    yield s
    s.server.shutdown()


def _options(tmp_path: Path, **kw: object) -> FetchOptions:
    return FetchOptions(tmp_path / "fetched", rate=RATE, timeout=0.5, retries=1, backoff=0.05, **kw)  # type: ignore[arg-type]


def _fetch(site: Site, tmp_path: Path, **kw: object):  # noqa: ANN202
    return fetch(tmp_path / "s.db", [f"{site.url}/col/index.html"], _options(tmp_path, **kw), ingest=True,
                 log=lambda m: None)  # fmt: skip


def test_fetch_collects_every_report_once_politely(site: Site, tmp_path: Path) -> None:
    summary = _fetch(site, tmp_path)
    got = summary.ingest
    assert got.count("new") == 8, [(o.status, o.location, o.detail) for o in got.outcomes]
    assert not [o for o in got.outcomes if o.status == "failed"]
    requested = site.requested()
    assert "/private/g.html" not in requested  # robots.txt: never requested
    assert requested.count("/rep/a.html") == 1  # linked twice, fetched once
    assert requested.count("/flaky.html") == 2  # a 503, then the retry that succeeds
    assert "/about.html" not in requested  # a link that does not lead to a report is not followed
    by_kind = {i.url.removeprefix(site.url): i for i in summary.items}
    assert by_kind["/files/e.doc"].kind == "unreadable" and ".doc" in by_kind["/files/e.doc"].reason
    assert by_kind["/missing.html"].reason == "HTTP 404"
    assert by_kind["/slow.html"].reason == "超时"
    assert by_kind["/private/g.html"].kind == "disallowed"
    assert by_kind["/rep/b.html"].kind == "report"  # GBK without a declared charset, read as such
    # the notice is fetched (its link names a 年度报告) but is not a report: not ingested as one
    assert by_kind["/notice.html"].kind == "other" and by_kind["/col/index_1.html"].kind == "index"
    assert by_kind["/files/i.pdf"].kind == "attachment"  # found through the page that only links it
    times = sorted(t for t, *_ in site.log)
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 1 / RATE * 0.9  # one host: the rate held
    assert all("Nianbao" in headers.get("User-Agent", "") for _, _, headers, _ in site.log)
    # every report keeps the URL it came from as its source
    library = Library(tmp_path / "s.db")
    urls = {s["location"] for e in library.reports() for s in e.sources}
    assert {f"{site.url}{p}" for p in ("/rep/a.html", "/rep/b.html", "/files/c.pdf", "/files/d.docx")} <= urls
    assert f"{site.url}/moved.html" in urls  # the URL followed; the manifest keeps where it led
    assert {s["origin"] for e in library.reports() for s in e.sources} == {"url"}
    titles = {e.title for e in library.reports()}
    assert any("中宁县" in (t or "") for t in titles)  # the GBK page's text came through


def test_a_second_run_requests_only_what_changed(site: Site, tmp_path: Path) -> None:
    _fetch(site, tmp_path)
    status, kind, body = site.pages["/rep/h.html"]
    site.pages["/rep/h.html"] = (status, kind, body.replace(b"</body>", "<p>（更正）</p></body>".encode()))
    mark = len(site.log)
    summary = _fetch(site, tmp_path)
    second = site.log[mark:]
    # (the slow page timed out last time: it is tried again)
    fresh = {path for _, path, _, status in second if status == 200 and path not in ("/robots.txt", "/slow.html")}
    assert fresh == {"/rep/h.html"}, fresh  # everything else answered 304 to a conditional request
    known = [h for _, path, h, _ in second if path in ("/rep/a.html", "/files/c.pdf", "/col/index.html")]
    assert known and all("If-None-Match" in h for h in known)
    statuses = {o.location.removeprefix(site.url): o.status for o in summary.ingest.outcomes}
    # the changed page is read again (here the same report: its new bytes become another source of it)
    assert statuses.pop("/rep/h.html") in ("updated", "version", "attached"), summary.ingest.outcomes
    assert set(statuses.values()) == {"unchanged"}


def test_a_stopped_run_continues_without_refetching(site: Site, tmp_path: Path) -> None:
    first = _fetch(site, tmp_path, stop_after=6)
    assert first.interrupted
    mark = len(site.log)
    second = _fetch(site, tmp_path)
    assert second.resumed and not second.interrupted
    before = [p for p in site.requested()[:mark] if p not in ("/robots.txt", "/flaky.html")]
    after = [p for p in site.requested(mark) if p not in ("/robots.txt", "/flaky.html")]
    assert before and after and not set(before) & set(after)  # nothing fetched before the stop is fetched again
    assert len(Library(tmp_path / "s.db").reports()) == 8


def test_the_report_page_links_to_the_page_it_was_fetched_from(site: Site, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    _fetch(site, tmp_path)
    uid = next(e.uid for e in Library(tmp_path / "s.db").reports() if "盐池" in (e.title or ""))
    with app_on(tmp_path / "s.db", monkeypatch) as at:
        at.query_params["id"] = uid
        at.switch_page("pages/2_报告.py").run()
        assert not at.exception
        assert any(f"[原网页：{site.url}/rep/a.html]({site.url}/rep/a.html)" in m.value for m in at.markdown)


def test_since_skips_the_links_to_older_years(site: Site, tmp_path: Path) -> None:
    summary = _fetch(site, tmp_path, since=2021)
    requested = set(site.requested())
    assert {"/flaky.html", "/rep/h.html", "/rep/only-file.html"} <= requested  # 2021, 2022, 2023
    assert not requested & {"/rep/a.html", "/rep/b.html", "/files/c.pdf", "/moved.html", "/slow.html"}
    assert summary.ingest.count("new") == 3
