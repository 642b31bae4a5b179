"""Collecting reports from government sites: ``nianbao fetch``.

From the URLs given (a 年报 column page, a report page, an attachment), follow the links that lead to
annual reports — a link or page title naming a 政府信息公开 年度报告 / 年报, the column's pagination (下一页,
index_1.html) — download each report page and its attachments into a folder, and (``ingest``) put them
into the store, each keeping the URL it came from as its source.

Polite: robots.txt obeyed (a disallowed URL is reported, never requested), a request to a host no sooner
than ``1 / rate`` seconds after the previous one to it has ended, a User-Agent naming the tool, retries
with backoff on 429, 5xx and timeouts, at most ``max_pages`` requests per host. Resumable and
incremental: the store's ``fetch_manifest`` holds every URL with its final URL, status, time, ETag /
Last-Modified, content hash, saved file and the report it became; a new run sends conditional requests
for what it has (a 304 costs nothing), and a run that was stopped is continued — what it already fetched
is not requested again.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import urllib.robotparser
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from indexer.errors import NianbaoError
from indexer.store.schema import FETCH_DDL

USER_AGENT = "Nianbao/0.1 (collects government information disclosure annual reports for research)"
READABLE = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
ATTACHMENTS = (".pdf", ".docx")  # what a report page links to as its file
UNREADABLE = {
    ".doc": "旧版 Word .doc 文件，需另存为 .docx",
    ".wps": "WPS .wps 文件，需另存为 .docx",
    ".zip": "压缩包",
    ".rar": "压缩包",
    ".7z": "压缩包",
    ".jpg": "图片",
    ".jpeg": "图片",
    ".png": "图片",
    ".gif": "图片",
    ".xls": "Excel 表格",
    ".xlsx": "Excel 表格",
}
_REPORT_WORDS = re.compile(r"(政府信息公开|政务公开|信息公开).{0,20}(年度报告|年报)|年度报告|年报")
_TITLE_REPORT = re.compile(r"(政府信息公开|信息公开).{0,24}(年度报告|年报)")
_NEXT_PAGE = re.compile(r"^\s*(下一页|下页|后一页|>|›|»)\s*$")
_PAGINATION = re.compile(r"(?:index|list)_\d+\.s?html?$")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


@dataclass
class FetchedItem:
    url: str
    kind: str
    status: int | None = None
    path: str | None = None
    reason: str | None = None
    changed: bool = False


@dataclass
class FetchSummary:
    run: int
    items: list[FetchedItem] = field(default_factory=list)
    requests: int = 0
    resumed: bool = False
    interrupted: bool = False
    ingest: Any = None

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)


@dataclass
class FetchOptions:
    out: Path
    depth: int = 3
    rate: float = 1.0  # requests per second and host
    max_pages: int = 500  # requests per host and run
    since: int | None = None
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    stop_after: int | None = None  # requests, then stop as Ctrl-C would (tests of resumption)


class _Politeness:
    """A request per host no sooner than 1/rate s after the last one ended, robots.txt obeyed, a cap per host."""

    def __init__(self, client: httpx.Client, options: FetchOptions, log: Callable[[str], None]) -> None:
        self.client, self.options, self.log = client, options, log
        self.last: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.counts: dict[str, int] = {}

    def wait(self, host: str) -> None:
        gap = 1.0 / self.options.rate
        since = time.monotonic() - self.last.get(host, -1e9)
        if since < gap:
            time.sleep(gap - since)
        self.last[host] = time.monotonic()
        self.counts[host] = self.counts.get(host, 0) + 1

    def done(self, host: str) -> None:
        """The request to ``host`` has ended: the next waits 1/rate s from now (a slow answer, or one the
        server handled late, does not shorten the gap it sees)."""
        self.last[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.robots:
            self.wait(parts.netloc)
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                try:
                    response = self.client.get(f"{host}/robots.txt", timeout=self.options.timeout)
                finally:
                    self.done(parts.netloc)
                if response.status_code == 200:
                    parser.parse(response.text.splitlines())  # type: ignore[union-attr]
                else:
                    parser = None  # no robots.txt: everything is allowed
            except httpx.HTTPError:
                parser = None
            self.robots[host] = parser
        parser = self.robots[host]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    def capped(self, url: str) -> bool:
        return self.counts.get(urlsplit(url).netloc, 0) >= self.options.max_pages


def _decode(body: bytes, content_type: str) -> str:
    """An HTML page's text: the header's charset, the page's <meta charset>, UTF-8, else GB18030 (GBK pages
    that declare nothing)."""
    declared = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    meta = _CHARSET.search(body[:4096])
    for encoding in (declared and declared[1], meta and meta[1].decode("ascii", "ignore"), "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def _links(html_text: str, base: str) -> tuple[str, list[tuple[str, str]]]:
    """The page's title and its links: (absolute URL without fragment, link text)."""
    import lxml.html

    try:
        doc = lxml.html.fromstring(html_text)
    except (ValueError, lxml.etree.ParserError):
        return "", []
    title = " ".join((doc.findtext(".//title") or "").split())
    heading = doc.find(".//h1")
    if heading is not None and heading.text_content().strip():
        title = title + " " + " ".join(heading.text_content().split())
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if url.startswith(("http://", "https://")):
            out.append((url, " ".join(a.text_content().split())))
    return title, out


def _suffix(url: str) -> str:
    return Path(urlsplit(url).path).suffix.lower()


_REPORT_BODY = ("总体情况", "主动公开", "依申请", "行政复议", "存在的主要问题", "收到和处理")


def _is_report_page(title: str, text: str, links: list[tuple[str, str]]) -> bool:
    """A report's own page: its title names one, its text has the report's parts (a column page or a
    notice about the reports does not), and it does not list many reports."""
    listed = sum(1 for _, link_text in links if _TITLE_REPORT.search(link_text))
    parts = sum(1 for word in _REPORT_BODY if word in text)
    return bool(_TITLE_REPORT.search(title)) and parts >= 3 and listed < 3


def _too_old(text: str, since: int | None) -> bool:
    years = [int(y) for y in _YEAR.findall(text)]
    return since is not None and bool(years) and max(years) < since


class Fetcher:
    def __init__(self, conn: sqlite3.Connection, options: FetchOptions, log: Callable[[str], None] = print) -> None:
        self.conn, self.options, self.log = conn, options, log
        conn.executescript(FETCH_DDL)
        options.out.mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- the manifest

    def _known(self, url: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM fetch_manifest WHERE url = ?", (url,)).fetchone()

    def _record(self, url: str, run: int, **values: Any) -> None:
        row = self._known(url)
        merged = dict(row) if row else {"url": url}
        merged.update(values, run=run)
        merged.setdefault("kind", "other")
        names = list(merged)
        self.conn.execute(
            f"INSERT OR REPLACE INTO fetch_manifest ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [merged[n] for n in names],
        )

    def _run(self) -> tuple[int, bool]:
        """This run's number: the stopped run's when one was stopped (it is continued), else a new one."""
        open_run = self.conn.execute("SELECT value FROM meta WHERE key = 'fetch_open_run'").fetchone()
        if open_run:
            return int(open_run[0]), True
        last = self.conn.execute("SELECT max(run) FROM fetch_manifest").fetchone()[0] or 0
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('fetch_open_run', ?)", (str(last + 1),))
        return last + 1, False

    # ---------------------------------------------------------------- fetching

    def _get(self, client: httpx.Client, polite: _Politeness, url: str, summary: FetchSummary) -> httpx.Response:
        """GET with the conditional headers the manifest allows, retried with backoff on 429/5xx/timeouts."""
        known = self._known(url)
        headers = {}
        saved = known is not None and known["path"] and Path(known["path"]).exists()
        if known is not None and known["status"] in (200, 304) and (saved or known["kind"] == "other"):
            if known["etag"]:
                headers["If-None-Match"] = known["etag"]
            if known["last_modified"]:
                headers["If-Modified-Since"] = known["last_modified"]
        delay = self.options.backoff
        for attempt in range(self.options.retries + 1):
            if self.options.stop_after is not None and summary.requests >= self.options.stop_after:
                raise KeyboardInterrupt
            try:
                response = self._follow(client, polite, url, headers, summary)
            except httpx.TimeoutException:
                if attempt == self.options.retries:
                    raise
                self.log(f"超时，{delay:g} 秒后重试：{url}")
            else:
                if response.status_code not in (429, 500, 502, 503, 504) or attempt == self.options.retries:
                    return response
                wait = response.headers.get("Retry-After")
                delay = max(delay, float(wait)) if wait and wait.isdigit() else delay
                self.log(f"HTTP {response.status_code}，{delay:g} 秒后重试：{url}")
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def _follow(
        self, client: httpx.Client, polite: _Politeness, url: str, headers: dict, summary: FetchSummary
    ) -> httpx.Response:
        """One GET and the redirects it leads to (at most 5), each request waiting its turn for the host."""
        for _ in range(6):
            host = urlsplit(url).netloc
            polite.wait(host)
            summary.requests += 1
            try:
                response = client.get(url, headers=headers, timeout=self.options.timeout)
            finally:
                polite.done(host)
            if response.status_code not in (301, 302, 303, 307, 308) or "location" not in response.headers:
                return response
            url = urljoin(url, response.headers["location"])
            if not polite.allowed(url):
                return httpx.Response(403, request=response.request)  # a redirect into a disallowed path
        return response

    def _save(self, url: str, body: bytes, suffix: str) -> Path:
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        host = re.sub(r"[^\w.-]", "_", urlsplit(url).netloc)
        path = self.options.out / host / f"{digest}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        return path

    def run(self, seeds: Iterable[str]) -> FetchSummary:
        run, resumed = self._run()
        summary = FetchSummary(run, resumed=resumed)
        queue: deque[tuple[str, int, str]] = deque((u, 0, "seed") for u in dict.fromkeys(seeds))
        if resumed:  # what the stopped run had queued and not fetched yet
            for (url,) in self.conn.execute(
                "SELECT url FROM fetch_manifest WHERE run = ? AND kind = 'queued'", (run,)
            ).fetchall():
                queue.append((url, 0, "queued"))
        seen: set[str] = set()
        client = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=False)  # redirects: _follow
        polite = _Politeness(client, self.options, self.log)
        try:
            while queue:
                url, depth, role = queue.popleft()
                if url in seen:
                    continue
                seen.add(url)
                known = self._known(url)
                if resumed and known is not None and known["run"] == run and known["kind"] not in ("queued",):
                    self._follow_saved(known, depth, queue)  # fetched before the stop: not requested again
                    continue
                item = self._visit(client, polite, url, depth, role, run, queue, summary)
                if item is not None:
                    summary.items.append(item)
        except KeyboardInterrupt:
            summary.interrupted = True
            for url, _, _ in queue:
                if url not in seen and self._known(url) is None:
                    self._record(url, run, kind="queued")
            self.log("已停止：再次运行同一命令会从停下的地方继续。")
        finally:
            client.close()
        if not summary.interrupted:
            self.conn.execute("DELETE FROM meta WHERE key = 'fetch_open_run'")
            self.conn.execute("DELETE FROM fetch_manifest WHERE kind = 'queued'")
        return summary

    def _follow_saved(self, known: sqlite3.Row, depth: int, queue: deque) -> None:
        """A page fetched earlier in this run: its links again, from the saved copy."""
        if known["kind"] == "index" and known["path"] and Path(known["path"]).exists():
            self._enqueue(Path(known["path"]).read_bytes(), "", known["final_url"] or known["url"], depth, queue)

    def _visit(
        self,
        client: httpx.Client,
        polite: _Politeness,
        url: str,
        depth: int,
        role: str,
        run: int,
        queue: deque,
        summary: FetchSummary,
    ) -> FetchedItem | None:
        suffix = _suffix(url)
        if suffix in UNREADABLE:
            self._record(url, run, kind="unreadable", reason=UNREADABLE[suffix])
            return FetchedItem(url, "unreadable", reason=UNREADABLE[suffix])
        if not polite.allowed(url):
            self._record(url, run, kind="disallowed", reason="robots.txt 不允许")
            self.log(f"robots.txt 不允许，未抓取：{url}")
            return FetchedItem(url, "disallowed", reason="robots.txt 不允许")
        if polite.capped(url):
            self._record(url, run, kind="failed", reason=f"已达每个站点 {self.options.max_pages} 次请求的上限")
            return FetchedItem(url, "failed", reason="已达站点请求上限")
        try:
            response = self._get(client, polite, url, summary)
        except httpx.HTTPError as exc:
            reason = "超时" if isinstance(exc, httpx.TimeoutException) else f"连接失败：{exc}"
            self._record(url, run, kind="failed", reason=reason, fetched_at=_now())
            self.log(f"失败（{reason}）：{url}")
            return FetchedItem(url, "failed", reason=reason)
        final = str(response.url)
        known = self._known(url)
        if response.status_code == 304 and known is not None:
            self._record(url, run, status=304, fetched_at=_now())
            if known["kind"] == "index" and known["path"] and Path(known["path"]).exists():
                self._enqueue(Path(known["path"]).read_bytes(), "", known["final_url"] or url, depth, queue)
            return FetchedItem(url, known["kind"], 304, known["path"], reason=known["reason"])
        if response.status_code != 200:
            reason = f"HTTP {response.status_code}"
            self._record(url, run, kind="failed", status=response.status_code, reason=reason, fetched_at=_now())
            self.log(f"失败（{reason}）：{url}")
            return FetchedItem(url, "failed", response.status_code, reason=reason)
        body = response.content
        content_type = response.headers.get("content-type", "")
        final_suffix = _suffix(final) or suffix
        is_html = "html" in content_type or final_suffix in (".html", ".htm", ".shtml", "")
        sha = hashlib.sha256(body).hexdigest()
        changed = known is None or known["sha256"] != sha
        meta = {
            "final_url": final,
            "status": 200,
            "fetched_at": _now(),
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
            "sha256": sha,
        }
        if not is_html:
            ext = final_suffix if final_suffix in READABLE else ".pdf" if "pdf" in content_type else final_suffix
            if ext not in READABLE:
                reason = UNREADABLE.get(ext, f"无法读取的格式（{ext or content_type}）")
                self._record(url, run, kind="unreadable", reason=reason, **meta)
                return FetchedItem(url, "unreadable", 200, reason=reason)
            path = self._save(url, body, ext)
            self._record(url, run, kind="attachment", path=str(path), **meta)
            return FetchedItem(url, "attachment", 200, str(path), changed=changed)
        text = _decode(body, content_type)
        title, links = _links(text, final)
        attachments = [link for link, _ in links if _suffix(link) in (*ATTACHMENTS, *UNREADABLE)]
        if _is_report_page(title, text, links):
            path = self._save(url, body, ".html")
            self._record(url, run, kind="report", path=str(path), **meta)
            queue.extend((link, depth + 1, "attachment") for link in attachments)  # its files
            return FetchedItem(url, "report", 200, str(path), changed=changed)
        if role == "report" and attachments:  # a report's page that only links its file (附件：….pdf)
            queue.extend((link, depth + 1, "attachment") for link in attachments)
            self._record(url, run, kind="other", reason="报告页只提供附件", **meta)
            return FetchedItem(url, "other", 200, reason="报告页只提供附件")
        if role == "attachment":
            self._record(url, run, kind="other", reason="不是年度报告", **meta)
            return FetchedItem(url, "other", 200, reason="不是年度报告")
        linked = self._enqueue(body, text, final, depth, queue)
        if linked or role == "seed":
            path = self._save(url, body, ".html")
            self._record(url, run, kind="index", path=str(path), **meta)
            return FetchedItem(url, "index", 200, str(path))
        self._record(url, run, kind="other", reason="不是年度报告，也不链接年度报告", **meta)
        return FetchedItem(url, "other", 200, reason="不是年度报告")

    def _enqueue(self, body: bytes, text: str, base: str, depth: int, queue: deque) -> int:
        """Queue a column page's report links and its next pages; returns how many it queued."""
        title, links = _links(text or _decode(body, ""), base)
        queued = 0
        for link, link_text in links:
            if _NEXT_PAGE.match(link_text) or _PAGINATION.search(urlsplit(link).path):
                if urlsplit(link).netloc == urlsplit(base).netloc:
                    queue.append((link, depth, "index"))  # a column's next page: the same depth
                    queued += 1
            elif _REPORT_WORDS.search(link_text) and depth + 1 <= self.options.depth:
                if _too_old(link_text, self.options.since):
                    continue
                queue.append((link, depth + 1, "report"))
                queued += 1
        return queued


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


def fetch(
    db: str | Path | None,
    seeds: Iterable[str],
    options: FetchOptions,
    ingest: bool = False,
    log: Callable[[str], None] = print,
) -> FetchSummary:
    """Fetch from the seeds into ``options.out``; with ``ingest``, put what was fetched into the store,
    each file's source being the URL it was fetched from."""
    from indexer.store import connect

    seeds = [s.strip() for s in seeds if s.strip()]
    if not seeds:
        raise NianbaoError("no URL to fetch: give URLs or --from a file listing them")
    bad = [s for s in seeds if not s.startswith(("http://", "https://"))]
    if bad:
        raise NianbaoError(f"not an http(s) URL: {', '.join(bad)}")
    conn = connect(db)
    try:
        summary = Fetcher(conn, options, log).run(seeds)
        if ingest:
            summary.ingest = _ingest_fetched(conn, db, summary.run)
    finally:
        conn.close()
    return summary


def _ingest_fetched(conn: sqlite3.Connection, db: str | Path | None, run: int) -> Any:
    """Ingest this run's reports and attachments; the manifest records the report each became."""
    from indexer.ingest import ingest

    rows = conn.execute(
        "SELECT url, final_url, path FROM fetch_manifest WHERE run = ? AND kind IN ('report', 'attachment')"
        " AND path IS NOT NULL",
        (run,),
    ).fetchall()
    names = {row["path"]: row["url"] for row in rows if Path(row["path"]).exists()}
    if not names:
        return None
    summary = ingest(list(names), db=db, workers=1, names=names)
    by_url = {o.location: o.uid for o in summary.outcomes if o.uid}
    conn.executemany(
        "UPDATE fetch_manifest SET report_uid = ? WHERE url = ?", [(uid, url) for url, uid in by_url.items()]
    )
    failed = {o.location: o.detail for o in summary.outcomes if o.status == "failed"}
    conn.executemany("UPDATE fetch_manifest SET reason = ? WHERE url = ?", [(r, u) for u, r in failed.items()])
    return summary
