"""The ``nianbao`` command line: thin wrappers over the library's functions."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Any

import click

from indexer.api import Library
from indexer.errors import NianbaoError
from indexer.labels import SECTION_LABELS, reason_label
from indexer.model import APPLICANT_COLUMNS, SECTION_KINDS, Report, Value
from indexer.search.base import SECTION_KINDS as SEARCH_SECTIONS


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a NianbaoError as one line and exit 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NianbaoError as exc:
            click.echo(f"错误: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def main() -> None:
    """Nianbao (年报): search and analyse 政府信息公开工作年度报告."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the whole model as one JSON object.")
@_user_errors
def parse(file: str, as_json: bool) -> None:
    """Parse one report FILE (.txt .docx .pdf .html) and show what was recovered."""
    from indexer.analyze import analyze_file

    report = analyze_file(file)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_summary(report))


def _cell(v: Value) -> str:
    if v.value is None:
        return "—"
    return f"{v.value:g}" + ("*" if v.derived else "")


def render_model(model: dict[str, Any]) -> str:
    """A readable view of a stored report model (the JSON ``parse --json`` prints)."""
    r = model.get("region") or {}
    lines = [
        f"标题: {model['title'] or '未识别'}",
        f"文件: {model['path']}",
        f"发布机关: {model['publisher'] or '未识别'}  (层级: {model['level'] or '未知'})",
        "地区: " + (" / ".join(x for x in (r.get("province"), r.get("city"), r.get("county")) if x) or "未识别"),
        f"年度: {model['year'] or '未识别'}   模板: {model['template']}",
        "章节: " + " | ".join(f"{d['number'] or '-'} {d['heading']} [{d['kind']}]" for d in model["section_details"]),
    ]
    for name, table in (("第二十条表", model["proactive"]), ("复议/诉讼表", model["review_litigation"])):
        if table:
            lines.append(name + ":")
            lines += [
                f"  {row}: " + ", ".join(f"{k}={_num(v)}" for k, v in cells.items()) for row, cells in table.items()
            ]
    if model["requests"]:
        lines.append("申请表 (" + " ".join(model["requests"]["columns"]) + "):")
        width = max(len(k) for k in model["requests"]["rows"])
        lines += [
            f"  {row:<{width}} " + " ".join(f"{_num(v):>4}" for v in values)
            for row, values in model["requests"]["rows"].items()
        ]
    failing = [c for c in model["consistency"] if c["ok"] is False]
    lines.append(f"一致性检查: {len(failing)} 项不通过")
    lines += [f"  ✗ {c['check']}: {c['detail']}" for c in failing]
    return "\n".join(lines)


def _num(v: int | float | None) -> str:
    return "—" if v is None else f"{v:g}"


def render_summary(report: Report) -> str:
    """A readable summary of a parsed report: metadata, sections, tables, failing checks."""
    r = report.region
    region = " / ".join(x for x in (r.province, r.city, r.county) if x) if r else "未识别"
    lines = [
        f"标题: {report.title or '未识别'}",
        f"发布机关: {report.publisher or '未识别'}  (层级: {report.level or '未知'})",
        f"地区: {region}",
        f"年度: {report.year or '未识别'}   模板: {report.template}",
        "章节: " + " | ".join(f"{s.number or '-'} {s.heading} [{s.kind}]" for s in report.sections),
    ]
    if report.proactive:
        lines.append("第二十条表:")
        for row, cells in report.proactive.items():
            lines.append(f"  {row}: " + ", ".join(f"{k}={_cell(v)}" for k, v in cells.items()))
    if report.requests:
        lines.append("申请表 (" + " ".join(APPLICANT_COLUMNS) + "):")
        width = max(len(k) for k in report.requests)
        for row, cells in report.requests.items():
            lines.append(f"  {row:<{width}} " + " ".join(f"{_cell(v):>4}" for v in cells))
    if report.review_litigation:
        lines.append("复议/诉讼表:")
        for block, cells in report.review_litigation.items():
            lines.append(f"  {block}: " + ", ".join(f"{k}={_cell(v)}" for k, v in cells.items()))
    failing = [c for c in report.consistency if c.ok is False]
    unevaluated = [c for c in report.consistency if c.ok is None]
    lines.append(f"一致性检查: {len(failing)} 项不通过, {len(unevaluated)} 项无法检查")
    lines += [f"  ✗ {c.check}: {c.detail}" for c in failing]
    lines += [f"  ? {c.check}: {c.detail}" for c in unevaluated]
    if report.derived_cells:
        lines.append(
            "推算的单元格 (*): " + "; ".join(f"{d.row}/{d.column or '?'}={d.value:g}" for d in report.derived_cells)
        )
    lines += [f"警告: {w}" for w in report.warnings]
    return "\n".join(lines)


_DB = click.option(
    "--db", type=click.Path(dir_okay=False), envvar="NIANBAO_DB", help="The store (default data/nianbao.db)."
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_DB
@click.option("--workers", type=int, default=None, help="Parser processes (default: one per core).")
@click.option(
    "--backend",
    type=click.Choice(["sqlite", "elasticsearch"]),
    envvar="NIANBAO_BACKEND",
    default="sqlite",
    help="Also index into Elasticsearch (NIANBAO_ES_URL); the SQLite store stays the system of record.",
)
@_user_errors
def ingest(paths: tuple[str, ...], db: str | None, workers: int | None, backend: str) -> None:
    """Ingest report files and folders (recursively) into the store."""
    from tqdm import tqdm

    library = Library(db, backend)
    bar = tqdm(total=0, unit="份", desc="导入", disable=None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    summary = library.ingest(paths, workers=workers, progress=progress)
    bar.close()
    click.echo(render_ingest_summary(summary))
    for o in summary.outcomes:
        if o.status == "failed":
            click.echo(f"失败: {o.location}: {reason_label(o.detail or '')}", err=True)
    if summary.interrupted:
        click.echo("已中断: 已提交的报告完好, 再次运行同一命令会继续导入其余文件", err=True)
        sys.exit(130)
    if backend == "elasticsearch":
        report = library.reindex_cluster()
        click.echo(
            f"Elasticsearch: {report.indexed}/{report.expected} 段落写入 {report.index} ({report.seconds:.1f} s)"
        )
        for path, reason in report.failed:
            click.echo(f"索引失败: {path}: {reason}", err=True)
        if report.failed:
            click.echo(f"别名 {report.index} 未切换: 索引不完整, 检索仍使用原索引", err=True)
            sys.exit(2)
    if summary.failed:
        sys.exit(2)


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--from", "from_file", type=click.Path(exists=True, dir_okay=False), help="A file of URLs, one a line.")
@click.option("--depth", type=int, default=3, show_default=True, help="Links followed from a start URL.")
@click.option("--out", type=click.Path(file_okay=False), help="Where files are saved (default: fetched/ by the store).")
@click.option("--ingest", "and_ingest", is_flag=True, help="Ingest what was fetched, each file's source its URL.")
@click.option("--rate", type=float, default=1.0, show_default=True, help="Requests per second and host.")
@click.option("--since", type=int, help="Only reports of this year or later (by their link's text).")
@click.option("--max-pages", type=int, default=500, show_default=True, help="Requests per host and run.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--retries", type=int, default=3, show_default=True, help="Retries on 429, 5xx and timeouts.")
@_DB
@_user_errors
def fetch(
    urls: tuple[str, ...],
    from_file: str | None,
    depth: int,
    out: str | None,
    and_ingest: bool,
    rate: float,
    since: int | None,
    max_pages: int,
    timeout: float,
    retries: int,
    db: str | None,
) -> None:
    """Collect reports from government sites: start at a 年报 column page, a report page or a file URL,
    follow the links to annual reports (and the column's next pages), save each page and attachment, and
    with --ingest store them. Polite (robots.txt, --rate per host, retries with backoff); a second run
    fetches only what changed, and a stopped run continues where it stopped."""
    from indexer.fetch import FetchOptions
    from indexer.fetch import fetch as run_fetch
    from indexer.store import default_db_path

    seeds = list(urls)
    if from_file:
        lines = Path(from_file).read_text(encoding="utf-8").splitlines()
        seeds += [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    store = Path(db) if db else default_db_path()
    folder = Path(out) if out else store.parent / "fetched"
    options = FetchOptions(folder, depth, rate, max_pages, since, timeout, retries)
    summary = run_fetch(store, seeds, options, ingest=and_ingest, log=lambda m: click.echo(m, err=True))
    kinds = {"report": "报告页", "attachment": "附件", "index": "栏目页", "unreadable": "无法读取的附件",
             "disallowed": "robots.txt 不允许", "failed": "失败", "other": "非报告页"}  # fmt: skip
    unchanged = sum(1 for i in summary.items if i.status == 304)
    counts = "，".join(f"{label} {summary.count(kind)}" for kind, label in kinds.items() if summary.count(kind))
    click.echo(f"请求 {summary.requests} 次；{counts or '没有抓到内容'}；未变（304）{unchanged}；保存于 {folder}")
    for item in summary.items:
        if item.kind in ("unreadable", "failed", "disallowed"):
            click.echo(f"{kinds[item.kind]}：{item.url}（{item.reason}）")
    if summary.ingest is not None:
        click.echo(render_ingest_summary(summary.ingest))
        for o in summary.ingest.outcomes:
            if o.status == "failed":
                click.echo(f"失败: {o.location}: {reason_label(o.detail or '')}", err=True)
    if summary.interrupted:
        sys.exit(130)


INGEST_STATUSES = {
    "new": "新报告",
    "unchanged": "未变",
    "moved": "已移动",
    "attached": "附加来源",
    "updated": "已更新",
    "version": "新版本",
    "skipped": "跳过",
    "failed": "失败",
}


def render_ingest_summary(summary: Any) -> str:
    """The counts of an ingest by status, then one line for each file moved, attached, updated, versioned
    or skipped."""
    counts = ", ".join(f"{label} {summary.count(status)}" for status, label in INGEST_STATUSES.items())
    lines = [
        f"{counts}  ({summary.seconds:.1f} s, {summary.reports_per_second:.1f} 份/s, {summary.mb_per_second:.2f} MB/s)"
    ]
    for o in summary.outcomes:
        if o.status in ("moved", "attached", "updated", "version", "skipped"):
            report = f" → 报告 {o.uid}" if o.uid else ""
            lines.append(f"{INGEST_STATUSES[o.status]}: {o.location}{report}" + (f" ({o.detail})" if o.detail else ""))
    return "\n".join(lines)


def _years(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    first, _, last = value.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise NianbaoError(f"--year takes a year or a range such as 2019-2021, not '{value}'") from None


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@click.option("--exact", is_flag=True, help="Exact substring match instead of ranked words.")
@click.option("--province")
@click.option("--city")
@click.option("--county")
@click.option("--level", type=click.Choice(["province", "city", "county", "department", "township"]))
@click.option("--year", "years", help="A year (2020) or a range (2019-2021).")
@click.option("--section", type=click.Choice(list(SEARCH_SECTIONS)))
@click.option("--sort", type=click.Choice(["relevance", "year"]), default="relevance")
@click.option("--limit", type=int, default=10, show_default=True, help="Reports per page.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits and the facet counts as JSON.")
@click.option("--all", "every", is_flag=True, help="Every hit, not one page (for exports).")
@_DB
@_user_errors
def search(
    query: tuple[str, ...],
    exact: bool,
    years: str | None,
    limit: int,
    page: int,
    as_json: bool,
    every: bool,
    db: str | None,
    **filters: Any,
) -> None:
    """Search the ingested reports (ranked by default, --exact for substring matches).

    A space means AND; OR, -word or NOT word, "a phrase" and (parentheses) work as in the README.
    """
    from indexer.search import SearchQuery

    year_from, year_to = _years(years)
    q = SearchQuery(
        text=" ".join(query),
        mode="exact" if exact else "ranked",
        year_from=year_from,
        year_to=year_to,
        per_page=max(limit, 1),
        page=max(page, 1),
        **filters,
    )
    library = Library(db)
    result = library.search_all(q) if every else library.search(q)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{result.total_reports} 份报告 ({result.elapsed_ms:.0f} ms)" + (f" — {result.notice}" if result.notice else "")
    )
    for hit in result.hits:
        region = "/".join(x for x in (hit.province, hit.city, hit.county) if x)
        click.echo(f"\n[{hit.report_id}] {hit.title}  {region}  {hit.year or ''}")
        for p in hit.passages:
            click.echo(f"    ({p.section}) " + p.marked().replace("\n", ""))
    facets = "; ".join(
        f"{name}: " + ", ".join(f"{v}({c})" for v, c in pairs[:6]) for name, pairs in result.facets.items() if pairs
    )
    if facets:
        click.echo("\n" + facets)


@main.command()
@click.argument("report_id")
@_DB
@click.option("--json", "as_json", is_flag=True, help="Print the stored model as JSON.")
@_user_errors
def show(report_id: str, db: str | None, as_json: bool) -> None:
    """Show one ingested report by its id (as `nianbao reports` lists them): metadata, sections, tables."""
    model = Library(db).report(report_id).model
    if as_json:
        click.echo(json.dumps(model, ensure_ascii=False, indent=2))
    else:
        click.echo(render_model(model))


_FILTERS = [
    click.option("--province"),
    click.option("--city"),
    click.option("--county"),
    click.option("--level", type=click.Choice(["province", "city", "county", "department", "township"])),
    click.option("--year", type=int),
]


def _filters(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_FILTERS):
        func = option(func)
    return func


@main.command()
@_filters
@click.option("--json", "as_json", is_flag=True, help="Print every report with its sources and versions as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write the list as CSV.")
@_DB
@_user_errors
def reports(as_json: bool, csv_path: str | None, db: str | None, **filters: Any) -> None:
    """The stored reports, one per publisher and year: id, publisher, region, year, template, sources,
    versions and failing checks."""
    entries = Library(db).reports(**filters)
    if as_json:
        click.echo(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return
    if csv_path:
        import csv

        with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(REPORT_COLUMNS)
            for e in entries:
                writer.writerow(_report_row(e))
        click.echo(f"{len(entries)} 行写入 {csv_path}")
        return
    for e in entries:
        region = "/".join(x for x in (e.province, e.city, e.county) if x) or "地区未识别"
        click.echo(
            f"{e.uid}  {e.publisher or '发布机关未识别'}  {region}  {e.year or '年度未识别'}  模板 {e.template}"
            f"  来源 {len(e.sources)}  旧版本 {len(e.versions)}  不通过检查 {e.failing_checks}"
        )
    click.echo(f"共 {len(entries)} 份报告")


REPORT_COLUMNS = (
    "report_id", "title", "publisher", "level", "province", "city", "county", "year", "template",
    "failing_checks", "sources", "versions", "primary",
)  # fmt: skip


def _report_row(e: Any) -> list[Any]:
    values = [e.uid, e.title, e.publisher, e.level, e.province, e.city, e.county, e.year, e.template]
    return [*values, e.failing_checks, " | ".join(s["location"] for s in e.sources), len(e.versions), e.primary]


@main.command()
@click.argument("report_ids", nargs=-1, required=True)
@_DB
@_user_errors
def remove(report_ids: tuple[str, ...], db: str | None) -> None:
    """Remove reports by id, in one transaction (nothing is removed if an id is unknown)."""
    for title in Library(db).remove(list(report_ids)):
        click.echo(f"已删除: {title}")


@main.command()
@_DB
@click.option(
    "--backend",
    type=click.Choice(["sqlite", "elasticsearch"]),
    envvar="NIANBAO_BACKEND",
    default="sqlite",
    help="The index to rebuild: the embedded one (default) or Elasticsearch's (NIANBAO_ES_URL).",
)
@_user_errors
def reindex(db: str | None, backend: str) -> None:
    """Rebuild the search index from the store (the store is not changed)."""
    from tqdm import tqdm

    library = Library(db, backend)
    if not library.exists():
        raise NianbaoError("no store here yet; run `nianbao ingest` first", library.db)
    if backend == "elasticsearch":
        report = library.reindex()
        click.echo(f"Elasticsearch: {report.indexed}/{report.expected} 写入 {report.index} ({report.seconds:.1f} s)")
        if report.failed:
            sys.exit(2)
        return
    bar = tqdm(total=0, unit="份", desc="索引", disable=None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    started = time.perf_counter()
    n = library.reindex(progress)
    bar.close()
    click.echo(f"已重建索引: {n} 份报告 ({time.perf_counter() - started:.1f} s)")


@main.command()
@_DB
@_user_errors
def compact(db: str | None) -> None:
    """Rewrite the store without its free and half-filled pages (after a large ingest or removal)."""
    library = Library(db)
    if not library.exists():
        raise NianbaoError("no store here yet; run `nianbao ingest` first", library.db)
    before, after = library.compact()
    click.echo(f"已压缩: {before / 1e6:.1f} MB → {after / 1e6:.1f} MB")


@main.command()
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@_DB
@_user_errors
def prune(dry_run: bool, db: str | None) -> None:
    """Remove the reports none of whose source files exist any more (uploads are kept)."""
    result = Library(db).prune(dry_run=dry_run)
    verb = "将删除" if dry_run else "已删除"
    for location in result.dead_sources:
        click.echo(f"文件已不在: {location}")
    for uid, title in result.removed:
        click.echo(f"{verb}: {uid} {title or ''}")
    click.echo(f"{verb} {len(result.removed)} 份报告, 失效来源 {len(result.dead_sources)} 个")


@main.command()
@click.option("--report", "report_id", help="One report's sections against last year and the closest other report.")
@click.option("--section", type=click.Choice(list(SECTION_KINDS)), help="Only this section kind.")
@click.option("--min", "minimum", type=float, default=0.8, show_default=True, help="Least similarity of a pair.")
@_filters
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@_DB
@_user_errors
def copies(
    report_id: str | None,
    section: str | None,
    minimum: float,
    limit: int,
    as_json: bool,
    db: str | None,
    **filters: Any,
) -> None:
    """内容雷同: pairs of reports with a similar section (the template's wording and the tables left out),
    with the longest passages they share."""
    from indexer.copies import STORE_MIN

    library = Library(db)
    if report_id:
        found = library.report_copies(report_id)
        if section:
            found = {k: v for k, v in found.items() if k == section}
        if as_json:
            out = {k: {side: (asdict(m) if m else None) for side, m in v.items()} for k, v in found.items()}
            click.echo(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for kind, sides in found.items():
            click.echo(f"[{SECTION_LABELS.get(kind, kind)}]")
            for side, label in (("previous", "上一年"), ("closest", "最相似的其他报告")):
                m = sides[side]
                if m is None:
                    click.echo(f"  {label}: 无")
                    continue
                score = "—" if m.similarity is None else f"{m.similarity:.2f}"
                click.echo(f"  {label}: {score}  {m.other_year or ''} {m.other_publisher or ''} [{m.other_uid}]")
                for a, _, n in m.shared[:2]:
                    click.echo(f"      「{m.text[a : a + n][:80]}」")
        return
    if minimum < STORE_MIN:
        raise NianbaoError(f"--min 不能小于 {STORE_MIN}: 更低的相似度不予记录")
    wanted = {k: filters[k] for k in ("province", "year", "level")}
    pairs = library.copies(minimum, section, **wanted, limit=limit)
    if as_json:
        click.echo(json.dumps([p.to_json() for p in pairs], ensure_ascii=False, indent=2))
        return
    for p in pairs:
        click.echo(
            f"{p.similarity:.2f} [{SECTION_LABELS.get(p.kind, p.kind)}] {p.year or ''} {p.publisher or ''}"
            f" [{p.uid}] ← {p.other_year or ''} {p.other_publisher or ''} [{p.other_uid}]"
            + (" (同一发布机关)" if p.relation == "own" else "")
        )
        for passage in p.shared[:1]:
            click.echo(f"      「{passage[:80]}」")
    click.echo(f"共 {len(pairs)} 对")


def _filters(func: Any) -> Any:
    """--province/--city/--county (short and former names too), --level, --year, --years FROM-TO."""
    for option in (
        click.option("--province"),
        click.option("--city"),
        click.option("--county"),
        click.option("--level", type=click.Choice(["province", "city", "county", "department", "township"])),
        click.option("--year", type=int),
        click.option("--years", help="A span of years, FROM-TO (2019-2023)."),
    ):
        func = option(func)
    return func


def _filter_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    years = kwargs.pop("years", None)
    out = {k: kwargs.pop(k) for k in ("province", "city", "county", "level", "year")}
    if years:
        try:
            a, b = (int(x) for x in years.split("-"))
        except ValueError:
            raise NianbaoError(f"--years is FROM-TO (2019-2023), not '{years}'") from None
        out["years"] = (a, b)
    return out


@main.command()
@_filters
@click.option("--by", "by", help="Aggregate by province, city, county, level or year (comma-separated).")
@click.option("--exclude-flagged", is_flag=True, help="Leave out reports whose own checks fail.")
@click.option("--rank", "rank_by", help="Rank the groups by this indicator (with --by).")
@click.option("--min-reports", type=int, default=5, show_default=True, help="Ranking guard: reports per group.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write the table as CSV.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="Write the table as an Excel workbook.")
@click.option("--parquet", "parquet_path", type=click.Path(dir_okay=False), help="Write the table as Parquet.")
@_DB
@_user_errors
def indicators(
    by: str | None,
    exclude_flagged: bool,
    rank_by: str | None,
    min_reports: int,
    as_json: bool,
    csv_path: str | None,
    xlsx_path: str | None,
    parquet_path: str | None,
    db: str | None,
    **kwargs: Any,
) -> None:
    """Indicators (公开率, 复议纠错率 …; README: 指标) per report — the wide panel, one row per report with
    every indicator and table cell — or aggregated --by a grouping, counts summed and rates recomputed."""
    from indexer.indicators import BY_KEY, DEFINITIONS, ranking
    from indexer.tables_export import write_frame

    library = Library(db)
    filters = _filter_values(kwargs)
    groupings = [g.strip() for g in by.split(",")] if by else []
    if groupings:
        groups = library.indicators(groupings, exclude_flagged, **filters)
        left: list[Any] = []
        if rank_by:
            groups, left = ranking(groups, rank_by, min_reports)
        rows = [
            {
                **g.key,
                "reports": g.reports,
                "flagged": g.flagged,
                **{d.key: g.figures[d.key].value for d in DEFINITIONS},
                **{f"{d.key}.reports": g.behind[d.key] for d in DEFINITIONS},
            }
            for g in groups
        ]
        answer: Any = [g.to_json() for g in groups]
        if rank_by:
            answer = {
                "ranked_by": rank_by,
                "min_reports": min_reports,
                "ranked": answer,
                "left_out": [{**g.key, "reports": g.reports} for g in left],
            }
    else:
        panel = [r for r in library.indicator_panel(**filters) if not (exclude_flagged and r.flagged)]
        rows = [r.row() for r in panel]
        answer = rows
    if csv_path or xlsx_path or parquet_path:
        for path, fmt in ((csv_path, "csv"), (xlsx_path, "xlsx"), (parquet_path, "parquet")):
            if path:
                write_frame(rows, path, fmt)
                click.echo(f"{len(rows)} 行写入 {path}")
        return
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2, default=str))
        return
    shown = ("收到申请", "办结", "公开率", "结转率", "复议纠错率", "争议转化率", "不通过检查")
    if not groupings:
        for r in rows:
            place = "/".join(x for x in (r["province"], r["city"], r["county"]) if x) or "地区未识别"
            figures = "  ".join(f"{k} {_fmt(BY_KEY[k], r[k])}" for k in shown)
            click.echo(f"{r['year'] or '—'} {place} [{r['report_id']}]{' ⚑' if r['flagged'] else ''}  {figures}")
        click.echo(f"共 {len(rows)} 份报告（⚑：本报告的检查不通过，指标照算）")
        return
    for g in groups:
        name = " / ".join(str(v) for v in g.key.values() if v is not None) or "全部"
        figures = "  ".join(f"{k} {_fmt(BY_KEY[k], g.figures[k].value)}" for k in shown)
        click.echo(f"{name}: {g.reports} 份报告（{g.flagged} 份检查不通过）  {figures}")
    if rank_by:
        click.echo(f"排名按 {rank_by}，仅含不少于 {min_reports} 份报告的组；未排名 {len(left)} 组")


def _fmt(definition: Any, value: Any) -> str:
    if value is None:
        return "—"
    if definition.kind == "rate":
        return f"{value:.1%}"
    return f"{value:g}"


@main.command()
@click.option("--cross-year", is_flag=True, help="Check each report against its unit's report of the year before.")
@_filters
@click.option("--failed", "failed_only", is_flag=True, help="Only the checks that fail.")
@click.option("--json", "as_json", is_flag=True)
@_DB
@_user_errors
def checks(cross_year: bool, failed_only: bool, as_json: bool, db: str | None, **kwargs: Any) -> None:
    """Consistency checks between reports: --cross-year compares each report with its unit's previous
    one (上年结转 = 上年结转下年度; 现行有效 and 项目数量 carried over)."""
    if not cross_year:
        raise NianbaoError("say which checks: --cross-year (a report's own checks are in `nianbao show`)")
    library = Library(db)
    found = library.cross_year_checks(**_filter_values(kwargs))
    if failed_only:
        found = [c for c in found if c.status == "failed"]
    wanted = {(c.unit, c.year) for c in found}
    problems = [
        {"unit": unit, **pair}
        for unit in sorted({c.unit for c in found})
        for pair in library.recurrence(unit)
        if (unit, pair["next_year"]) in wanted
    ]
    if as_json:
        answer = {"checks": [c.to_json() for c in found], "problems": problems}
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    marks = {"ok": "✓", "failed": "✗", "not_evaluable": "·"}
    for c in found:
        click.echo(
            f"{marks[c.status]} {c.unit} {c.previous_year}→{c.year} {c.check}" + (f"：{c.detail}" if c.detail else "")
        )
    for p in problems:
        recurring = "、".join(dict.fromkeys(i["label"] for i in p["recurring_problems"])) or "无"
        done = "、".join(dict.fromkeys(i["label"] for i in p["fixes_reported_done"])) or "无"
        pair = f"{p['unit']} {p['year']}→{p['next_year']}"
        click.echo(f"  {pair} 问题再现：{recurring}；上年改进措施本年报告已落实：{done}")
    counts = {s: sum(1 for c in found if c.status == s) for s in marks}
    click.echo(f"通过 {counts['ok']}，不通过 {counts['failed']}，无法检查 {counts['not_evaluable']}")


@main.command()
@_DB
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@_user_errors
def stats(db: str | None, csv_path: str | None) -> None:
    """Every report's table cells in long form, plus the checks, as CSV."""
    library = Library(db)
    if csv_path:
        with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
            rows = library.long_table(f)
        click.echo(f"{rows} 行写入 {csv_path}")
    else:
        library.long_table(sys.stdout)


@main.command()
@_DB
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@_user_errors
def ui(db: str | None, port: int, host: str) -> None:
    """Start the Streamlit app on the store."""
    import os
    from pathlib import Path

    from indexer.store import default_db_path

    app = Path(__file__).resolve().parents[1] / "ui" / "检索.py"
    env = {**os.environ, "NIANBAO_DB": str(Path(db) if db else default_db_path())}
    cmd = [
        sys.executable,
        "-m",
        "ui.serve",  # prepares the pages' answers in the background, then runs `streamlit run`
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    # Streamlit takes this process's place: whoever stops `nianbao ui` stops the server (a child
    # process would outlive a terminated parent).
    os.execve(sys.executable, cmd, env)


def _entity_answer(answer: Any, as_json: bool, csv_path: str | None) -> None:
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return
    if csv_path:
        import csv
        from dataclasses import asdict

        with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(asdict(answer.hits[0]) if answer.hits else ["report_id"]))
            writer.writeheader()
            for hit in answer.hits:
                row = asdict(hit)
                row["figures"] = " ".join(row.get("figures") or [])
                row["versions"] = " ".join(row.get("versions") or [])
                writer.writerow(row)
        click.echo(f"{len(answer.hits)} 行写入 {csv_path}")
        return
    click.echo(f"{answer.canonical} [{answer.kind}]: {answer.reports} 份报告, {answer.regions} 个地区")
    click.echo("按省: " + ", ".join(f"{p}({n})" for p, n in answer.by_province.items()))
    click.echo("按年: " + ", ".join(f"{y}({n})" for y, n in answer.by_year.items()))
    if answer.versions:
        click.echo("按版本 (文中写明的): " + ", ".join(f"{v}年版({n})" for v, n in answer.versions.items()))
    province = None
    for hit in answer.hits:
        if hit.province != province:
            province = hit.province
            click.echo(f"\n{province or '未识别'}")
        region = "/".join(x for x in (hit.city, hit.county) if x)
        extra = (f" {hit.article}" if hit.article else "") + (f" [{' '.join(hit.figures)}]" if hit.figures else "")
        extra += f" ({'/'.join(hit.versions)}年版)" if hit.versions else ""
        click.echo(f"  {region} {hit.year or ''} [{hit.report_id}]{extra}: {hit.sentence[:160]}")


@main.command()
@click.argument("name")
@click.option("--limit", type=int, default=50, show_default=True, help="Sentences shown.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write the citing sentences as CSV.")
@_DB
@_user_errors
def cites(name: str, limit: int, as_json: bool, csv_path: str | None, db: str | None) -> None:
    """Who cites a document or regulation (any alias): regions and reports, with article and sentence."""
    _entity_answer(Library(db).cites(name, limit), as_json, csv_path)


@main.command()
@click.argument("name")
@click.option("--limit", type=int, default=50, show_default=True, help="Passages shown.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False))
@_DB
@_user_errors
def practice(name: str, limit: int, as_json: bool, csv_path: str | None, db: str | None) -> None:
    """The regions reporting a practice (or platform), with passages and the figures in them."""
    _entity_answer(Library(db).practice(name, limit), as_json, csv_path)


class _EntityGroup(click.Group):
    """`nianbao entity NAME` shows an entity; `nianbao entity merge|rename|split|hide|unhide …` curates."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@main.group(cls=_EntityGroup)
def entity() -> None:
    """An entity (`nianbao entity NAME`), and the curation of entities: merge, rename, split, hide,
    unhide, decisions, undo, export, import. Decisions are kept in the store, applied to it at once and
    to every report ingested later."""


@entity.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@_DB
@_user_errors
def entity_show(name: str, as_json: bool, db: str | None) -> None:
    """An entity: its canonical name, the forms it is written in, and its neighbours by relation."""
    answer = Library(db).entity(name)
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    click.echo(f"{answer['canonical']} [{answer['kind']}] — {answer['reports']} 份报告")
    click.echo("写法: " + "、".join(answer["aliases"]))
    for relation, items in answer["neighbours"].items():
        click.echo(f"{relation}: " + ", ".join(f"{n}({c})" for n, c in items))


def _decided(decision: Any) -> None:
    click.echo(f"[{decision.id}] {decision.at} {decision.describe()}")


@entity.command("merge")
@click.argument("name")
@click.argument("into")
@_DB
@_user_errors
def entity_merge(name: str, into: str, db: str | None) -> None:
    """NAME becomes INTO (both entities of one kind): their mentions, reports and edges are one."""
    _decided(Library(db).curate("merge", name, into))


@entity.command("rename")
@click.argument("name")
@click.argument("new_name")
@_DB
@_user_errors
def entity_rename(name: str, new_name: str, db: str | None) -> None:
    """Show the entity NAME as NEW_NAME."""
    _decided(Library(db).curate("rename", name, new_name))


@entity.command("split")
@click.argument("alias")
@click.argument("name")
@_DB
@_user_errors
def entity_split(alias: str, name: str, db: str | None) -> None:
    """The mentions of NAME written ALIAS become an entity of their own, ALIAS."""
    _decided(Library(db).curate("split", alias, name))


@entity.command("hide")
@click.argument("name")
@_DB
@_user_errors
def entity_hide(name: str, db: str | None) -> None:
    """Leave NAME (not an entity) out of listings, answers and the graph; `unhide` shows it again."""
    _decided(Library(db).curate("hide", name))


@entity.command("unhide")
@click.argument("name")
@_DB
@_user_errors
def entity_unhide(name: str, db: str | None) -> None:
    """Show a hidden entity again."""
    _decided(Library(db).curate("unhide", name))


@entity.command("decisions")
@click.option("--json", "as_json", is_flag=True)
@_DB
@_user_errors
def entity_decisions(as_json: bool, db: str | None) -> None:
    """Every curation decision with its time, oldest first (undone ones marked)."""
    found = Library(db).curation()
    if as_json:
        click.echo(json.dumps([{"id": d.id, **d.to_json()} for d in found], ensure_ascii=False, indent=2))
    elif not found:
        click.echo("还没有整理决定。")
    for d in found if not as_json else ():
        _decided(d)


@entity.command("undo")
@click.argument("decision_id", type=int)
@_DB
@_user_errors
def entity_undo(decision_id: int, db: str | None) -> None:
    """Undo one decision (its number in `nianbao entity decisions`)."""
    _decided(Library(db).undo_curation(decision_id))


@entity.command("export")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@_DB
@_user_errors
def entity_export(path: str | None, db: str | None) -> None:
    """Write every decision to PATH (default data/curation.yml), for review in a pull request."""
    from indexer.paths import data_dir

    target = Path(path) if path else data_dir() / "curation.yml"
    n = Library(db).export_curation(target)
    click.echo(f"{n} 条决定写入 {target}")


@entity.command("import")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@_DB
@_user_errors
def entity_import(path: str | None, db: str | None) -> None:
    """Add the decisions of PATH (default data/curation.yml) the store lacks, and apply them."""
    from indexer.paths import data_dir

    source = Path(path) if path else data_dir() / "curation.yml"
    n = Library(db).import_curation(source)
    click.echo(f"{n} 条新决定自 {source} 导入并应用")


@main.command()
@click.argument("region")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@_DB
@_user_errors
def similar(region: str, limit: int, as_json: bool, db: str | None) -> None:
    """Regions ranked by the documents, platforms and measures they share with REGION."""
    rows = Library(db).similar(region, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        place = "/".join(x for x in (r["province"], r["city"], r["county"]) if x)
        click.echo(f"{r['score']:>7.2f}  {place}  共享 {r['shared']}: {'、'.join(r['examples'])}")


@main.command()
@click.option("--province")
@click.option("--year", type=int)
@click.option("--region", help="One region's problems and fixes by year (county, city or province).")
@click.option("--recurrence", "publisher", help="A publisher's problems that came back and fixes reported done.")
@click.option("--clusters", "show_clusters", is_flag=True, help="Group the items no category fits.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False))
@_DB
@_user_errors
def problems(
    province: str | None,
    year: int | None,
    region: str | None,
    publisher: str | None,
    show_clusters: bool,
    as_json: bool,
    csv_path: str | None,
    db: str | None,
) -> None:
    """Problem categories ranked by the regions reporting them, with examples, fixes and recurrence."""
    library = Library(db)
    if region:
        result: Any = library.region_items(region)
    elif publisher:
        result = library.recurrence(publisher)
    elif show_clusters:
        result = library.clusters(province=province, year=year)
    else:
        result = library.problems(province, year)
    if csv_path and not region and not publisher and not show_clusters:
        import csv

        with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["category", "label", "regions", "reports", "recurrence", "top_fixes", "example"])
            for r in result:
                example = r["examples"][0]["text"] if r["examples"] else ""
                fixes = "；".join(x["label"] for x in r["fixes"])
                writer.writerow(
                    [r["category"], r["label"], r["regions"], r["reports"], r["recurrence"], fixes, example]
                )
        click.echo(f"{len(result)} 行写入 {csv_path}")
    elif as_json or csv_path:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif region:
        for item in result:
            kind = "问题" if item["kind"] == "problem" else "改进"
            click.echo(f"{item['year']} {kind} [{'、'.join(item['categories'])}] {item['text'][:120]}")
    elif publisher:
        for pair in result:
            click.echo(
                f"{pair['year']}→{pair['next_year']}: 再次出现 {len(pair['recurring_problems'])} 类问题,"
                f" 已落实 {len(pair['fixes_reported_done'])} 项改进"
            )
            for r in pair["recurring_problems"]:
                click.echo(f"  ↻ {r['label']}: {r['text'][:60]} ‖ {r['next_year_text'][:60]}")
            for d in pair["fixes_reported_done"]:
                click.echo(f"  ✓ {d['label']}: {d['proposed'][:60]} ‖ {d['reported_next_year'][:60]}")
    elif show_clusters:
        for c in result:
            click.echo(
                f"[{c['size']} 条, {c['regions']} 个地区] {' '.join(c['terms'])}: {c['examples'][0]['text'][:80]}"
            )
    else:
        for r in result:
            rate = "—" if r["recurrence"] is None else f"{r['recurrence']:.0%}"
            fixes = "、".join(x["label"] for x in r["fixes"])
            click.echo(
                f"{r['label']}: {r['regions']} 个地区, {r['reports']} 份报告, 次年再现 {rate}; 常见改进: {fixes}"
            )
            for e in r["examples"][:2]:
                click.echo(f"    {e['region']} {e['year']}: {e['text'][:100]}")


@main.group()
def lexicon() -> None:
    """The lexicons in data/lexicons: candidates from the corpus for a person to accept."""


@lexicon.command("suggest")
@click.option("--kind", type=click.Choice(["platform", "measure"]), default="platform", show_default=True)
@click.option("--min-reports", type=int, default=2, show_default=True, help="Named by at least this many reports.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--yaml", "as_yaml", is_flag=True, help="Print entries ready to paste into the lexicon's YAML.")
@_DB
@_user_errors
def lexicon_suggest(kind: str, min_reports: int, limit: int, as_json: bool, as_yaml: bool, db: str | None) -> None:
    """Platform or measure names the lexicon does not know, found by the phrases that introduce them
    (开设/开通/依托 … 平台/专栏/公众号/APP/热线; 开展/建立/推行 … 制度/机制/活动), with the number of
    reports naming each and example sentences."""
    from indexer.extract.suggest import as_yaml as yaml_entries

    found = Library(db).lexicon_suggest(kind, min_reports, limit)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
    elif as_yaml:
        click.echo(yaml_entries(found), nl=False)
    elif not found:
        click.echo(f"没有至少 {min_reports} 份报告提到的新名称。")
    else:
        file = "platforms.yml" if kind == "platform" else "measures.yml"
        click.echo(f"{len(found)} 个候选（接受的写入 data/lexicons/{file}）:")
        for c in found:
            click.echo(f"{c.reports:>5} 份报告  {c.name}")
            for uid, sentence in c.examples:
                click.echo(f"         [{uid}] {sentence[:100]}")


@main.group()
def graph() -> None:
    """The knowledge graph built from the store."""


@graph.command("export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), default="graphml", show_default=True)
@click.option("--types", help="Node types to keep, comma-separated (region,agency,report,document,platform,measure).")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Output file (default: nianbao.<format>).")
@_DB
@_user_errors
def graph_export(fmt: str, types: str | None, out: str | None, db: str | None) -> None:
    """Export the graph for Gephi and other tools."""
    from graph.build import NODE_TYPES
    from graph.export import export_graph

    kinds = [t.strip() for t in types.split(",")] if types else None
    unknown = set(kinds or []) - set(NODE_TYPES)
    if unknown:
        raise NianbaoError(f"unknown node type(s): {', '.join(sorted(unknown))}; choose from {', '.join(NODE_TYPES)}")
    g = Library(db).graph(kinds)
    path = out or f"nianbao.{fmt}"
    export_graph(g, fmt, path)
    click.echo(f"{g.number_of_nodes()} 个节点, {g.number_of_edges()} 条边 → {path}")


if __name__ == "__main__":
    main()
